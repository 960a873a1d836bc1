"""The arithmetic against chinesecalendar (the oracle for 2004-2026), plus hand-checked 2026."""

import datetime as dt

import chinese_calendar as cc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow import workdays
from onewindow.workdays import CalendarRangeError

pytestmark = pytest.mark.django_db

FIRST, LAST = dt.date(2004, 1, 1), dt.date(2026, 12, 31)
dates = st.dates(min_value=FIRST, max_value=dt.date(2026, 6, 30))


@pytest.fixture(autouse=True)
def fresh_calendar(db):
    workdays.reload()


def test_is_workday_agrees_with_chinesecalendar_on_every_day():
    d, disagreements = FIRST, []
    while d <= LAST:
        if workdays.is_workday(d) != cc.is_workday(d):
            disagreements.append(d)
        d += dt.timedelta(days=1)
    assert disagreements == []


@settings(max_examples=400, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=120))
def test_add_workdays_agrees_with_find_workday(start, n):
    # find_workday first moves to the first working day at or after `start` and counts from
    # there; the law (and add_workdays) counts the n-th working day after `start`. From a
    # working day the two agree; from a rest day ours is find_workday's (n - 1)-th.
    oracle = cc.find_workday(n if cc.is_workday(start) else n - 1, start)
    assert workdays.add_workdays(start, n) == oracle


@settings(max_examples=300, deadline=None)
@given(a=dates, span=st.integers(min_value=0, max_value=366))
def test_workdays_between_agrees_with_get_workdays(a, span):
    b = min(a + dt.timedelta(days=span), LAST)
    expected = len(cc.get_workdays(a + dt.timedelta(days=1), b)) if b > a else 0
    assert workdays.workdays_between(a, b) == expected


@settings(max_examples=300, deadline=None)
@given(a=dates, n=st.integers(min_value=1, max_value=250))
def test_between_inverts_add(a, n):
    assert workdays.workdays_between(a, workdays.add_workdays(a, n)) == n


@settings(max_examples=200, deadline=None)
@given(a=dates)
def test_zero_days_is_the_day_itself_or_the_next_working_day(a):
    result = workdays.add_workdays(a, 0)
    assert workdays.is_workday(result)
    assert result == a if workdays.is_workday(a) else result == workdays.add_workdays(a, 1)


@pytest.mark.parametrize(
    "start, n, expected",
    [
        ("2026-02-13", 1, "2026-02-14"),  # Saturday 14 Feb is an adjusted working day (调休)
        ("2026-02-14", 1, "2026-02-24"),  # Spring Festival holiday 15-23 Feb
        ("2026-02-14", 5, "2026-02-28"),  # ... and Saturday 28 Feb works again
        ("2026-02-15", 0, "2026-02-24"),  # a limit of 0 from a holiday: the next working day
        ("2026-09-24", 1, "2026-09-28"),  # Mid-Autumn 25-27 Sep
        ("2026-09-30", 1, "2026-10-08"),  # National Day 1-7 Oct
        ("2026-10-09", 1, "2026-10-10"),  # Saturday 10 Oct is an adjusted working day
        ("2026-09-21", 20, "2026-10-26"),
    ],
)
def test_hand_checked_2026(start, n, expected):
    assert workdays.add_workdays(dt.date.fromisoformat(start), n) == dt.date.fromisoformat(expected)


def test_hand_checked_between_and_is_workday():
    assert workdays.workdays_between(dt.date(2026, 2, 13), dt.date(2026, 2, 24)) == 2
    assert workdays.workdays_between(dt.date(2026, 2, 24), dt.date(2026, 2, 13)) == -2
    assert not workdays.is_workday(dt.date(2026, 2, 23))  # a Monday in the holiday
    assert workdays.is_workday(dt.date(2026, 9, 20))  # an adjusted Sunday
    assert workdays.previous_workday(dt.date(2026, 10, 8)) == dt.date(2026, 9, 30)


def test_provisional_year_answers_and_says_so():
    result = workdays.add_workdays_checked(dt.date(2026, 12, 20), 20)
    assert result.provisional
    inside = workdays.add_workdays_checked(dt.date(2026, 3, 2), 20)
    assert not inside.provisional
    # 2027 without a schedule: weekends plus statutory days only, no guessed 调休.
    assert not workdays.is_workday(dt.date(2027, 10, 1))
    assert not workdays.is_workday(dt.date(2027, 2, 5))  # Spring Festival eve
    assert workdays.is_workday(dt.date(2027, 10, 4))  # Monday: no guessed substitute holiday


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: workdays.add_workdays(dt.date(2026, 1, 5), -1), "不能为负数"),
        (lambda: workdays.is_workday(dt.date(2003, 12, 31)), "超出工作日历范围"),
        (lambda: workdays.add_workdays(dt.date(2040, 12, 1), 100), "超出工作日历范围"),
    ],
)
def test_bad_input_gets_a_chinese_error(call, words):
    with pytest.raises(CalendarRangeError, match=words):
        call()


def test_no_query_per_call(django_assert_num_queries):
    workdays.current()
    with django_assert_num_queries(0):
        for i in range(100):
            workdays.add_workdays(dt.date(2026, 1, 1) + dt.timedelta(days=i), 10)
            workdays.workdays_between(dt.date(2025, 1, 1), dt.date(2026, 1, 1) + dt.timedelta(i))
