"""The reform timetable (S18): the seed's defaults, rounds refused for bad dates with nothing
written, completion from the first day the checks passed, overdue tasks, and reminders."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from onewindow import workdays
from onewindow.exchange.models import SmsOutbox
from onewindow.org import services as org_services
from onewindow.org.models import User
from onewindow.org.roles import RoleCode
from onewindow.reform import jobs, timetable
from onewindow.reform.models import Check, CheckPassed, Round, Task
from onewindow.supervision.models import Message
from onewindow.testing.factories import StaffFactory, UnitFactory, staff_user

pytestmark = pytest.mark.django_db
# The pages read today: the suite's ordinary Wednesday, whatever clock the run is on.
NOW = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

D = datetime.date
NOV = {"starts_on": D(2026, 11, 1), "ends_on": D(2026, 12, 31), "report_due": D(2026, 12, 20)}


def office() -> User:
    return User.objects.get(username="reform")


def _round(tasks=None, units=(), **fields) -> Round:
    data = {"name": "测试轮次", **NOV, **fields}
    return timetable.round_create(acting_user=office(), tasks=tasks, units=list(units), **data)


def _task(title, deadline, checks=(Check.ORGANISATION,)):
    return {"title": title, "checks": [str(c) for c in checks], "deadline": deadline}


def _written() -> tuple[int, int]:
    return Round.objects.count(), Task.objects.count()


def test_defaults_are_the_seeds_dates_and_checks():
    rnd = timetable.round_create(
        acting_user=office(), **{**timetable.SEED_ROUND, "name": "2020年测试轮次"}, units=[]
    )
    tasks = list(rnd.tasks.all())
    assert [(t.order, t.deadline, t.checks) for t in tasks] == [
        (1, D(2020, 5, 31), ["organisation"]),
        (2, D(2020, 6, 10), ["items"]),
        (3, D(2020, 6, 20), ["staff"]),
        (4, D(2020, 6, 20), ["authorization"]),
        (5, D(2020, 6, 30), ["supervision"]),
        (6, None, ["mechanism"]),
    ]
    assert tasks[0].title == "明确分管领导和牵头股室，落实行政审批服务职能集中"
    assert tasks[5].title == "创新审批机制，提升服务效率"
    assert (rnd.starts_on, rnd.ends_on, rnd.report_due) == (
        D(2020, 5, 20),
        D(2020, 6, 30),
        D(2020, 6, 20),
    )
    assert rnd.active and rnd.document == "桃审改办发〔2020〕1号"
    # The defaults for another year keep the same days.
    assert [t["deadline"] for t in timetable.default_tasks(2027)][:2] == [
        D(2027, 5, 31),
        D(2027, 6, 10),
    ]


BAD = [
    (
        "backwards",
        {"tasks": [_task("甲", D(2026, 11, 20)), _task("乙", D(2026, 11, 10))]},
        "第2项任务“乙”的完成时限2026-11-10早于前面的第1项任务“甲”（2026-11-20）",
    ),
    (
        "backwards past an ongoing task",
        {
            "tasks": [
                _task("甲", D(2026, 11, 20)),
                _task("创新", None),
                _task("乙", D(2026, 11, 19)),
            ]
        },
        "完成时限不得倒退",
    ),
    (
        "past the end",
        {"tasks": [_task("甲", D(2027, 1, 5))]},
        "第1项任务“甲”的完成时限2027-01-05晚于本轮结束日期2026-12-31。",
    ),
    (
        "before the start",
        {"tasks": [_task("甲", D(2026, 10, 31))]},
        "第1项任务“甲”的完成时限2026-10-31早于本轮开始日期2026-11-01。",
    ),
    (
        "end before start",
        {"ends_on": D(2026, 10, 1), "tasks": [_task("甲", None)]},
        "结束日期2026-10-01早于开始日期2026-11-01。",
    ),
    (
        "report after the end",
        {"report_due": D(2027, 1, 1), "tasks": [_task("甲", None)]},
        "自查报告报备期限2027-01-01不在本轮改革期间",
    ),
    ("no task", {"tasks": []}, "请至少填写一项改革任务。"),
    ("unknown check", {"tasks": [_task("甲", None, ["luck"])]}, "不是到位检查"),
]


@pytest.mark.parametrize("why,fields,message", BAD, ids=[b[0] for b in BAD])
def test_bad_rounds_are_refused_and_nothing_is_written(why, fields, message):
    before = _written()
    with pytest.raises(ValidationError) as exc:
        _round(**fields)
    assert any(message in m for m in exc.value.messages), exc.value.messages
    assert _written() == before


def test_a_bad_edit_changes_nothing():
    rnd = _round(tasks=[_task("甲", D(2026, 11, 10)), _task("乙", D(2026, 11, 20))])
    with pytest.raises(ValidationError, match="完成时限不得倒退"):
        timetable.round_update(
            rnd,
            acting_user=office(),
            name="改名",
            **NOV,
            tasks=[_task("甲", D(2026, 11, 30)), _task("乙", D(2026, 11, 20))],
        )
    rnd.refresh_from_db()
    assert rnd.name == "测试轮次"
    assert list(rnd.tasks.values_list("deadline", flat=True)) == [D(2026, 11, 10), D(2026, 11, 20)]


def test_equal_deadlines_are_allowed_and_only_the_office_sets_rounds():
    rnd = _round(tasks=[_task("人员", D(2026, 11, 20)), _task("授权", D(2026, 11, 20))])
    assert rnd.tasks.count() == 2
    with pytest.raises(PermissionDenied):
        timetable.round_create(
            acting_user=staff_user(RoleCode.SUPERVISOR), name="x", **NOV, tasks=[]
        )


def test_copy_shifts_every_date_and_takes_the_chosen_units():
    county = _round(
        tasks=[_task("甲", D(2026, 11, 10)), _task("创新", None)], units=[UnitFactory()]
    )
    township = UnitFactory()
    copy = timetable.round_copy(
        county, acting_user=office(), name="乡镇轮次", starts_on=D(2026, 11, 11), units=[township]
    )
    assert (copy.starts_on, copy.ends_on, copy.report_due) == (
        D(2026, 11, 11),
        D(2027, 1, 10),
        D(2026, 12, 30),
    )
    assert list(copy.tasks.values_list("deadline", flat=True)) == [D(2026, 11, 20), None]
    assert list(copy.units.all()) == [township]
    county.refresh_from_db()
    assert copy.active and not county.active  # one active round


def _passed(unit, kind, on):
    CheckPassed.objects.create(
        unit=unit, kind=kind, first_passed_on=on, passing=on is not None, seen_on=D(2026, 11, 18)
    )


def test_completion_is_the_day_the_last_check_first_passed_and_overdue_is_flagged():
    done, half, none = UnitFactory(), UnitFactory(), UnitFactory()
    rnd = _round(
        tasks=[
            _task("人员和授权", D(2026, 11, 10), [Check.STAFF, Check.AUTHORIZATION]),
            _task("监察", D(2026, 11, 30), [Check.SUPERVISION]),
            _task("创新", None, [Check.MECHANISM]),
        ],
        units=[done, half, none],
    )
    _passed(done, Check.STAFF, D(2026, 11, 3))
    _passed(done, Check.AUTHORIZATION, D(2026, 11, 12))  # the later one: done late
    _passed(done, Check.SUPERVISION, D(2026, 11, 5))
    _passed(half, Check.STAFF, D(2026, 11, 2))
    _passed(half, Check.AUTHORIZATION, None)
    tasks, units = timetable.timetable(rnd, day=D(2026, 11, 18))
    cells = {u.unit.pk: [(c.done_on, c.state) for c in u.cells] for u in units}
    assert cells[done.pk] == [
        (D(2026, 11, 12), "late"),
        (D(2026, 11, 5), "done"),
        (None, "ongoing"),
    ]
    assert cells[half.pk] == [(None, "overdue"), (None, "open"), (None, "ongoing")]
    assert cells[none.pk] == cells[half.pk]
    assert [(t.complete, t.overdue) for t in tasks] == [(1, 2), (1, 0), (0, 0)]
    assert set(tasks[0].units) == {half, none}
    # On the deadline itself nothing is overdue yet.
    tasks, _ = timetable.timetable(rnd, day=D(2026, 11, 10))
    assert tasks[0].overdue == 0


def _leader(unit):
    staff = StaffFactory(unit=unit, role=RoleCode.WINDOW_SUPERVISOR)
    org_services.unit_set_leadership(
        unit=unit, leader_in_charge=staff, lead_section=unit.lead_section
    )
    return staff


def _days_before(deadline: D, n: int) -> D:
    day = deadline
    while workdays.workdays_between(day, deadline) < n or not workdays.is_workday(day):
        day -= datetime.timedelta(days=1)
    return day


def test_reminders_go_once_to_the_leader_in_app_and_by_sms_n_working_days_before():
    late, ready, leaderless = UnitFactory(), UnitFactory(), UnitFactory()
    leader = _leader(late)
    _leader(ready)
    deadline = D(2026, 11, 27)
    _round(tasks=[_task("机构到位", deadline)], units=[late, ready, leaderless])
    _passed(ready, Check.ORGANISATION, D(2026, 11, 2))
    day = _days_before(deadline, 3)
    assert day == D(2026, 11, 24)  # Tue: 25, 26 and 27 November are left
    messages, texts = Message.objects.count(), SmsOutbox.objects.count()
    assert jobs.remind(day - datetime.timedelta(days=1)) == 0  # four working days left
    assert jobs.remind(day) == 1
    [message] = Message.objects.filter(user=leader.user)
    assert "机构到位" in message.text and late.name in message.text
    assert "2026-11-27" in message.text and "还有3个工作日" in message.text
    assert message.role == "分管领导" and message.sms_to
    [sms] = SmsOutbox.objects.order_by("-id")[:1]
    assert (sms.mobile, sms.text) == (leader.mobile, message.text)
    assert (Message.objects.count(), SmsOutbox.objects.count()) == (messages + 1, texts + 1)
    # Running again the same day sends nothing more.
    assert jobs.remind(day) == 0
    assert (Message.objects.count(), SmsOutbox.objects.count()) == (messages + 1, texts + 1)


@override_settings(ONEWINDOW_REFORM_REMIND_DAYS=1)
def test_the_reminder_day_follows_the_setting():
    unit = UnitFactory()
    leader = _leader(unit)
    _round(tasks=[_task("机构到位", D(2026, 11, 27))], units=[unit])
    assert timetable.remind(D(2026, 11, 24)) == 0
    assert timetable.remind(D(2026, 11, 26)) == 1
    assert Message.objects.filter(user=leader.user).count() == 1


def test_timetable_page_and_round_form(login, time_machine):
    time_machine.move_to(NOW, tick=False)
    unit = UnitFactory()
    _round(tasks=[_task("明确牵头股室", D(2026, 11, 10))], units=[unit])
    page = login(RoleCode.REFORM_OFFICE).get("/reform/timetable/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "明确牵头股室" in body and unit.name in body and "逾期未完成" in body
    before = _written()
    bad = login(RoleCode.REFORM_OFFICE).post(
        "/reform/rounds/new/",
        {
            "name": "新轮次",
            "starts_on": "2026-11-01",
            "ends_on": "2026-12-31",
            "report_due": "2026-12-20",
            "units": [unit.pk],
            "active": "on",
            "tasks-TOTAL_FORMS": "2",
            "tasks-INITIAL_FORMS": "0",
            "tasks-0-title": "甲",
            "tasks-0-deadline": "2026-12-10",
            "tasks-1-title": "乙",
            "tasks-1-deadline": "2026-12-01",
        },
    )
    assert bad.status_code == 400
    assert "完成时限不得倒退" in bad.content.decode()
    assert _written() == before
    good = login(RoleCode.REFORM_OFFICE).post(
        "/reform/rounds/new/",
        {
            "name": "新轮次",
            "starts_on": "2026-11-01",
            "ends_on": "2026-12-31",
            "report_due": "2026-12-20",
            "units": [unit.pk],
            "active": "on",
            "tasks-TOTAL_FORMS": "3",
            "tasks-INITIAL_FORMS": "0",
            "tasks-0-title": "甲",
            "tasks-0-checks": ["staff", "authorization"],
            "tasks-0-deadline": "2026-12-01",
            "tasks-1-title": "创新",
            "tasks-2-title": "",  # an empty row is left out
        },
    )
    assert good.status_code == 302
    made = Round.objects.get(name="新轮次")
    assert made.active and list(made.units.all()) == [unit]
    assert list(made.tasks.values_list("title", "checks", "deadline")) == [
        ("甲", ["staff", "authorization"], D(2026, 12, 1)),
        ("创新", [], None),
    ]
    edit = login(RoleCode.REFORM_OFFICE).get(f"/reform/rounds/{made.pk}/")
    assert edit.status_code == 200 and "甲" in edit.content.decode()


def test_round_pages_are_the_reform_offices(login):
    assert login(RoleCode.SUPERVISOR).get("/reform/timetable/").status_code == 200
    assert login(RoleCode.SUPERVISOR).get("/reform/rounds/new/").status_code == 403
    assert login(RoleCode.WINDOW_CLERK).get("/reform/timetable/").status_code == 403
    assert login(RoleCode.REFORM_OFFICE).get("/reform/rounds/new/").status_code == 200
