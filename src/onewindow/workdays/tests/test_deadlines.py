import datetime as dt

import pytest

from onewindow import workdays
from onewindow.workdays import CalendarRangeError, deadlines

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def fresh_calendar(db):
    workdays.reload()


def test_due_date_and_instant_items():
    assert deadlines.due_date(D(2026, 9, 21), 20) == deadlines.Deadline(D(2026, 10, 26), False)
    assert deadlines.due_date(D(2026, 9, 21), 0).due == D(2026, 9, 21)


def test_yellow_from_takes_the_earlier_rule():
    # 20 days: 80% used after 16 working days (20 Oct) comes before "one day left" (23 Oct).
    assert deadlines.yellow_from(D(2026, 9, 21), D(2026, 10, 26)) == D(2026, 10, 20)
    # 3 days: ceil(2.4) = 3 is the due day itself, so "one day left" (the day before) wins.
    due = deadlines.due_date(D(2026, 3, 2), 3).due
    assert due == D(2026, 3, 5)
    assert deadlines.yellow_from(D(2026, 3, 2), due) == D(2026, 3, 4)


def test_yellow_rule_is_configurable():
    rule = deadlines.YellowRule(days_before=3, used_ratio=0.95)
    assert deadlines.yellow_from(D(2026, 9, 21), D(2026, 10, 26), rule) == D(2026, 10, 21)


def test_suspension_across_national_day_counts_only_working_days():
    # Suspended 29 Sep, resumed 12 Oct: (29 Sep, 12 Oct] holds 30 Sep, 8, 9, 10 (adjusted
    # Saturday) and 12 Oct: five working days; the holiday week itself costs nothing.
    assert deadlines.suspended_days(D(2026, 9, 29), D(2026, 10, 12)) == 5


def test_bad_input():
    with pytest.raises(CalendarRangeError, match="不能为负数"):
        deadlines.due_date(D(2026, 1, 5), -3)
    with pytest.raises(CalendarRangeError, match="早于中止日期"):
        deadlines.suspended_days(D(2026, 10, 12), D(2026, 9, 29))
