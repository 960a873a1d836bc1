"""Reads for the calendar pages. The calendar is public fact; every signed-in user may read it."""

import calendar as pycal

from onewindow import workdays
from onewindow.workdays.calendar import FIRST_YEAR, LAST_YEAR
from onewindow.workdays.models import CalendarDay, CalendarRevision, CalendarYear


def year_list() -> list[dict]:
    official = {y.year: y for y in CalendarYear.objects.select_related("entered_by")}
    return [{"year": y, "official": official.get(y)} for y in range(LAST_YEAR, FIRST_YEAR - 1, -1)]


def year_months(year: int) -> list[dict]:
    """Twelve month grids of (date, is working day, stored kind, name) for the year view."""
    named = {d.date: d for d in CalendarDay.objects.filter(date__year=year)}
    cal = workdays.current()
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycal.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append(
                [
                    None
                    if d.month != month
                    else {
                        "date": d,
                        "work": cal.is_workday(d),
                        "stored": named.get(d),
                        "weekend": d.weekday() >= 5,
                    }
                    for d in week
                ]
            )
        months.append({"month": month, "weeks": weeks})
    return months


def revisions(year: int | None = None):
    """The calendar's changes, the latest first."""
    qs = CalendarRevision.objects.select_related("user").order_by("-id")
    return qs.filter(year=year) if year else qs


def is_official(year: int) -> bool:
    return CalendarYear.objects.filter(year=year).exists()
