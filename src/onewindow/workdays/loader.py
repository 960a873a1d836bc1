"""Builds the in-memory calendar from the database and the statutory rules."""

import datetime as dt
import functools

import holidays
from django.db.models import Max

from onewindow.workdays.calendar import FIRST_YEAR, LAST_YEAR, Calendar, build
from onewindow.workdays.models import CalendarDay, CalendarRevision, CalendarYear, DayKind


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The statutory days of the 2024 national rules for a year, without any guessed 调休:
    New Year's Day, Spring Festival eve and days 1-3, Qingming, 1-2 May, Dragon Boat,
    Mid-Autumn, 1-3 October. A copy: the caller may change it."""
    return dict(_statutory(year))


@functools.cache
def _statutory(year: int) -> tuple[tuple[dt.date, str], ...]:
    # A pure function of the year and the holidays package: worked out once per process, not at
    # every reload of the calendar (14 provisional years, about 1 ms each with the lunar dates).
    return tuple(holidays.China(years=year, observed=False).items())


def latest_revision() -> int:
    return CalendarRevision.objects.aggregate(m=Max("id"))["m"] or 0


def load_calendar() -> Calendar:
    revision = latest_revision()
    official = set(CalendarYear.objects.values_list("year", flat=True))
    exceptions = {
        d: kind == DayKind.ADJUSTED_WORKDAY
        for d, kind in CalendarDay.objects.values_list("date", "kind")
        if d.year in official
    }
    provisional_years = frozenset(set(range(FIRST_YEAR, LAST_YEAR + 1)) - official)
    provisional_exceptions = {d: False for y in provisional_years for d in statutory_holidays(y)}
    return build(
        exceptions=exceptions,
        provisional_exceptions=provisional_exceptions,
        provisional_years=provisional_years,
        revision=revision,
    )
