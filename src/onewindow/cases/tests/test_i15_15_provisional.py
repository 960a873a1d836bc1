"""Issue 15 item 15: a due date computed through a year whose State Council holiday schedule is
not entered yet is provisional; the case page, the lists, the notices and the API say so, and
the mark goes once the year is entered (even when the date itself does not move)."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from onewindow import workdays
from onewindow.cases import notices, services
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import submit_at
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import DeskFactory, UserFactory
from onewindow.workdays import services as calendar
from onewindow.workdays.models import CalendarDay, CalendarRevision, CalendarYear, DayKind

pytestmark = pytest.mark.django_db

LATE_DECEMBER = datetime.date(2026, 12, 21)  # a Monday: 10 working days reach into 2027
EARLY_DECEMBER = datetime.date(2026, 12, 1)
SH = ZoneInfo("Asia/Shanghai")
NOTE = "（暂定，待国务院公布节假日安排后重算）"


@pytest.fixture
def desk(db):
    return DeskFactory(item__promised_limit=10)  # 10 working days


def _accepted(desk, time_machine, day: datetime.date) -> Case:
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=SH), tick=False)
    case = submit_at(desk, day=day)
    return services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=day)


def test_i15_15_a_provisional_due_date_is_marked_everywhere(desk, time_machine, client):
    workdays.reload()
    assert 2027 in workdays.current().provisional_years
    firm = _accepted(desk, time_machine, EARLY_DECEMBER)
    case = _accepted(desk, time_machine, LATE_DECEMBER)
    assert case.due_date.year == 2027 and case.due_provisional
    assert not firm.due_provisional

    client.force_login(desk.clerk)
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert "暂定" in body and "国务院" in body
    assert "暂定" not in client.get(f"/cases/{firm.pk}/").content.decode()
    body = client.get("/cases/window/").content.decode()  # today's cases at the window
    assert "暂定" in body

    assert NOTE in "".join(notices._body(case, "accept"))
    assert NOTE in client.get(notices.progress_path(case)).content.decode()  # the applicant's
    assert NOTE not in "".join(notices._body(firm, "accept"))

    assert client.get(f"/api/cases/{case.pk}").json()["due_date_provisional"] is True
    assert client.get(f"/api/cases/{firm.pk}").json()["due_date_provisional"] is False
    listed = {r["id"]: r for r in client.get("/api/cases/").json()["items"]}
    assert listed[case.pk]["due_date_provisional"] is True

    services.case_transfer(acting_user=desk.teamlead, case=case, day=LATE_DECEMBER)
    client.force_login(desk.reviewer)
    assert "暂定" in client.get("/cases/department/").content.decode()
    # The supervisors' drill-down list of the same unit's cases.
    client.force_login(UserFactory(roles=[RoleCode.SUPERVISOR]))  # 电子监察
    drill = client.get(f"/supervision/cases/?unit={case.unit_id}").content.decode()
    assert case.number in drill and "暂定" in drill


def test_i15_15_the_mark_goes_when_the_year_is_entered(
    desk, time_machine, django_capture_on_commit_callbacks
):
    case = _accepted(desk, time_machine, LATE_DECEMBER)
    due = case.due_date
    assert case.due_provisional
    # The schedule as published: New Year's Day alone in the first weeks, as provisionally
    # assumed, so the due date stays the same.
    days = [
        calendar.ScheduleDay(datetime.date(2027, 1, 1), DayKind.HOLIDAY, "元旦"),
        *[
            calendar.ScheduleDay(datetime.date(2027, 2, d), DayKind.HOLIDAY, "春节")
            for d in range(6, 13)
        ],
    ]
    try:
        with django_capture_on_commit_callbacks(execute=True):
            calendar.calendar_enter_year(
                acting_user=UserFactory(roles=[RoleCode.REFORM_OFFICE]),
                year=2027,
                source="国办发明电〔2026〕X号",
                days=days,
            )
        case.refresh_from_db()
        assert case.due_date == due and not case.due_provisional
    finally:
        # The calendar in memory outlives the test's transaction: put it back.
        CalendarDay.objects.filter(date__year=2027).delete()
        CalendarYear.objects.filter(year=2027).delete()
        CalendarRevision.objects.filter(year=2027).delete()
        workdays.reload()
