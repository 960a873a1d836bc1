"""Deadlines of a case, in working days. Pure functions over `onewindow.workdays`; the case
workflow stores their results (due date, yellow-from date) rather than recomputing on read."""

import datetime as dt
import math
from dataclasses import dataclass

from onewindow import workdays
from onewindow.workdays.calendar import CalendarRangeError


@dataclass(frozen=True)
class YellowRule:
    """Yellow warning from the last `days_before` working days before the due date, or once
    `used_ratio` of the limit is used, whichever comes first. Defaults per DOMAIN.md section 6."""

    days_before: int = 1
    used_ratio: float = 0.8


DEFAULT_YELLOW = YellowRule()


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    provisional: bool


def due_date(accepted: dt.date, limit: int) -> Deadline:
    """The day by which a case accepted on `accepted` with `limit` working days must finish.
    The acceptance day itself is not counted; an instant item (limit 0) is due the same day."""
    if limit < 0:
        raise CalendarRangeError(f"时限不能为负数（收到{limit}个工作日）。")
    result = workdays.add_workdays_checked(accepted, limit)
    return Deadline(result.date, result.provisional)


def yellow_from(
    accepted: dt.date, due: dt.date, rule: YellowRule = DEFAULT_YELLOW
) -> dt.date | None:
    """First day the case shows yellow: one working day left, or 80% of its days used; never
    before the first working day after acceptance, since a warning on the day a case is accepted
    tells nobody anything they could still act on. A case due on its acceptance day (an instant
    item) has no yellow (None): it is decided at once, or red once that day has passed."""
    earliest = workdays.add_workdays(accepted, 1)
    if earliest > due:
        return None
    total = workdays.workdays_between(accepted, due)
    by_days_left = due
    for _ in range(rule.days_before):
        by_days_left = workdays.previous_workday(by_days_left)
    used = max(1, math.ceil(total * rule.used_ratio))
    by_ratio = workdays.add_workdays(accepted, used) if used < total else due
    return max(earliest, min(by_days_left, by_ratio))


def suspended_days(suspended_on: dt.date, resumed_on: dt.date) -> int:
    """Working days a suspension from S to R takes out of the count: those in (S, R]."""
    if resumed_on < suspended_on:
        raise CalendarRangeError(
            f"恢复日期{resumed_on.isoformat()}早于中止日期{suspended_on.isoformat()}。"
        )
    return workdays.workdays_between(suspended_on, resumed_on)
