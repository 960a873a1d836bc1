"""Identity assurance: how far an account's ID number (or an organisation's credit code) is known
to be its own. accounts.identities.Identity.verified is what cases scopes 我的办事 on."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from onewindow.accounts.identities import acting_for
from onewindow.accounts.models import Membership, Organisation, Person
from onewindow.accounts.services import applicant_create
from onewindow.accounts.tests.util import credit_code, id_number, register
from onewindow.org.models import User
from onewindow.testing.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


def test_a_self_registered_person_is_mobile_assured_and_not_verified(client):
    cache.clear()
    assert register(client, name="易注册", seq=901, mobile="13907379001").status_code == 302
    person = Person.objects.get()
    assert person.assurance == Person.Assurance.MOBILE
    [own] = acting_for(person.user)
    assert own.kind == "person" and own.verified is False


def test_a_province_person_and_a_desk_verified_user_are_verified():
    province = applicant_create(
        name="省认证",
        id_number=id_number(902),
        mobile="",
        source=Person.Source.OIDC,
        password=None,
        assurance=Person.Assurance.PROVINCE,
    )
    assert acting_for(province)[0].verified is True
    desk = ApplicantFactory(identity=id_number(903))  # linked by a clerk: digest, no Person
    assert not Person.objects.filter(user=desk).exists()
    assert acting_for(desk)[0].verified is True


def test_an_organisation_is_verified_only_once_checked():
    boss = ApplicantFactory(identity=id_number(904))
    now = timezone.now()
    org = Organisation.objects.create(
        name="桃江县核验测试有限公司",
        credit_code=credit_code(905),
        legal_rep_name="核验人",
        legal_rep_id=id_number(904),
        registered_by=boss,
        created_at=now,
    )
    Membership.objects.create(
        organisation=org, user=boss, role="admin", granted_by=boss, granted_at=now, accepted_at=now
    )
    assert [i.verified for i in acting_for(boss)] == [True, False]
    Organisation.objects.filter(pk=org.pk).update(verified_at=now, verified_how="hall")
    assert [i.verified for i in acting_for(User.objects.get(pk=boss.pk))] == [True, True]


def test_staff_verifying_a_self_registered_persons_id_makes_it_hall_verified(client):
    """The existing desk flow (org.services.applicant_verify) upgrades the person's assurance."""
    from onewindow.org.services import applicant_verify

    user = applicant_create(
        name="柯窗口",
        id_number=id_number(906),
        mobile="13907379061",
        source=Person.Source.REGISTERED,
        password=None,
    )
    assert acting_for(user)[0].verified is False
    applicant_verify(user=user, kind="person", number=id_number(906))
    assert Person.objects.get(user=user).assurance == Person.Assurance.HALL
    assert acting_for(User.objects.get(pk=user.pk))[0].verified is True
