"""我的办事: an applicant sees the cases filed under their verified identity, and rates an
ended one on the web channel (网上评价), once."""

import pytest
from django.core.exceptions import ValidationError

from onewindow.cases.tests.conftest import APPLICANT, DAY, id_number
from onewindow.cases.workflow import State
from onewindow.org import services as org_services
from onewindow.org.roles import RoleCode
from onewindow.supervision.models import Rating, Ticket
from onewindow.testing import org as testing_org
from onewindow.testing.factories import (
    ApplicantFactory,
    CaseFactory,
    DeskFactory,
    UserFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db
MY_ID = testing_org.id_number(7)
MINE = {**APPLICANT, "applicant_name": "张三", "applicant_id": MY_ID}


def test_my_cases_lists_only_my_identity_and_rates_on_the_web(client):
    desk = DeskFactory()
    item = desk.instant_item

    def closed_case(applicant):
        """An instant case accepted, decided and delivered at the desk's window."""
        return CaseFactory(desk=desk, item=item, state=State.CLOSED, applicant=applicant, day=DAY)

    mine, theirs = closed_case(MINE), closed_case(APPLICANT)
    open_one = CaseFactory(desk=desk, item=item, applicant=MINE, day=DAY)
    client.force_login(ApplicantFactory(identity=MY_ID))
    page = client.get("/me/").content.decode()
    assert page.count(item.name) == 2  # the closed one and the open one, not theirs
    assert f"/me/cases/{mine.pk}/" in page and f"/me/cases/{theirs.pk}/" not in page
    assert f"/me/cases/{open_one.pk}/" in page and "办结后可评价" in page
    assert client.get(f"/me/cases/{theirs.pk}/").status_code == 404

    detail = client.get(f"/me/cases/{mine.pk}/").content.decode()
    assert "提交评价" in detail and "办理过程" in detail
    client.post(f"/me/cases/{mine.pk}/", {"level": "5"})  # bad without a reason: refused
    assert not Rating.objects.filter(case=mine).exists()
    client.post(f"/me/cases/{mine.pk}/", {"level": "4", "tags": ["等候时间长"]})
    rating = Rating.objects.get(case=mine, channel="web")
    assert rating.level == 4 and rating.real_name and rating.window_post_id == mine.window_post_id
    assert Ticket.objects.get(rating=rating).state == "open"  # a bad one opens a ticket
    again = client.get(f"/me/cases/{mine.pk}/").content.decode()
    assert "提交评价" not in again and "整改情况" in again
    client.post(f"/me/cases/{mine.pk}/", {"level": "1"})
    assert Rating.objects.filter(case=mine).count() == 1  # once per channel
    assert client.post(f"/me/cases/{open_one.pk}/", {"level": "1"}).status_code == 400
    assert not Rating.objects.filter(case=open_one).exists()  # not ended: refused


def test_staff_cannot_open_the_applicant_pages(client):
    client.force_login(staff_user(RoleCode.WINDOW_CLERK))
    assert client.get("/me/").status_code == 403


def test_identity_is_checked_and_kept_as_digest_only():
    applicant = ApplicantFactory()
    with pytest.raises(ValidationError):
        org_services.applicant_verify(user=applicant, kind="person", number="430922198806120039")
    with pytest.raises(ValidationError, match="只有申请人账号"):
        org_services.applicant_verify(
            user=staff_user(RoleCode.WINDOW_CLERK), kind="person", number=id_number()
        )
    org_services.applicant_verify(user=applicant, kind="person", number=id_number())
    applicant.refresh_from_db()
    assert len(applicant.identity_digest) == 64 and id_number() not in applicant.identity_digest


def test_unverified_applicant_is_told_how(client):
    applicant = ApplicantFactory()
    applicant.identity_digest = ""
    applicant.save(update_fields=["identity_digest"])
    client.force_login(applicant)
    assert "尚未完成实名认证" in client.get("/me/").content.decode()


def test_admin_enters_a_checked_identity_in_one_save(rf):
    from django.contrib.admin.sites import site

    admin_user = UserFactory(roles=[RoleCode.SYSADMIN], is_superuser=True)
    applicant = ApplicantFactory()
    clerk = staff_user(RoleCode.WINDOW_CLERK)
    request = rf.post("/")
    request.user = admin_user
    model_admin = site._registry[type(applicant)]
    form_class = model_admin.get_form(request, applicant, change=True)
    initial = form_class(instance=applicant).initial

    def post(kind, number, roles=None):
        data = {
            k: v
            for k, v in initial.items()
            if k not in ("last_login", "date_joined", "groups", "user_permissions", "roles")
        }
        data.update(
            date_joined_0=applicant.date_joined.date().isoformat(),
            date_joined_1="08:00:00",
            roles=roles if roles is not None else [r.pk for r in applicant.roles.all()],
            identity_kind=kind,
            identity_number=number,
        )
        return form_class(data, instance=type(applicant).objects.get(pk=applicant.pk))

    bad = post("person", "430922198806120039")
    assert not bad.is_valid() and "identity_number" in bad.errors
    clerk_roles = [r.pk for r in clerk.roles.all()]
    not_applicant = post("person", id_number(), roles=clerk_roles)
    assert not not_applicant.is_valid() and "只有申请人账号" in str(not_applicant.errors)
    good = post("person", id_number())
    assert good.is_valid(), good.errors
    good.save()
    applicant.refresh_from_db()
    assert applicant.identity_digest == org_services.identity_digest(
        kind="person", number=id_number()
    )
