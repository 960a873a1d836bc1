"""Every write to the calendar: validated in full first, recorded, then announced after commit."""

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from onewindow import workdays
from onewindow.workdays.calendar import FIRST_YEAR, LAST_YEAR
from onewindow.workdays.models import CalendarDay, CalendarRevision, CalendarYear, DayKind
from onewindow.workdays.signals import calendar_changed

MAX_SCHEDULE_BYTES = 64 * 1024
_KIND_WORDS = {
    "holiday": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "假": DayKind.HOLIDAY,
    "节假日": DayKind.HOLIDAY,
    "adjusted": DayKind.ADJUSTED_WORKDAY,
    "班": DayKind.ADJUSTED_WORKDAY,
    "调休上班": DayKind.ADJUSTED_WORKDAY,
    "上班": DayKind.ADJUSTED_WORKDAY,
}


@dataclass(frozen=True)
class ScheduleDay:
    date: dt.date
    kind: str
    name: str = ""


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(f"年份{year}超出工作日历范围（{FIRST_YEAR}年至{LAST_YEAR}年）。")


def parse_schedule(text: str) -> list[ScheduleDay]:
    """Lines of `date,kind[,name]` (kind: 休/班, holiday/adjusted); `#` starts a comment.
    Every bad line is reported at once, by line number."""
    if len(text.encode()) > MAX_SCHEDULE_BYTES:
        raise ValidationError("日程文件过大（超过64KB），一年的安排通常不足2KB，请检查文件内容。")
    days, errors = [], []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not cells or not cells[0] or cells[0].startswith("#"):
            continue
        if len(cells) < 2:
            errors.append(f"第{number}行：应为“日期,类型[,名称]”，缺少类型（休 或 班）。")
            continue
        try:
            day = dt.date.fromisoformat(cells[0])
        except ValueError:
            errors.append(f"第{number}行：日期“{cells[0][:20]}”无效，应写作 2027-01-01。")
            continue
        kind = _KIND_WORDS.get(cells[1].lower())
        if kind is None:
            errors.append(
                f"第{number}行：类型“{cells[1][:20]}”无效，应为“休”（节假日）或“班”（调休上班）。"
            )
            continue
        days.append(ScheduleDay(day, kind, cells[2][:50] if len(cells) > 2 else ""))
    if errors:
        raise ValidationError(errors)
    return days


def validate_schedule(year: int, days: Iterable[ScheduleDay]) -> list[ScheduleDay]:
    _check_year(year)
    days = list(days)
    errors, seen = [], {}
    for d in days:
        if d.date.year != year:
            errors.append(f"{d.date.isoformat()}不属于{year}年，请只录入本年度的日期。")
        if d.date in seen:
            errors.append(
                f"{d.date.isoformat()}被重复标注（{seen[d.date]}、{d.kind.label}），每天只能标注一次。"
            )
        seen[d.date] = d.kind.label
        if d.kind == DayKind.ADJUSTED_WORKDAY and d.date.weekday() < 5:
            errors.append(
                f"{d.date.isoformat()}是周{'一二三四五'[d.date.weekday()]}，本来就是工作日，不能标注为调休上班。"
            )
    if not any(d.kind == DayKind.HOLIDAY for d in days):
        errors.append(f"{year}年的安排中没有任何节假日，请核对国务院办公厅通知后再录入。")
    if errors:
        raise ValidationError(errors)
    return days


def _after_commit(years: set[int]) -> None:
    cal = workdays.reload()
    calendar_changed.send(sender=CalendarRevision, years=years, revision=cal.revision)


@transaction.atomic
def calendar_enter_year(
    *, acting_user, year: int, source: str, days: Iterable[ScheduleDay]
) -> CalendarYear:
    """Enter (or re-enter) a year's schedule from the State Council notice: the year becomes
    official and replaces whatever was there before."""
    days = validate_schedule(year, days)
    if not source.strip():
        raise ValidationError("请填写依据（如国务院办公厅关于该年部分节假日安排的通知的文号）。")
    old = {
        str(d): k
        for d, k in CalendarDay.objects.filter(date__year=year).values_list("date", "kind")
    }
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(date=d.date, kind=d.kind, name=d.name) for d in days
    )
    cal_year, _ = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source.strip()[:200], "entered_by": acting_user}
    )
    CalendarRevision.objects.create(
        user=acting_user,
        action="enter_year",
        year=year,
        detail={
            "source": source.strip()[:200],
            "old": old,
            "new": {str(d.date): d.kind for d in days},
        },
    )
    transaction.on_commit(lambda: _after_commit({year}))
    return cal_year


@transaction.atomic
def calendar_set_day(
    *, acting_user, date: dt.date, kind: str | None, name: str = "", note: str = ""
) -> None:
    """Correct one day: make it a holiday, an adjusted working day, or (kind None) ordinary."""
    _check_year(date.year)
    if not CalendarYear.objects.filter(year=date.year).exists():
        raise ValidationError(f"{date.year}年尚未录入正式安排，请先录入全年安排，再更正单日。")
    if not note.strip():
        raise ValidationError("更正单日必须说明原因。")
    if kind == DayKind.ADJUSTED_WORKDAY and date.weekday() < 5:
        raise ValidationError(f"{date.isoformat()}本来就是工作日，不能标注为调休上班。")
    if kind is not None and kind not in DayKind.values:
        raise ValidationError(f"类型“{kind}”无效。")
    existing = CalendarDay.objects.filter(date=date).first()
    old = existing.kind if existing else None
    if kind is None:
        CalendarDay.objects.filter(date=date).delete()
    else:
        CalendarDay.objects.update_or_create(date=date, defaults={"kind": kind, "name": name[:50]})
    CalendarRevision.objects.create(
        user=acting_user,
        action="set_day",
        year=date.year,
        detail={"date": str(date), "old": old, "new": kind, "note": note.strip()[:200]},
    )
    transaction.on_commit(lambda: _after_commit({date.year}))
