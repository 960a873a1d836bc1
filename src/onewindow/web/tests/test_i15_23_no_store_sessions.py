"""Issue 15 item 23: nothing personal is kept in a browser's or proxy's cache (Cache-Control:
no-store on pages, PDFs, XLSX and the API); the wall display runs on a read-only device token of
its own; a session ends a fixed time after login however busy; a notice's QR progress link
expires a configurable time after the case ended."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.test import Client

from onewindow.cases.notices import SALT
from onewindow.cases.workflow import State
from onewindow.org.roles import RoleCode
from onewindow.supervision import kiosks
from onewindow.supervision.models import Kiosk
from onewindow.testing.factories import CaseFactory, DeskFactory, staff_user

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=TZ)


@pytest.fixture
def desk(db):
    with time_machine.travel(NOW, tick=False):
        return DeskFactory()


def test_i15_23_logged_in_pages_downloads_and_api_are_not_stored(client, desk):
    with time_machine.travel(NOW, tick=False):
        case = CaseFactory(desk=desk, state=State.CLOSED)
        staff = client
        staff.force_login(desk.clerk)
        for url in (
            "/cases/window/",
            f"/cases/{case.pk}/",
            f"/cases/{case.pk}/notice/accept.pdf",
            "/catalog/export.xlsx",
            "/catalog/export.json",
            "/api/cases/",
        ):
            response = staff.get(url)
            assert response.status_code in (200, 401, 403, 404), url
            assert "no-store" in response["Cache-Control"], url
        anonymous = Client()
        assert "no-store" in anonymous.get("/api/catalog/items")["Cache-Control"]
        token = signing.dumps(case.pk, salt=SALT)
        assert "no-store" in anonymous.get(f"/progress/{token}/")["Cache-Control"]
        # A file the view itself declares public stays cacheable (the guide's QR code to print).
        code = desk.item.implementation_code
        qr = anonymous.get(f"/guide/items/{code}/qr.svg")
        assert "public" in qr["Cache-Control"] and "no-store" not in qr["Cache-Control"]


def test_i15_23_wall_display_runs_on_its_own_read_only_token(client, desk):
    hallmgr = staff_user(RoleCode.HALL_MANAGER)
    kiosk, token = kiosks.kiosk_register(
        acting_user=hallmgr, name="大厅监察大屏", purpose=Kiosk.Purpose.WALL, hall=desk.hall
    )
    wall = Client()
    enrol = wall.post("/kiosk/", {"token": token})
    assert enrol.status_code == 302 and enrol.cookies[kiosks.COOKIE]["httponly"]
    page = wall.get("/kiosk/")
    body = page.content.decode()
    assert page.status_code == 200 and "政务服务大厅监察大屏" in body
    assert 'http-equiv="refresh"' in body  # the device refreshes itself ...
    assert "sessionid" not in wall.cookies  # ... without any person's session
    assert "no-store" in page["Cache-Control"]
    # Read only: it cannot rate, and opens no staff page.
    assert wall.post("/kiosk/rate/", {"level": "1"}).status_code == 403
    assert wall.get("/supervision/").status_code == 302
    # A staff member's own wall view no longer refreshes (and so keeps no session alive).
    client.force_login(staff_user(RoleCode.SUPERVISOR))
    assert 'http-equiv="refresh"' not in client.get("/supervision/wall/").content.decode()
    kiosks.kiosk_revoke(acting_user=hallmgr, kiosk=kiosk)
    assert "政务服务大厅监察大屏" not in wall.get("/kiosk/").content.decode()


def test_i15_23_session_ends_a_fixed_time_after_login_however_busy(client, settings, desk):
    settings.SESSION_COOKIE_AGE = 7 * 86400  # the idle rule out of the way: only the absolute one
    settings.SESSION_MAX_HOURS = 12
    with time_machine.travel(NOW, tick=False):
        client.force_login(desk.clerk)
        assert client.get("/cases/window/").status_code == 200
    with time_machine.travel(NOW + datetime.timedelta(hours=11, minutes=59), tick=False):
        assert client.get("/cases/window/").status_code == 200
    with time_machine.travel(NOW + datetime.timedelta(hours=12, minutes=1), tick=False):
        response = client.get("/cases/window/")
        assert response.status_code == 302 and "/login/" in response["Location"]
        login_page = client.get(response["Location"]).content.decode()
        assert "超过12小时" in login_page and "重新登录" in login_page


def test_i15_23_qr_progress_link_expires_after_the_case_ended(client, settings, desk):
    settings.PROGRESS_LINK_DAYS = 180
    with time_machine.travel(NOW, tick=False):
        ended = CaseFactory(desk=desk, state=State.CLOSED)
        still_open = CaseFactory(desk=desk, item=desk.instant_item)
    ended_link = f"/progress/{signing.dumps(ended.pk, salt=SALT)}/"
    open_link = f"/progress/{signing.dumps(still_open.pk, salt=SALT)}/"
    last_day = ended.closed_on + datetime.timedelta(days=180)
    noon = datetime.time(12, 0, tzinfo=TZ)
    with time_machine.travel(datetime.datetime.combine(last_day, noon), tick=False):
        assert client.get(ended_link).status_code == 200
    after = last_day + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(after, noon), tick=False):
        expired = client.get(ended_link)
        body = expired.content.decode()
        assert expired.status_code == 410 and "查询码已过期" in body and "我的办事" in body
        assert client.post(f"{ended_link}rate/", {"level": "1"}).status_code == 410
        assert client.get(open_link).status_code == 200  # an open case's link keeps working
