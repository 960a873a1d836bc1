"""Someone else's ID number: when cases were already filed under the number, a registration must
carry the applicant name on them and an SMS-verified mobile that is one of their phones (the
account would show those cases at 我的办事)."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from onewindow.accounts.models import Person, PhoneCode
from onewindow.accounts.tests.util import PASSWORD, id_number, register, sent_code
from onewindow.cases.account_checks import desk_checked_cases
from onewindow.cases.models import Case, Channel
from onewindow.common import crypto
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


MISMATCH = "您填写的姓名或验证的手机号码，与该身份证号码在政务服务中心窗口办事时登记的信息不一致"


def test_another_name_for_the_number_is_refused(client):
    response = register(client, name="李四", seq=71, mobile="13907377171")
    assert response.status_code == 400
    assert MISMATCH in response.content.decode()
    assert not Person.objects.exists()


def test_another_mobile_for_the_number_is_refused_with_the_same_message(client):
    response = register(client, name="王芳", seq=71, mobile="13907377172")
    assert response.status_code == 400
    assert MISMATCH in response.content.decode()
    assert not Person.objects.exists()


def test_one_code_buys_one_try_of_a_name(client):
    """Review #9: a refusal spends the code; the right name then reads like a wrong one (no code),
    and with a fresh code a right name on a wrong mobile reads like a wrong name."""
    mine = "13907377901"
    base = {"id_number": id_number(71), "mobile": mine}
    client.post("/accounts/register/", {**base, "name": "猜名字", "action": "send"})
    code = sent_code(mine)
    answers = []
    for guess in ["王一", "王芳"]:
        page = client.post(
            "/accounts/register/",
            {
                **base,
                "name": guess,
                "code": code,
                "password": PASSWORD,
                "password2": PASSWORD,
                "action": "register",
            },
        ).content.decode()
        answers.append(
            (MISMATCH in page, "该验证码已使用" in page or "请先点击“获取验证码”" in page)
        )
    assert answers == [(True, False), (False, True)]
    assert PhoneCode.objects.get().used_at is not None
    cache.clear()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=False):
        right_name = register(client, name="王芳", seq=71, mobile=mine)
    assert MISMATCH in right_name.content.decode()
    assert not Person.objects.exists()


def test_cases_filed_online_or_by_an_agent_are_not_compared(client):
    """Review #2/#3: only cases where a clerk saw the ID card count. An application filed online
    (here through a department's system) or by an agent under the number, with any name and
    phone, neither lets that name in nor keeps the person out."""
    other = id_number(73)
    CaseFactory(
        channel=Channel.ONLINE,
        applicant=applicant(1, applicant_name="随便名", applicant_id=other, phone="13907377401"),
    )
    CaseFactory(
        applicant=applicant(
            2,
            applicant_name="随便名",
            applicant_id=other,
            phone="13907377401",
            agent_name="钱坏人",
            agent_id=id_number(74),
        ),
    )
    assert not desk_checked_cases(crypto.digest(other)).exists()
    # A hall case of the number (the person at the window) is what the registrant is held to.
    CaseFactory(
        applicant=applicant(3, applicant_name="赵真名", applicant_id=other, phone="13907377402")
    )
    response = register(client, name="随便名", seq=73, mobile="13907377401")
    assert response.status_code == 400 and MISMATCH in response.content.decode()
    assert register(client, name="赵真名", seq=73, mobile="13907377402").status_code == 302


def test_a_number_without_cases_registers_freely(client):
    assert register(client, name="李四", seq=72, mobile="13907377172").status_code == 302
