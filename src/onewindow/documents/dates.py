"""Dates as Chinese documents write them: `2026年11月8日`, the year in full and the month and
day without a leading zero (GB/T 9704-2012, 7.3.5.3: 月、日不编虚位, "1" is never "01"). The
pages write the same form with Django's `date:"Y年n月j日"`."""

import datetime

# A blank date to fill in by hand on paper: the year, month and day left open.
BLANK = "年    月   日"


def cn_date(d: datetime.date | None, blank: str = "") -> str:
    """`d` as 2026年11月8日; `blank` when there is no date."""
    if d is None:
        return blank
    return f"{d.year}年{d.month}月{d.day}日"
