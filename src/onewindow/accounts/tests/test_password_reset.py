"""找回密码: a code to the registered mobile only, then a new password."""

import pytest
from django.core.cache import cache

from onewindow.accounts.models import Person, PhoneCode
from onewindow.accounts.services import applicant_create
from onewindow.accounts.tests.util import PASSWORD, id_number, sent_code
from onewindow.exchange.models import SmsOutbox

pytestmark = pytest.mark.django_db
NEW = "Qm4tr-Hexiu7"


@pytest.fixture
def person():
    cache.clear()
    user = applicant_create(
        name="黄秋菊",
        id_number=id_number(61),
        mobile="13907376161",
        source=Person.Source.REGISTERED,
        password=PASSWORD,
    )
    yield user
    cache.clear()


def _send(client, mobile="13907376161", seq=61):
    return client.post(
        "/accounts/password/reset/",
        {"id_number": id_number(seq), "mobile": mobile, "action": "send"},
    )


def _reset(client, code, **extra):
    data = {
        "id_number": id_number(61),
        "mobile": "13907376161",
        "code": code,
        "password": NEW,
        "password2": NEW,
        "action": "reset",
    }
    return client.post("/accounts/password/reset/", {**data, **extra})


def test_reset_with_the_code_sent_to_the_registered_mobile(client, person):
    assert _send(client).status_code == 200
    sms = SmsOutbox.objects.get()
    assert sms.mobile == "13907376161" and "重设一窗通办账号的密码" in sms.text
    response = _reset(client, sent_code("13907376161"))
    assert response.status_code == 302 and response.url == "/accounts/login/"
    person.refresh_from_db()
    assert person.check_password(NEW) and not person.check_password(PASSWORD)
    assert PhoneCode.objects.get().purpose == "reset"
    login = client.post("/accounts/login/", {"username": id_number(61), "password": NEW})
    assert login.status_code == 302


def test_no_code_goes_to_a_mobile_that_is_not_the_registered_one(client, person):
    response = _send(client, mobile="13907376162")
    assert response.status_code == 400
    assert "手机号码不是该账号注册的号码" in response.content.decode()
    unknown = _send(client, seq=62)
    assert "身份证号码未注册" in unknown.content.decode()
    assert not SmsOutbox.objects.exists()


def test_a_wrong_code_changes_nothing(client, person):
    _send(client)
    right = sent_code("13907376161")
    response = _reset(client, f"{(int(right) + 1) % 1000000:06d}")
    assert response.status_code == 400 and "验证码不正确，还可以再试4次。" in (
        response.content.decode()
    )
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_a_registration_code_does_not_reset_a_password(client, person):
    client.post(
        "/accounts/register/",
        {"name": "黄秋菊", "id_number": id_number(63), "mobile": "13907376161", "action": "send"},
    )
    response = _reset(client, sent_code("13907376161"))
    assert response.status_code == 400 and "请先点击“获取验证码”" in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_the_login_page_links_to_reset(client):
    assert 'href="/accounts/password/reset/"' in client.get("/accounts/login/").content.decode()
