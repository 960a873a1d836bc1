"""Issue 15 item 13: rating forms choose no level for the applicant (GB/T 39734), refuse a form
without one in Chinese and keep the applicant's own choice after a refusal; the window's tablet
is a device signed in by its own token (registered by the hall manager, bound to a window),
never a clerk's session; staff cannot rate a case they handled."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import ValidationError
from django.test import Client

from onewindow.cases.notices import SALT
from onewindow.cases.tests.conftest import APPLICANT
from onewindow.org.roles import RoleCode
from onewindow.supervision import kiosks, ratings
from onewindow.supervision.models import Kiosk, Rating
from onewindow.supervision.tests.test_ratings import delivered
from onewindow.testing.factories import ApplicantFactory, DeskFactory, id_number, staff_user

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MINE = {**APPLICANT, "applicant_name": "张三", "applicant_id": id_number(7)}
CHECKED_LEVEL = re.compile(r'<input type="radio" name="level" value="(\d)"[^>]*\bchecked\b')


@pytest.fixture
def desk():
    return DeskFactory()


def _as(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def _applicant() -> Client:
    """The applicant of MINE, signed in on the portal."""
    return _as(ApplicantFactory(identity=MINE["applicant_id"]))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _checked(body: str) -> list[str]:
    return CHECKED_LEVEL.findall(body)


def _tablet(case, hall_manager=None) -> tuple[Kiosk, Client]:
    """The hall manager registers a tablet for the case's window; the device enrols with it."""
    kiosk, token = kiosks.kiosk_register(
        acting_user=hall_manager or staff_user(RoleCode.HALL_MANAGER),
        name="评价器",
        purpose=Kiosk.Purpose.RATING,
        hall=case.window_post.hall,
        window_post=case.window_post,
    )
    device = Client()
    assert device.post("/kiosk/", {"token": token}).status_code == 302
    return kiosk, device


def test_i15_13_no_form_chooses_a_level_and_a_refusal_keeps_the_choice(client, desk):
    qr_case = delivered(desk)
    token = signing.dumps(qr_case.pk, salt=SALT)
    page = client.get(f"/progress/{token}/").content.decode()
    assert 'name="level"' in page and _checked(page) == []

    missing = client.post(f"/progress/{token}/rate/", {"text": "还行", "tags": ["一次办好"]})
    body = missing.content.decode()
    assert missing.status_code == 400 and "请选择评价等级" in body
    assert _checked(body) == [] and re.search(r'value="一次办好" checked', body)
    assert "还行</textarea>" in body
    bad = client.post(f"/progress/{token}/rate/", {"level": "5"})
    body = bad.content.decode()
    assert bad.status_code == 400 and "写明原因" in body
    assert _checked(body) == ["5"]  # the applicant's own choice, not 非常满意
    assert not Rating.objects.filter(case=qr_case).exists()

    mine = delivered(desk, MINE)
    web = _applicant()
    assert _checked(web.get(f"/me/cases/{mine.pk}/").content.decode()) == []
    refused = web.post(f"/me/cases/{mine.pk}/", {"level": "4", "text": "  "})
    assert refused.status_code == 400 and _checked(refused.content.decode()) == ["4"]

    _kiosk, device = _tablet(qr_case)
    kiosks.kiosk_offer(acting_user=desk.clerk, case=qr_case)
    tablet = device.get("/kiosk/").content.decode()
    assert qr_case.item.name in tablet and _checked(tablet) == []
    again = device.post("/kiosk/rate/", {"case": qr_case.pk, "level": "5"})
    assert again.status_code == 400 and _checked(again.content.decode()) == ["5"]


def test_i15_13_tablet_is_a_device_bound_to_a_window_not_a_clerks_session(desk):
    case = delivered(desk)
    hall_manager = staff_user(RoleCode.HALL_MANAGER)
    clerk = _as(desk.clerk)
    # The clerk's session no longer opens a rating form; it only puts the case on the tablet.
    assert clerk.get(f"/supervision/rate/{case.pk}/").status_code == 405
    no_tablet = clerk.post(f"/supervision/rate/{case.pk}/", follow=True).content.decode()
    assert "还没有登记评价器" in no_tablet

    with pytest.raises(ValidationError, match="须绑定一个窗口"):
        kiosks.kiosk_register(acting_user=hall_manager, name="x", purpose="rating", hall=desk.hall)
    with pytest.raises(Exception, match="政务服务中心管理员"):
        kiosks.kiosk_register(
            acting_user=desk.clerk,
            name="x",
            purpose="rating",
            hall=case.window_post.hall,
            window_post=case.window_post,
        )
    kiosk, device = _tablet(case, hall_manager)
    assert "sessionid" not in device.cookies  # the device has no person's session
    assert "欢迎评价" in device.get("/kiosk/").content.decode()  # nothing offered yet
    assert device.post("/kiosk/rate/", {"case": case.pk, "level": "1"}).status_code == 400

    clerk.post(f"/supervision/rate/{case.pk}/")
    assert Kiosk.objects.get(pk=kiosk.pk).offered_case_id == case.pk
    done = device.post("/kiosk/rate/", {"case": case.pk, "level": "2", "tags": ["服务态度好"]})
    assert done.status_code == 302
    rating = Rating.objects.get(case=case, channel=Rating.Channel.WINDOW_TABLET)
    assert rating.level == 2 and rating.window_post_id == case.window_post_id
    assert "欢迎评价" in device.get("/kiosk/").content.decode()  # the form is gone

    # Another device's token, a stranger's browser and a revoked tablet get no form.
    assert Client().post("/kiosk/rate/", {"case": case.pk, "level": "1"}).status_code == 403
    kiosks.kiosk_revoke(acting_user=hall_manager, kiosk=kiosk)
    assert "登记本设备" in device.get("/kiosk/").content.decode()


def test_i15_13_hall_manager_registers_and_revokes_devices_on_a_page(desk):
    case = delivered(desk)
    hall_manager = staff_user(RoleCode.HALL_MANAGER)
    manager = _as(hall_manager)
    page = manager.post(
        "/supervision/kiosks/",
        {
            "name": "3号窗口评价器",
            "purpose": "rating",
            "hall": case.window_post.hall_id,
            "window_post": case.window_post_id,
        },
    )
    body = page.content.decode()
    token = re.search(r"<code>(owk_[^<]+)</code>", body).group(1)
    kiosk = Kiosk.objects.get(name="3号窗口评价器")
    assert kiosk.token_digest == kiosks.token_digest(token) and token not in kiosk.token_digest
    assert _as(desk.clerk).get("/supervision/kiosks/").status_code == 403
    manager = _as(hall_manager)
    manager.post(f"/supervision/kiosks/{kiosk.pk}/revoke/")
    assert Kiosk.objects.get(pk=kiosk.pk).revoked_at is not None
    assert kiosks.kiosk_for_token(token) is None


def test_i15_13_staff_cannot_rate_a_case_they_handled(desk):
    case = delivered(desk)
    with pytest.raises(ValidationError, match="不能评价自己经办的办件"):
        ratings.rate(case=case, channel="qr", level=1, by=desk.clerk)
    token = signing.dumps(case.pk, salt=SALT)
    response = _as(desk.clerk).post(f"/progress/{token}/rate/", {"level": "1"})
    assert response.status_code == 400 and "不能评价自己经办的办件" in response.content.decode()
    assert not Rating.objects.filter(case=case).exists()
    # Staff who did not touch it, and the applicant, may.
    ratings.rate(case=case, channel="qr", level=1, by=staff_user(RoleCode.WINDOW_CLERK))
    mine = delivered(desk, MINE)
    _applicant().post(f"/me/cases/{mine.pk}/", {"level": "1"})
    assert Rating.objects.filter(case=mine, channel="web").exists()
