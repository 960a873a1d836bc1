import datetime as dt
import time

import pytest
from django.core.exceptions import ValidationError

from onewindow import workdays
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import UserFactory
from onewindow.workdays import services
from onewindow.workdays.models import CalendarDay, CalendarRevision, CalendarYear, DayKind
from onewindow.workdays.signals import calendar_changed

pytestmark = pytest.mark.django_db
D = dt.date

SCHEDULE_2027 = """# 国务院办公厅关于2027年部分节假日安排的通知（测试用）
2027-10-01,休,国庆节
2027-10-02,休,国庆节
2027-10-03,休,国庆节
2027-10-04,休,国庆节
2027-10-05,休,国庆节
2027-10-06,休,国庆节
2027-10-07,休,国庆节
2027-09-26,班,国庆节
2027-10-09,班,国庆节
"""


@pytest.fixture
def reformer():
    return UserFactory(roles=[RoleCode.REFORM_OFFICE])


@pytest.fixture(autouse=True)
def fresh_calendar(db):
    workdays.reload()


def test_entering_a_year_makes_it_official_and_announces_it(
    reformer, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, years, revision, **kw):
        heard.append((years, revision))

    calendar_changed.connect(listener)
    try:
        assert workdays.is_workday(D(2027, 10, 4))  # provisional: an ordinary Monday
        with django_capture_on_commit_callbacks(execute=True):
            services.calendar_enter_year(
                acting_user=reformer,
                year=2027,
                source="国办发明电〔2026〕9号",
                days=services.parse_schedule(SCHEDULE_2027),
            )
    finally:
        calendar_changed.disconnect(listener)
    assert not workdays.is_workday(D(2027, 10, 4))
    assert workdays.is_workday(D(2027, 9, 26))  # adjusted Sunday
    assert not workdays.add_workdays_checked(D(2027, 9, 1), 30).provisional
    assert heard == [({2027}, workdays.current().revision)]
    rev = CalendarRevision.objects.first()
    assert rev.user == reformer and rev.action == "enter_year"
    assert rev.detail["new"]["2027-10-09"] == DayKind.ADJUSTED_WORKDAY


def test_schedule_marking_one_day_twice_saves_nothing(reformer):
    text = SCHEDULE_2027 + "2027-10-01,班\n"
    with pytest.raises(ValidationError) as exc:
        services.calendar_enter_year(
            acting_user=reformer, year=2027, source="x", days=services.parse_schedule(text)
        )
    assert any("2027-10-01被重复标注" in m for m in exc.value.messages)
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_every_bad_line_reported_by_number():
    with pytest.raises(ValidationError) as exc:
        services.parse_schedule("2027-02-30,休\n2027-03-01\n2027-03-02,放假\n")
    messages = exc.value.messages
    assert messages == [
        "第1行：日期“2027-02-30”无效，应写作 2027-01-01。",
        "第2行：应为“日期,类型[,名称]”，缺少类型（休 或 班）。",
        "第3行：类型“放假”无效，应为“休”（节假日）或“班”（调休上班）。",
    ]


@pytest.mark.parametrize(
    "text, words",
    [
        ("2028-01-01,休\n", "不属于2027年"),
        ("2027-03-03,班\n2027-01-01,休\n", "本来就是工作日"),
        ("2027-03-06,班\n", "没有任何节假日"),
    ],
)
def test_schedule_rules(reformer, text, words):
    with pytest.raises(ValidationError) as exc:
        services.calendar_enter_year(
            acting_user=reformer, year=2027, source="x", days=services.parse_schedule(text)
        )
    assert any(words in m for m in exc.value.messages)


def test_year_outside_the_calendar(reformer):
    with pytest.raises(ValidationError, match="超出工作日历范围"):
        services.calendar_enter_year(
            acting_user=reformer,
            year=2050,
            source="x",
            days=[services.ScheduleDay(D(2050, 1, 1), DayKind.HOLIDAY)],
        )


def test_correcting_one_day_is_recorded(reformer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_set_day(
            acting_user=reformer,
            date=D(2026, 12, 31),
            kind=DayKind.HOLIDAY,
            name="临时调整",
            note="县政府通知",
        )
    assert not workdays.is_workday(D(2026, 12, 31))
    rev = CalendarRevision.objects.first()
    assert rev.detail == {"date": "2026-12-31", "old": None, "new": "holiday", "note": "县政府通知"}
    with pytest.raises(ValidationError, match="必须说明原因"):
        services.calendar_set_day(acting_user=reformer, date=D(2026, 12, 30), kind=None)
    with pytest.raises(ValidationError, match="尚未录入正式安排"):
        services.calendar_set_day(acting_user=reformer, date=D(2027, 1, 4), kind=None, note="x")


def test_other_processes_pick_up_an_edit(reformer, monkeypatch):
    """Another process's edit shows up as a newer revision; ensure_fresh reloads."""
    before = workdays.current()
    assert workdays.is_workday(D(2026, 12, 30))
    CalendarDay.objects.create(date=D(2026, 12, 30), kind=DayKind.HOLIDAY)
    CalendarRevision.objects.create(action="set_day", year=2026)  # as the other process did
    monkeypatch.setattr(workdays, "_checked_at", time.monotonic() - workdays.FRESHNESS_SECONDS)
    workdays.ensure_fresh()
    assert workdays.current() is not before
    assert not workdays.is_workday(D(2026, 12, 30))


def test_oversized_schedule_refused():
    with pytest.raises(ValidationError, match="过大"):
        services.parse_schedule("2027-01-01,休\n" * 6000)
