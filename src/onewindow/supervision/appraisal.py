"""Appraisal (绩效考核, S9, S16): per unit, window or staff member and per month or quarter, the
rates and counts of DOMAIN.md section 6, a score from the configurable weights and deductions,
and a grade. Everything is counted from the stored records, so a figure can be traced to its
cases (the dashboards drill down the same way); the decisions from the rollup's DecisionStat."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum

from onewindow.common.sorting import natural_key
from onewindow.documents import pdf, xlsx
from onewindow.documents.dates import cn_date
from onewindow.org.models import Staff, Unit, WindowPost
from onewindow.supervision.models import (
    Anomaly,
    DecisionStat,
    Order,
    Rating,
    Rules,
    Ticket,
    Warning,
)

LEVELS = {"unit": "unit_id", "window": "window_post_id", "staff": "accepted_by_id"}
# Deductions other apps add to a unit's score for a period: callables (first, last) → {unit id:
# points}. The reform app registers its spot checks here (reform.apps), so supervision, which
# sits below reform, imports nothing of it.
UNIT_DEDUCTIONS: list = []
GRADES = ("优秀", "良好", "合格", "不合格")


def period_bounds(period: str) -> tuple[datetime.date, datetime.date]:
    """`2026-11` (a month) or `2026-Q4` (a quarter) → first and last day."""
    try:
        year, part = period.split("-")
        y = int(year)
        if part.upper().startswith("Q"):
            q = int(part[1:])
            if not 1 <= q <= 4:
                raise ValueError
            first, months = datetime.date(y, 3 * q - 2, 1), 3
        else:
            first, months = datetime.date(y, int(part), 1), 1
    except ValueError:
        raise ValidationError(
            {"period": f"考核期“{period}”无效，应为年月（如 2026-11）或季度（如 2026-Q4）。"}
        ) from None
    month = first.month - 1 + months
    after = datetime.date(first.year + month // 12, month % 12 + 1, 1)
    return first, after - datetime.timedelta(days=1)


@dataclass
class Row:
    key: int
    finished: int = 0
    on_time: int = 0
    early: int = 0
    rated: int = 0
    satisfied: int = 0
    warnings: int = 0
    reds: int = 0
    orders: int = 0
    anomalies: int = 0
    tickets: int = 0
    rectified: int = 0
    spot_deduction: Decimal = Decimal(0)  # reform spot checks (S16), units only
    rates: dict = field(default_factory=dict)
    score: Decimal = Decimal(0)
    grade: str = ""

    def rate(self, part: int, whole: int) -> Decimal:
        """Percent, one decimal; a rate over nothing counts as full (nothing went wrong)."""
        if not whole:
            return Decimal(100)
        return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def appraise(period: str, level: str = "unit", keys=None) -> list[Row]:
    """One row per unit (window, staff member) with anything in the period, best score first;
    `keys` keeps only those ids (e.g. the staff a home unit dispatched)."""
    if level not in LEVELS:
        raise ValidationError({"level": "考核对象应为单位、窗口或工作人员。"})
    first, last = period_bounds(period)
    rows: dict[int, Row] = {}

    def row(k) -> Row:
        return rows.setdefault(k, Row(key=k))

    # The cases with a due date decided in the period, as the rollup counted their decisions
    # (a page costs the same with a million cases; the figures lag the log by up to a minute).
    decisions = DecisionStat.objects.filter(level=level, day__range=(first, last))
    for k, finished, on_time, early in _grouped(
        decisions, "key", n=Sum("finished"), on_time=Sum("on_time"), early=Sum("early")
    ):
        r = row(k)
        r.finished, r.on_time, r.early = finished, on_time, early
    # Ratings, warnings, orders, anomalies and tickets reach the window and staff via the case.
    via = {"unit": "unit_id", "window": "case__window_post_id", "staff": "case__accepted_by_id"}
    rating_key = {"unit": "unit_id", "window": "window_post_id", "staff": "staff_id"}[level]
    ratings = Rating.objects.filter(rated_at__date__range=(first, last), excluded=False)
    for k, rated, satisfied in _grouped(
        ratings,
        rating_key,
        n=Count("id"),
        good=Count("id", filter=Q(level__lte=Rating.Level.BASIC)),
    ):
        r = row(k)
        r.rated, r.satisfied = rated, satisfied
    for k, warnings, reds in _grouped(
        Warning.objects.filter(raised_on__range=(first, last)),
        via[level],
        n=Count("id"),
        reds=Count("id", filter=Q(kind=Warning.Kind.RED)),
    ):
        r = row(k)
        r.warnings, r.reds = warnings, reds
    for k, n in _grouped(
        Order.objects.filter(issued_on__range=(first, last)), via[level], n=Count("id")
    ):
        row(k).orders = n
    confirmed = Anomaly.objects.filter(
        detected_on__range=(first, last), state=Anomaly.State.CONFIRMED
    )
    for k, n in _grouped(confirmed, via[level], n=Count("id")):
        row(k).anomalies = n
    ticket_key = {
        "unit": "unit_id",
        "window": "rating__window_post_id",
        "staff": "rating__staff_id",
    }[level]
    tickets_in = Ticket.objects.filter(opened_on__range=(first, last)).exclude(
        state=Ticket.State.EXCLUDED
    )
    for k, tickets, done in _grouped(
        tickets_in, ticket_key, n=Count("id"), done=Count("id", filter=Q(state=Ticket.State.DONE))
    ):
        r = row(k)
        r.tickets, r.rectified = tickets, done
    # S16: the deductions of the reform office's and supervisors' spot checks made in the
    # period count against the unit (a unit with only a spot check gets a row too).
    if level == "unit":
        for deductions in UNIT_DEDUCTIONS:
            for k, points in deductions(first, last).items():
                row(k).spot_deduction += points
    rules = Rules.current()
    for r in rows.values():
        _score(r, rules)
    chosen = [r for r in rows.values() if keys is None or r.key in set(keys)]
    return sorted(chosen, key=lambda r: (-r.score, r.key))


def _grouped(qs, key: str, **aggregates):
    """(key, *aggregates) per value of `key`, rows without one left out."""
    return (
        qs.exclude(**{key: None})
        .order_by()
        .values(key)
        .annotate(**aggregates)
        .values_list(key, *aggregates)
    )


def _score(r: Row, rules: Rules) -> None:
    r.rates = {
        "on_time": r.rate(r.on_time, r.finished),
        "early": r.rate(r.early, r.finished),
        "satisfaction": r.rate(r.satisfied, r.rated),
        "rectified": r.rate(r.rectified, r.tickets),
    }
    weighted = (
        r.rates["on_time"] * rules.weight_on_time
        + r.rates["early"] * rules.weight_early
        + r.rates["satisfaction"] * rules.weight_satisfaction
        + r.rates["rectified"] * rules.weight_rectified
    ) / 100
    deductions = (
        r.reds * rules.deduct_red
        + r.orders * rules.deduct_order
        + r.anomalies * rules.deduct_anomaly
        + r.spot_deduction  # S16 spot checks, already in points
    )
    r.score = max(Decimal(0), weighted - deductions).quantize(Decimal("0.1"))
    if r.score >= rules.grade_excellent:
        r.grade = GRADES[0]
    elif r.score >= rules.grade_good:
        r.grade = GRADES[1]
    elif r.score >= rules.grade_pass:
        r.grade = GRADES[2]
    else:
        r.grade = GRADES[3]


def names(level: str, keys) -> dict[int, str]:
    if level == "unit":
        return dict(Unit.objects.filter(pk__in=keys).values_list("pk", "name"))
    if level == "window":
        return {w.pk: str(w) for w in WindowPost.objects.filter(pk__in=keys).select_related("hall")}
    return {
        s.pk: f"{s.name}（{s.unit.short_name or s.unit.name}）"
        for s in Staff.objects.filter(pk__in=keys).select_related("unit")
    }


def keys_of_unit(unit_id: int, level: str) -> set[int]:
    """What a unit's own staff may see at a level: the unit, the windows serving it, its staff."""
    if level == "unit":
        return {unit_id}
    if level == "window":
        return set(WindowPost.objects.filter(units__id=unit_id).values_list("pk", flat=True))
    return set(Staff.objects.filter(unit_id=unit_id).values_list("pk", flat=True))


def dispatched_staff(unit: Unit) -> list[int]:
    """The unit's staff who hold a hall window post (派驻窗口人员, S12)."""
    held = WindowPost.objects.filter(active=True).values_list("staff_a_id", "staff_b_id")
    ids = {i for pair in held for i in pair if i}
    return list(Staff.objects.filter(unit=unit, pk__in=ids).values_list("pk", flat=True))


HEADERS = [
    "考核对象",
    "办结件数",
    "按时办结率%",
    "提前办结率%",
    "评价数",
    "满意率%",
    "预警次数",
    "红灯次数",
    "督办次数",
    "认定异常",
    "差评整改率%",
    "得分",
    "等次",
]


def table(rows: list[Row], level: str) -> list[list]:
    label = names(level, [r.key for r in rows])
    # The ranking by score; equal scores in natural order of the name (window 2 before 10).
    rows = sorted(rows, key=lambda r: (-r.score, natural_key(label.get(r.key, str(r.key)))))
    return [
        [
            label.get(r.key, str(r.key)),
            r.finished,
            r.rates["on_time"],
            r.rates["early"],
            r.rated,
            r.rates["satisfaction"],
            r.warnings,
            r.reds,
            r.orders,
            r.anomalies,
            r.rates["rectified"],
            r.score,
            r.grade,
        ]
        for r in rows
    ]


def dispatched_xlsx(unit: Unit, period: str) -> bytes:
    """The appraisal of the staff a unit dispatched to the hall, for the home unit (S12)."""
    rows = appraise(period, "staff", keys=dispatched_staff(unit))
    book, sheet = xlsx.book("派驻人员考核")
    xlsx.write_table(
        sheet,
        [xlsx.Column(h, 30 if n == 0 else 12) for n, h in enumerate(HEADERS)],
        [
            [float(v) if isinstance(v, Decimal) else v for v in line]
            for line in table(rows, "staff")
        ],
        title=f"{unit.name} 派驻政务服务大厅人员考核（{period}）",
    )
    return xlsx.save(book)


def dispatched_pdf(unit: Unit, period: str) -> bytes:
    """The same report as a landscape A4 PDF with the embedded CJK font, to sign and file."""
    s = pdf.styles(10, cell=8)
    rows = appraise(period, "staff", keys=dispatched_staff(unit))
    data = [HEADERS] + [[str(v) for v in line] for line in table(rows, "staff")]
    if len(data) == 1:
        data.append(["该考核期没有派驻人员的考核记录。"] + [""] * (len(HEADERS) - 1))
    first, last = period_bounds(period)
    story = [
        pdf.paragraph(f"{unit.name}派驻政务服务大厅人员考核情况", s.title),
        pdf.gap(3),
        pdf.paragraph(f"考核期：{cn_date(first)}至{cn_date(last)}（{period}）", s.plain),
        pdf.gap(3),
        pdf.grid(data, style=s.cell),
        pdf.gap(6),
        pdf.paragraph("县政务服务中心（电子监察）　　　　年　　月　　日", s.plain),
    ]
    return pdf.build(story, landscape=True, margin_mm=12)
