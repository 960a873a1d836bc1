"""Reads of the reform scorecard (S15, S16): each unit's six checks, its score from the reform
office's weights less the spot-check deductions of the active round, and when each check first
passed."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from onewindow.org.models import Unit
from onewindow.reform.checks import CheckResult, checks_for_units, period
from onewindow.reform.models import Check, CheckPassed, Round, SpotCheck

# The scorecard's orders (GET `sort`); a leading "-" reverses.
SORTS = {
    "name": "单位名称（拼音）",
    "score": "得分",
    "failing": "未到位检查数",
}
DEFAULT_SORT = "name"
# Besides the units of attachment 1: township centres and public institutions (S17).
ALSO_LISTED = (Unit.Kind.TOWNSHIP_CENTRE, Unit.Kind.INSTITUTION)


@dataclass
class Row:
    unit: Unit
    results: dict[str, CheckResult]
    score: Decimal
    points: int
    deduction: Decimal
    first_passed: dict[str, datetime.date | None] = field(default_factory=dict)

    @property
    def failing(self) -> int:
        return sum(not r.passed for r in self.results.values())

    @property
    def cells(self) -> list[tuple[CheckResult, datetime.date | None]]:
        """The six checks in order, each with the day it first passed."""
        return [(self.results[c], self.first_passed.get(c)) for c in Check]


def active_round(day: datetime.date) -> Round | None:
    return (
        Round.objects.filter(active=True, starts_on__lte=day).order_by("-starts_on", "-id").first()
    )


def scorecard_units():
    """The units of attachment 1 and the township centres and public institutions."""
    return Unit.objects.filter(Q(in_reform=True) | Q(kind__in=ALSO_LISTED)).order_by("pk")


def weights() -> dict[str, int]:
    from onewindow.reform import inspection

    return {str(k): int(v) for k, v in inspection.weights().items()}


def deductions(unit_ids: list[int], day: datetime.date) -> dict[int, Decimal]:
    """unit id → spot-check deductions of the active round (or, with no round, of the checks
    period), up to `day`."""
    current = active_round(day)
    rows = SpotCheck.objects.filter(unit_id__in=unit_ids, checked_on__lte=day, deduction__gt=0)
    if current is not None:
        rows = rows.filter(round=current)
    else:
        rows = rows.filter(checked_on__gte=period(day)[0])
    totals = rows.order_by().values("unit_id").annotate(total=Sum("deduction"))
    return {r["unit_id"]: r["total"] for r in totals}


def first_passed(unit_ids: list[int]) -> dict[int, dict[str, datetime.date | None]]:
    out: dict[int, dict[str, datetime.date | None]] = {}
    rows = CheckPassed.objects.filter(unit_id__in=unit_ids).values_list(
        "unit_id", "kind", "first_passed_on"
    )
    for unit_id, kind, day in rows:
        out.setdefault(unit_id, {})[kind] = day
    return out


def rows_for(units, day: datetime.date) -> list[Row]:
    units = list(units)
    ids = [u.pk for u in units]
    results = checks_for_units(ids, day)
    points = weights()
    cut = deductions(ids, day)
    passed = first_passed(ids)
    rows = []
    for unit in units:
        got = sum(points.get(str(k), 0) for k, r in results[unit.pk].items() if r.passed)
        less = cut.get(unit.pk, Decimal(0))
        rows.append(
            Row(
                unit=unit,
                results=results[unit.pk],
                points=got,
                deduction=less,
                score=max(Decimal(got) - less, Decimal(0)),
                first_passed=passed.get(unit.pk, {}),
            )
        )
    return rows


@dataclass
class Filters:
    """The scorecard's GET parameters, each invalid one replaced by its default."""

    sort: str = DEFAULT_SORT
    kind: str = ""
    failing: str = ""  # a check code: only units failing it; "any": failing any

    @classmethod
    def from_query(cls, query) -> "Filters":
        sort = query.get("sort", "")
        if sort.lstrip("-") not in SORTS:
            sort = DEFAULT_SORT
        kind = query.get("kind", "")
        if kind not in Unit.Kind.values:
            kind = ""
        failing = query.get("failing", "")
        if failing not in Check.values and failing != "any":
            failing = ""
        return cls(sort=sort, kind=kind, failing=failing)


def scorecard(day: datetime.date, filters: Filters | None = None) -> list[Row]:
    """The scorecard's rows, filtered and sorted (names in pinyin order, which also orders
    ties)."""
    filters = filters or Filters()
    units = scorecard_units()
    if filters.kind:
        units = units.filter(kind=filters.kind)
    rows = rows_for(units, day)
    if filters.failing == "any":
        rows = [r for r in rows if r.failing]
    elif filters.failing:
        rows = [r for r in rows if not r.results[filters.failing].passed]
    key = filters.sort.lstrip("-")
    reverse = filters.sort.startswith("-")
    from pypinyin import lazy_pinyin  # at first use (catalog.search.pinyin_keys)

    rows.sort(key=lambda r: (lazy_pinyin(r.unit.name), r.unit.name, r.unit.pk))
    if key == "score":
        rows.sort(key=lambda r: r.score, reverse=reverse)
    elif key == "failing":
        rows.sort(key=lambda r: r.failing, reverse=reverse)
    elif reverse:
        rows.reverse()
    return rows


def unit_row(unit: Unit, day: datetime.date) -> Row:
    return rows_for([unit], day)[0]


@dataclass(frozen=True)
class TrendPoint:
    day: datetime.date
    passed: list[int]  # units whose check had first passed by `day`, in the order of `Check`
    complete: int  # units with all six checks passed by `day`


def trend(day: datetime.date, *, weeks: int = 8) -> list[TrendPoint]:
    """The reform's progress over time: for each of the last `weeks` weeks up to `day` (from
    the active round's start when it is shorter), how many listed units had first passed each
    check, and how many all six. Read from the first-passed days the daily scan records, so a
    check that failed again later still counts from the day it was first in place."""
    units = list(scorecard_units().values_list("pk", flat=True))
    known = first_passed(units)
    current = active_round(day)
    start = day - datetime.timedelta(weeks=weeks - 1)
    if current is not None and current.starts_on > start:
        start = current.starts_on
    points, on = [], start
    while True:
        on = min(on, day)
        passed = [
            sum(1 for u in units if (d := known.get(u, {}).get(c)) is not None and d <= on)
            for c in Check
        ]
        complete = sum(
            1
            for u in units
            if all((d := known.get(u, {}).get(c)) is not None and d <= on for c in Check)
        )
        points.append(TrendPoint(on, passed, complete))
        if on == day:
            return points
        on += datetime.timedelta(weeks=1)
