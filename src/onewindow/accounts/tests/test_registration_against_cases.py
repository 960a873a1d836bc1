"""Someone else's ID number: when cases were already filed under the number, a registration must
carry the applicant name on them and an SMS-verified mobile that is one of their phones (the
account would show those cases at 我的办事)."""

import pytest
from django.core.cache import cache

from onewindow.accounts.models import Person
from onewindow.accounts.tests.util import id_number, register
from onewindow.cases.models import Case
from onewindow.testing.cases import CaseFactory
from onewindow.testing.org import applicant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def filed_case():
    cache.clear()
    CaseFactory(
        applicant=applicant(
            0, applicant_name="王 芳", applicant_id=id_number(71), phone="13907377171"
        )
    )
    yield
    cache.clear()


def test_the_person_of_the_cases_registers_and_sees_them(client):
    response = register(client, name="王芳", seq=71, mobile="13907377171")
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.name == "王芳"
    # 我的办事 finds cases by this digest: the account's is the one the case carries.
    assert Case.objects.filter(applicant_id_digest=person.user.identity_digest).count() == 1


def test_another_name_for_the_number_is_refused(client):
    response = register(client, name="李四", seq=71, mobile="13907377171")
    assert response.status_code == 400
    assert "您填写的姓名与该身份证号码在政务服务中心办事时登记的姓名不一致" in (
        response.content.decode()
    )
    assert not Person.objects.exists()


def test_another_mobile_for_the_number_is_refused(client):
    response = register(client, name="王芳", seq=71, mobile="13907377172")
    assert response.status_code == 400
    assert "您验证的手机号码不是该身份证号码办事时登记的联系电话" in response.content.decode()
    assert not Person.objects.exists()


def test_a_number_without_cases_registers_freely(client):
    assert register(client, name="李四", seq=72, mobile="13907377172").status_code == 302
