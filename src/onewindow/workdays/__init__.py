"""Working days (行政许可法 art. 82): the only place in the project that counts days.

    from onewindow.workdays import is_workday, add_workdays, workdays_between

All answer from memory. `add_workdays_checked` also says whether a provisional year (one whose
holiday schedule has not been published and entered) was touched.
"""

import datetime as dt
import threading
import time

from onewindow.workdays.calendar import (
    FIRST_YEAR,
    LAST_YEAR,
    Calendar,
    CalendarRangeError,
    Result,
)

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "CalendarRangeError",
    "Result",
    "add_workdays",
    "add_workdays_checked",
    "current",
    "ensure_fresh",
    "is_workday",
    "previous_workday",
    "reload",
    "workdays_between",
]

_calendar: Calendar | None = None
_lock = threading.Lock()
_checked_at = 0.0
FRESHNESS_SECONDS = 2.0


def reload() -> Calendar:
    """Build the calendar from the database now (after an edit, or on first use)."""
    global _calendar, _checked_at
    from onewindow.workdays.loader import load_calendar

    with _lock:
        _calendar = load_calendar()
        _checked_at = time.monotonic()
    return _calendar


def current() -> Calendar:
    return _calendar or reload()


def ensure_fresh() -> None:
    """Reload when another process has changed the calendar. One small query, at most every
    FRESHNESS_SECONDS; called once per request by middleware and at the start of jobs."""
    global _checked_at
    if _calendar is None or time.monotonic() - _checked_at < FRESHNESS_SECONDS:
        return
    from onewindow.workdays.loader import latest_revision

    _checked_at = time.monotonic()
    if latest_revision() != _calendar.revision:
        reload()


def is_workday(d: dt.date) -> bool:
    return (_calendar or reload()).is_workday(d)


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (start itself never counts; n == 0: start if it is a
    working day, else the next one)."""
    return (_calendar or reload()).add_workdays(start, n)


def workdays_between(a: dt.date, b: dt.date) -> int:
    """Working days in (a, b], so workdays_between(a, add_workdays(a, n)) == n for n >= 1."""
    return (_calendar or reload()).workdays_between(a, b)


def previous_workday(d: dt.date) -> dt.date:
    return (_calendar or reload()).previous_workday(d)


def add_workdays_checked(start: dt.date, n: int) -> Result:
    cal = _calendar or reload()
    end = cal.add_workdays(start, n)
    return Result(end, cal.touches_provisional(start, end))
