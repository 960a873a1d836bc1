"""Issue 22: a page view does not write the session. It is saved when it changed, or when its
idle expiry was last pushed forward more than a minute ago (web.middleware.
SessionRefreshMiddleware); the 30-minute idle timeout still ends it, never later than 30
minutes after the last request."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.cases.workflow import State
from onewindow.testing.factories import CaseFactory, DeskFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=TZ)
PAGE = "/cases/window/"


def at(seconds: float):
    return time_machine.travel(NOW + datetime.timedelta(seconds=seconds), tick=False)


def view(client) -> tuple[int, list[str]]:
    """The page's status and the statements that wrote a session row."""
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(PAGE).status_code
    sql = [q["sql"] for q in ctx.captured_queries]
    writes = [
        q for q in sql if "django_session" in q and q.lstrip().startswith(("UPDATE", "INSERT"))
    ]
    return status, writes


def expiry() -> datetime.datetime:
    (row,) = Session.objects.all()
    return row.expire_date


@pytest.fixture
def desk(db):
    with at(0):
        return DeskFactory()


def test_i22_a_page_view_within_the_minute_writes_no_session(client, settings, desk):
    settings.SESSION_COOKIE_AGE = 1800
    settings.SESSION_REFRESH_SECONDS = 60
    with at(0):
        client.force_login(desk.clerk)
        assert view(client)[0] == 200  # the first page marks when the expiry was pushed
        pushed = expiry()
        assert pushed == NOW + datetime.timedelta(seconds=1800)
    for seconds in (1, 30, 59):
        with at(seconds):
            assert view(client) == (200, []), seconds
    assert expiry() == pushed
    # More than a minute after the last push: one UPDATE moves the expiry forward.
    with at(61):
        status, writes = view(client)
        assert status == 200 and len(writes) == 1 and writes[0].lstrip().startswith("UPDATE")
    assert expiry() == NOW + datetime.timedelta(seconds=61 + 1800)
    with at(100):
        assert view(client) == (200, [])  # measured from that push, not from the login


def test_i22_a_changed_session_is_written_at_once(client, desk):
    """Within the minute, what a request puts in the session is saved with it: a refused move's
    errors and input, shown once by the page the browser is sent back to; signing out."""
    with at(0):
        case = CaseFactory(desk=desk, state=State.TRANSFERRED)
        client.force_login(desk.reviewer)
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    with at(5):
        with CaptureQueriesContext(connection) as ctx:
            refused = client.post(
                f"/cases/{case.pk}/act/extend/",
                {"days": "99", "approver": "张局长", "reason": "情况复杂", "version": case.version},
            )
        assert refused.status_code == 302
        assert any('UPDATE "django_session"' in q["sql"] for q in ctx.captured_queries)
    with at(10):
        assert 'value="张局长"' in client.get(f"/cases/{case.pk}/").content.decode()
    with at(15):
        assert 'value="张局长"' not in client.get(f"/cases/{case.pk}/").content.decode()
        client.post("/accounts/logout/")
    with at(20):
        assert client.get(PAGE).status_code == 302  # signed out at once
    assert not Session.objects.exists()


def test_i22_the_idle_timeout_still_ends_the_session_after_30_minutes(client, settings, desk):
    settings.SESSION_COOKIE_AGE = 1800
    settings.SESSION_REFRESH_SECONDS = 60
    with at(0):
        client.force_login(desk.clerk)
        assert client.get(PAGE).status_code == 200
    with at(50):
        assert view(client) == (200, [])  # busy, but the expiry stays where it was pushed
    # 29 minutes 59 seconds after the last push: still signed in (and pushed again).
    with at(1799):
        assert client.get(PAGE).status_code == 200
    # Idle from then on: ended 30 minutes after that request, not later.
    with at(1799 + 1799):
        status, _writes = view(client)
        assert status == 200
    with at(1799 + 1799 + 1801):
        response = client.get(PAGE)
        assert response.status_code == 302 and "/login/" in response["Location"]
    # A request within the minute after a push does not extend it: idle 29 minutes 20 seconds
    # after that request, the session has ended (the timeout is never exceeded).
    with at(10_000):
        client.force_login(desk.clerk)
        assert client.get(PAGE).status_code == 200
    with at(10_040):
        assert view(client) == (200, [])
    with at(10_000 + 1801):
        response = client.get(PAGE)
        assert response.status_code == 302 and "/login/" in response["Location"]
