"""A hall's opening hours: structured on the set-up page (days, morning, afternoon, summer
afternoon), kept as the one line of text the public guide shows, e.g.
"工作日 8:30-12:00，14:00-17:30（夏季14:30-18:00）". The line is composed from the parts and read
back into them, so the text cannot say what the parts do not."""

import datetime
import re
from dataclasses import dataclass

DAYS = ["工作日", "周一至周五", "周一至周六", "每天"]

_T = r"(\d{1,2}:\d{2})"
_LINE = re.compile(
    rf"^(?P<days>\S+) {_T}-{_T}(?:，{_T}-{_T})?"
    rf"(?:（(?:夏季|(?P<m1>\d{{1,2}})月至(?P<m2>\d{{1,2}})月下午){_T}-{_T}）)?$"
)


@dataclass
class Hours:
    days: str
    am_start: datetime.time
    am_end: datetime.time
    pm_start: datetime.time | None = None
    pm_end: datetime.time | None = None
    summer_from: int | None = None  # month
    summer_to: int | None = None
    summer_pm_start: datetime.time | None = None
    summer_pm_end: datetime.time | None = None


def _hm(t: datetime.time) -> str:
    return f"{t.hour}:{t.minute:02d}"


def compose(h: Hours) -> str:
    text = f"{h.days} {_hm(h.am_start)}-{_hm(h.am_end)}"
    if h.pm_start and h.pm_end:
        text += f"，{_hm(h.pm_start)}-{_hm(h.pm_end)}"
    if h.summer_pm_start and h.summer_pm_end:
        when = f"{h.summer_from}月至{h.summer_to}月下午" if h.summer_from else "夏季"
        text += f"（{when}{_hm(h.summer_pm_start)}-{_hm(h.summer_pm_end)}）"
    return text


def _time(text: str | None) -> datetime.time | None:
    if not text:
        return None
    hour, minute = (int(x) for x in text.split(":"))
    return datetime.time(hour, minute) if hour < 24 and minute < 60 else None


def parse(text: str) -> Hours | None:
    """The parts of a line `compose` wrote (or a hand-written one in the same shape); None when
    the line has another shape."""
    m = _LINE.match((text or "").strip())
    if m is None:
        return None
    g = m.groups()
    times = [_time(x) for x in (g[1], g[2], g[3], g[4], g[7], g[8])]
    if times[0] is None or times[1] is None:
        return None
    return Hours(
        days=m["days"],
        am_start=times[0],
        am_end=times[1],
        pm_start=times[2],
        pm_end=times[3],
        summer_from=int(m["m1"]) if m["m1"] else None,
        summer_to=int(m["m2"]) if m["m2"] else None,
        summer_pm_start=times[4],
        summer_pm_end=times[5],
    )


def problems(h: Hours) -> dict[str, str]:
    """What is wrong with the parts, by form field, in Chinese."""
    errors: dict[str, str] = {}
    if h.am_start >= h.am_end:
        errors["am_end"] = "上午（或全天）的下班时间应晚于上班时间。"
    if bool(h.pm_start) != bool(h.pm_end):
        errors["pm_end"] = "下午的上班和下班时间须同时填写；不午休时两项都留空。"
    elif h.pm_start and h.pm_end:
        if h.pm_start >= h.pm_end:
            errors["pm_end"] = "下午的下班时间应晚于上班时间。"
        elif h.pm_start < h.am_end:
            errors["pm_start"] = "下午上班时间不能早于上午下班时间。"
    summer = (h.summer_pm_start, h.summer_pm_end)
    if any(summer) and not all(summer):
        errors["summer_pm_end"] = "夏季下午的上班和下班时间须同时填写；没有夏季作息时都留空。"
    elif all(summer):
        if not (h.pm_start and h.pm_end):
            errors["summer_pm_start"] = "有午休时才能设置夏季下午时间。"
        elif h.summer_pm_start >= h.summer_pm_end:
            errors["summer_pm_end"] = "夏季下午的下班时间应晚于上班时间。"
        elif h.summer_pm_start < h.am_end:
            errors["summer_pm_start"] = "夏季下午上班时间不能早于上午下班时间。"
    if bool(h.summer_from) != bool(h.summer_to):
        errors["summer_to"] = "夏季起止月份须同时填写，或都留空（只写“夏季”）。"
    elif h.summer_from and not all(summer):
        errors["summer_from"] = "填写了夏季月份，请同时填写夏季下午时间。"
    return errors
