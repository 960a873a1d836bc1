"""The reform app's daily jobs (registered in onewindow.jobs.JOBS). Each takes the day (today
unless given) and may run many times a day: a second run does nothing more."""

import datetime

from onewindow.reform import inspection, timetable


def remind(day: datetime.date | None = None) -> int:
    """Timetable reminders to the leaders in charge of units not done N working days before a
    task's deadline (timetable.remind)."""
    return timetable.remind(day)


def spot_checks_overdue(day: datetime.date | None = None) -> int:
    """Open spot checks past their rectification day become overdue (inspection.mark_overdue)."""
    return inspection.mark_overdue(day)


def record_checks(day: datetime.date | None = None) -> int:
    """The daily reform scan (checks.record.record_checks): the first day each unit's check
    passed, and whether it passes now."""
    from onewindow.reform.checks.record import record_checks as record

    return record(day)
