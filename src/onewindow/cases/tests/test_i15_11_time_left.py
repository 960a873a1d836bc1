"""Issue 15 item 11: remaining or overdue working days come from the case's own state and dates:
a decided case by its decision date against its due date (whatever today is), a suspended case
frozen at its suspension, an open case from today. One function for the page, lists and API."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from onewindow import workdays
from onewindow.cases import selectors, services
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import APPLICANT, DAY, signed_in, submit_at
from onewindow.testing.factories import DeskFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def desk(db):
    return DeskFactory(item__promised_limit=10)  # 10 working days


def _at(time_machine, day: datetime.date) -> None:
    time_machine.move_to(
        datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=SH), tick=False
    )


def _transferred(desk, time_machine) -> Case:
    _at(time_machine, DAY)
    case = submit_at(desk, day=DAY)
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    return services.case_transfer(acting_user=desk.teamlead, case=case, day=DAY)


def _closed(desk, case: Case, decided: datetime.date, time_machine) -> Case:
    _at(time_machine, decided)
    case = services.case_decide(
        acting_user=desk.reviewer, case=case, result="approved", day=decided
    )
    collect = {
        "recipient": "王小明",
        "recipient_id": APPLICANT["applicant_id"],
        "receipt_signed": "1",
    }
    return services.case_deliver(
        acting_user=desk.clerk, case=case, mode="collect", detail=collect, day=decided
    )


def test_i15_11_a_closed_case_shows_whether_it_finished_on_time(desk, time_machine, client):
    late = _transferred(desk, time_machine)
    late = _closed(desk, late, workdays.add_workdays(late.due_date, 3), time_machine)
    early = _transferred(desk, time_machine)
    early = _closed(desk, early, workdays.add_workdays(DAY, 8), time_machine)
    months_later = datetime.date(2027, 3, 15)
    _at(time_machine, months_later)

    standing = selectors.time_left(late, months_later)
    assert (standing.status, standing.overdue, standing.text) == (
        "finished",
        3,
        "超期3个工作日办结",
    )
    standing = selectors.time_left(early, months_later)
    assert (standing.status, standing.overdue, standing.left) == ("finished", 0, 2)
    assert standing.text == "按期办结（提前2个工作日）"

    body = signed_in(client, desk.clerk).get(f"/cases/{late.pk}/").content.decode()
    assert "超期3个工作日办结" in body and "已超期" not in body
    body = signed_in(client, desk.clerk).get(f"/cases/{early.pk}/").content.decode()
    assert "按期办结（提前2个工作日）" in body and "超期" not in body
    data = signed_in(client, desk.clerk).get(f"/api/cases/{late.pk}").json()
    assert data["time_left"] == {
        "status": "finished",
        "left_workdays": 0,
        "overdue_workdays": 3,
        "text": "超期3个工作日办结",
    }


def test_i15_11_a_suspended_case_keeps_the_days_it_had_left(desk, time_machine, client):
    case = _transferred(desk, time_machine)
    suspended_on = workdays.add_workdays(DAY, 4)
    _at(time_machine, suspended_on)
    case = services.case_suspend(
        acting_user=desk.reviewer,
        case=case,
        procedure="expert_review",
        expected_days=30,
        reason="专家评审",
        day=suspended_on,
    )
    left = workdays.workdays_between(suspended_on, case.due_date)
    assert left == 6
    for today in (suspended_on, case.due_date, workdays.add_workdays(case.due_date, 20)):
        _at(time_machine, today)
        standing = selectors.time_left(case, today)
        assert (standing.status, standing.left, standing.overdue) == ("suspended", 6, 0)
    body = signed_in(client, desk.reviewer).get("/cases/department/").content.decode()
    assert "中止时剩余6个工作日" in body and "超期" not in body
    body = signed_in(client, desk.reviewer).get(f"/cases/{case.pk}/").content.decode()
    assert "中止时剩余6个工作日" in body
    assert (
        signed_in(client, desk.reviewer)
        .get(f"/api/cases/{case.pk}")
        .json()["time_left"]["left_workdays"]
        == 6
    )


def test_i15_11_an_open_case_counts_from_today(desk, time_machine, client):
    case = _transferred(desk, time_machine)
    today = workdays.add_workdays(case.due_date, 2)
    _at(time_machine, today)
    standing = selectors.time_left(case, today)
    assert (standing.status, standing.overdue, standing.text) == ("running", 2, "已超期2个工作日")
    _at(time_machine, case.due_date)
    assert selectors.time_left(case, case.due_date).text == "今日到期"
    before = workdays.add_workdays(DAY, 7)
    _at(time_machine, before)
    assert selectors.time_left(case, before).text == "剩余3个工作日"
    body = signed_in(client, desk.reviewer).get("/cases/department/").content.decode()
    assert "剩余3个工作日" in body
