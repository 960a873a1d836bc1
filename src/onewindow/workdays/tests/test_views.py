import datetime as dt

import pytest

from onewindow import workdays
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import UserFactory, staff_user
from onewindow.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar(db):
    workdays.reload()


@pytest.fixture
def clerk(client):
    client.force_login(staff_user(RoleCode.WINDOW_CLERK))
    return client


@pytest.fixture
def reform(client):
    client.force_login(UserFactory(roles=[RoleCode.REFORM_OFFICE]))
    return client


def test_year_view_marks_holidays_and_status(clerk):
    body = clerk.get("/calendar/2026/").content.decode()
    assert "正式" in body and 'title="2026-02-14 调休上班 春节"' in body
    assert "暂定" in clerk.get("/calendar/2027/").content.decode()
    assert clerk.get("/calendar/2050/").status_code == 404


def test_entering_a_year_on_the_page(reform, django_capture_on_commit_callbacks):
    client = reform
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/calendar/2027/enter/",
            {
                "source": "国办发明电〔2026〕9号",
                "text": "2027-10-01,休,国庆节\n2027-10-02,休\n2027-09-26,班,国庆节\n",
            },
        )
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2027).exists()
    assert workdays.is_workday(dt.date(2027, 9, 26))


def test_bad_schedule_on_the_page_lists_errors_and_saves_nothing(reform):
    response = reform.post(
        "/calendar/2027/enter/",
        {"source": "x", "text": "2027-10-01,休\n2027-10-01,班\n2027-13-01,休\n"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "第3行：日期“2027-13-01”无效" in body
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_single_day_correction_page(reform, django_capture_on_commit_callbacks):
    client = reform
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/calendar/day/",
            {"date": "2026-12-31", "kind": "holiday", "name": "", "note": "县政府通知"},
        )
    assert response.status_code == 302
    assert not workdays.is_workday(dt.date(2026, 12, 31))
    refused = client.post("/calendar/day/", {"date": "2026-12-30", "kind": "adjusted", "note": "x"})
    assert "本来就是工作日" in refused.content.decode()
