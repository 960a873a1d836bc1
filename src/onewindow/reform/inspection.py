"""Inspection (S16, 五(三)): the reform office's and the inspection office's spot checks (抽查)
with their findings, deduction and rectification due in working days, the rectification
evidence and result; and the weight of each in-place check in the unit score (100 in all).

A spot check's deduction counts in the unit appraisal of the period the check was made in
(`supervision.appraisal`, via `deductions`). An open spot check whose rectification day has
passed is overdue: `mark_overdue` (the daily job) records it, and `refresh` does the same for
one check on read."""

import datetime
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from onewindow import workdays
from onewindow.common import limits
from onewindow.org.models import Unit, User
from onewindow.org.permissions import allows
from onewindow.reform.models import Check, Round, SpotCheck, Weight

# The largest deduction one spot check may cost a unit: the whole score.
MAX_DEDUCTION = Decimal(100)
# The longest rectification period, in working days (about three months).
MAX_RECTIFY_DAYS = 60
TOTAL_POINTS = 100
# Until the reform office sets its own: the six checks weighed alike as far as 100 allows.
DEFAULT_WEIGHTS = {
    Check.ORGANISATION: 15,
    Check.STAFF: 15,
    Check.ITEMS: 20,
    Check.AUTHORIZATION: 20,
    Check.MECHANISM: 15,
    Check.SUPERVISION: 15,
}


def _deduction(value) -> Decimal:
    try:
        d = Decimal(str(value if value not in (None, "") else 0)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"deduction": f"扣分“{value}”不是数字。"}) from None
    if d < 0:
        raise ValidationError({"deduction": f"扣分不能为负数（收到{d}）。"})
    if d > MAX_DEDUCTION:
        raise ValidationError({"deduction": f"扣分不能超过{MAX_DEDUCTION}分（收到{d}）。"})
    return d


@transaction.atomic
def spot_check_record(
    *,
    acting_user: User,
    unit: Unit,
    checked_on: datetime.date,
    findings: str,
    deduction=0,
    rectify_days: int | None = None,
    kind: str = "",
    evidence: str = "",
    round=None,
    today: datetime.date | None = None,
) -> SpotCheck:
    """Record a spot check made by the acting user. With findings, a rectification period in
    working days is required (1..MAX_RECTIFY_DAYS, counted from the check's day: a period that
    ends before today, or none at all, is refused); a deduction needs findings. Without
    findings the check is closed at once (nothing to rectify)."""
    if not allows(acting_user, "reform.record_spot_check"):
        raise PermissionDenied("只有县行政审批服务局（审改办）和县政府督查室可以登记抽查。")
    today = today or timezone.localdate()
    findings = (findings or "").strip()
    errors: dict[str, str] = {}
    if checked_on is None:
        errors["checked_on"] = "请填写抽查日期。"
    elif checked_on > today:
        errors["checked_on"] = f"抽查日期{checked_on:%Y-%m-%d}晚于今天，不能登记尚未进行的抽查。"
    try:
        points = _deduction(deduction)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        points = Decimal(0)
    if points > 0 and not findings:
        errors["findings"] = "扣分须写明发现的问题。"
    if len(findings) > limits.REASON:
        errors["findings"] = f"发现的问题不能超过{limits.REASON}字。"
    if kind and kind not in {c.value for c in Check}:
        errors["kind"] = f"“{kind}”不是到位检查。"
    due = None
    if findings:
        if rectify_days is None or rectify_days == "":
            errors["rectify_days"] = "发现问题的，请填写整改时限（工作日）。"
        elif int(rectify_days) <= 0:
            errors["rectify_days"] = "整改时限至少为1个工作日：整改期限不能是今天或已经过去的日期。"
        elif int(rectify_days) > MAX_RECTIFY_DAYS:
            errors["rectify_days"] = f"整改时限不能超过{MAX_RECTIFY_DAYS}个工作日。"
        elif checked_on is not None and "checked_on" not in errors:
            due = workdays.add_workdays(checked_on, int(rectify_days))
            if due < today:
                errors["rectify_days"] = (
                    f"整改期限{due:%Y-%m-%d}（抽查日期起{int(rectify_days)}个工作日）"
                    "已经过去，请延长整改时限。"
                )
    if errors:
        raise ValidationError(errors)
    if round is None:  # the round in force that day, so the deduction counts in its scorecard
        round = (
            Round.objects.filter(active=True, starts_on__lte=checked_on, ends_on__gte=checked_on)
            .order_by("-starts_on")
            .first()
        )
    return SpotCheck.objects.create(
        unit=unit,
        round=round,
        checked_on=checked_on,
        inspector=acting_user,
        kind=kind,
        findings=findings,
        deduction=points,
        rectify_days=int(rectify_days) if findings else None,
        rectify_due=due,
        evidence=(evidence or "").strip(),
        result=SpotCheck.Result.OPEN if findings else SpotCheck.Result.RECTIFIED,
        closed_on=None if findings else checked_on,
    )


@transaction.atomic
def rectification_record(
    spot: SpotCheck,
    *,
    acting_user: User,
    evidence: str,
    rectified: bool,
    today: datetime.date | None = None,
) -> SpotCheck:
    """Record the rectification evidence; with `rectified`, close the check as rectified (late
    rectification still closes it, the overdue result is replaced and the date kept)."""
    if not allows(acting_user, "reform.record_spot_check"):
        raise PermissionDenied("只有县行政审批服务局（审改办）和县政府督查室可以登记整改情况。")
    today = today or timezone.localdate()
    spot = SpotCheck.objects.select_for_update().get(pk=spot.pk)
    evidence = (evidence or "").strip()
    if spot.result == SpotCheck.Result.RECTIFIED:
        raise ValidationError("该抽查已确认整改，不能再修改。")
    if not evidence:
        raise ValidationError({"evidence": "请填写整改情况及佐证。"})
    if len(evidence) > limits.REASON:
        raise ValidationError({"evidence": f"整改情况及佐证不能超过{limits.REASON}字。"})
    spot.evidence = evidence
    if rectified:
        spot.result, spot.closed_on = SpotCheck.Result.RECTIFIED, today
    else:
        _overdue_if_due(spot, today)
    spot.save()
    return spot


def _overdue_if_due(spot: SpotCheck, today: datetime.date) -> bool:
    if spot.result == SpotCheck.Result.OPEN and spot.rectify_due and spot.rectify_due < today:
        spot.result = SpotCheck.Result.OVERDUE
        return True
    return False


def refresh(spot: SpotCheck, today: datetime.date | None = None) -> SpotCheck:
    """On read: record the check as overdue if its rectification day has passed."""
    if _overdue_if_due(spot, today or timezone.localdate()):
        SpotCheck.objects.filter(pk=spot.pk, result=SpotCheck.Result.OPEN).update(
            result=SpotCheck.Result.OVERDUE
        )
    return spot


def mark_overdue(day: datetime.date | None = None) -> int:
    """The daily job: every open check whose rectification day has passed becomes overdue."""
    day = day or timezone.localdate()
    return SpotCheck.objects.filter(result=SpotCheck.Result.OPEN, rectify_due__lt=day).update(
        result=SpotCheck.Result.OVERDUE
    )


def deductions(first: datetime.date, last: datetime.date) -> dict[int, Decimal]:
    """unit id → the spot-check deductions of checks made in [first, last]."""
    rows = (
        SpotCheck.objects.filter(checked_on__range=(first, last), deduction__gt=0)
        .order_by()
        .values("unit_id")
        .annotate(total=Sum("deduction"))
        .values_list("unit_id", "total")
    )
    out: dict[int, Decimal] = defaultdict(Decimal)
    for unit_id, total in rows:
        out[unit_id] += total
    return dict(out)


# --- weights ------------------------------------------------------------------------------


def weights() -> dict[str, int]:
    """check → points: the reform office's, or the defaults while none are set."""
    stored = dict(Weight.objects.values_list("kind", "points"))
    if len(stored) == len(Check.choices):
        return stored
    return {str(k): v for k, v in DEFAULT_WEIGHTS.items()}


@transaction.atomic
def weights_set(*, acting_user: User, points: dict[str, object]) -> dict[str, int]:
    """Set the points of every check: whole numbers, none negative, 100 in all."""
    if not allows(acting_user, "reform.set_weights"):
        raise PermissionDenied("只有县行政审批服务局（审改办）可以设置分值。")
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    for code, label in Check.choices:
        raw = points.get(code)
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            errors[code] = f"{label}的分值“{raw if raw is not None else ''}”不是整数。"
            continue
        if value < 0:
            errors[code] = f"{label}的分值不能为负数（收到{value}）。"
        clean[code] = value
    unknown = set(points) - {c.value for c in Check}
    if unknown:
        errors["__all__"] = f"“{'、'.join(sorted(unknown))}”不是到位检查。"
    if not errors and sum(clean.values()) != TOTAL_POINTS:
        errors["__all__"] = f"各项分值合计应为{TOTAL_POINTS}分，现为{sum(clean.values())}分。"
    if errors:
        raise ValidationError(errors)
    for code, value in clean.items():
        Weight.objects.update_or_create(kind=code, defaults={"points": value})
    return clean
