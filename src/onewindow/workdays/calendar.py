"""The in-memory working-day calendar and its arithmetic.

Each process holds one `Calendar`: a bytearray of day kinds and two arrays, `cum` (working days
from the first day up to and including day i) and `nth` (the day index of the k-th working day),
so every question is an index or two: no query, no loop over days.
"""

import datetime as dt
from array import array
from dataclasses import dataclass

FIRST_YEAR = 2004  # chinesecalendar's first year
LAST_YEAR = 2040  # the far end of any deadline we compute; years after the data are provisional

_BASE = dt.date(FIRST_YEAR, 1, 1).toordinal()
_END = dt.date(LAST_YEAR, 12, 31).toordinal()


class CalendarRangeError(ValueError):
    """A date outside the calendar, or an invalid count: the message is for the user."""


@dataclass(frozen=True)
class Result:
    """A computed date and whether a provisional year was touched on the way to it."""

    date: dt.date
    provisional: bool


class Calendar:
    def __init__(self, *, workday: bytearray, provisional_years: frozenset[int], revision: int):
        n = len(workday)
        cum = array("l", bytes(8 * n))
        nth = array("l")
        total = 0
        for i in range(n):
            if workday[i]:
                total += 1
                nth.append(i)
            cum[i] = total
        self.workday = workday
        self.cum = cum
        self.nth = nth
        self.provisional_years = provisional_years
        self.revision = revision

    # -- the arithmetic ---------------------------------------------------------------------

    def _index(self, d: dt.date) -> int:
        i = d.toordinal() - _BASE
        if not 0 <= i < len(self.workday):
            raise CalendarRangeError(
                f"日期{d.isoformat()}超出工作日历范围（{FIRST_YEAR}年至{LAST_YEAR}年），无法计算工作日。"
            )
        return i

    def is_workday(self, d: dt.date) -> bool:
        return bool(self.workday[self._index(d)])

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        if n < 0:
            raise CalendarRangeError(f"工作日数不能为负数（收到{n}）。")
        i = self._index(start)
        if n == 0:
            if self.workday[i]:
                return start
            n = 1
        k = self.cum[i] + n - 1  # index into nth of the n-th working day after start
        if k >= len(self.nth):
            raise CalendarRangeError(
                f"从{start.isoformat()}起{n}个工作日已超出工作日历范围（{LAST_YEAR}年底）。"
            )
        return dt.date.fromordinal(_BASE + self.nth[k])

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b]; negative when b is before a."""
        return self.cum[self._index(b)] - self.cum[self._index(a)]

    def previous_workday(self, d: dt.date) -> dt.date:
        """The last working day strictly before d."""
        i = self._index(d)
        k = self.cum[i] - 1 - self.workday[i]
        if k < 0:
            raise CalendarRangeError(f"{d.isoformat()}之前没有工作日历数据。")
        return dt.date.fromordinal(_BASE + self.nth[k])

    def touches_provisional(self, a: dt.date, b: dt.date) -> bool:
        if not self.provisional_years:
            return False
        lo, hi = (a, b) if a <= b else (b, a)
        return any(y in self.provisional_years for y in range(lo.year, hi.year + 1))


def build(
    *,
    exceptions: dict[dt.date, bool],
    provisional_exceptions: dict[dt.date, bool],
    provisional_years: frozenset[int],
    revision: int,
) -> Calendar:
    """A calendar from weekends plus exceptions (date -> is it a working day)."""
    workday = bytearray(_END - _BASE + 1)
    for i in range(len(workday)):
        # toordinal() % 7: 1 = Monday ... 0 = Sunday, 6 = Saturday.
        workday[i] = 1 if (_BASE + i) % 7 not in (0, 6) else 0
    for table in (provisional_exceptions, exceptions):
        for day, is_work in table.items():
            i = day.toordinal() - _BASE
            if 0 <= i < len(workday):
                workday[i] = 1 if is_work else 0
    return Calendar(workday=workday, provisional_years=provisional_years, revision=revision)
