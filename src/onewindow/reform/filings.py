"""A unit's filings with the reform office (县行政审批服务局): an item whose hall or online entry
is undetermined (S2(5): the superior department asked, the basis, when the answer is expected),
and the plan of a unit without a lead section (S1). The office accepts a filing or returns it
with a comment; a returned filing is filed anew. Each service validates fully before it writes,
so bad input saves nothing."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from onewindow.catalog.models import Item
from onewindow.common import limits
from onewindow.org.models import Section, Unit, User
from onewindow.org.permissions import allows, scope_to_unit
from onewindow.reform.models import Filing

# What is undetermined about an item's entry (Filing.undetermined).
UNDETERMINED = {
    "hall": "是否进驻实体大厅待定",
    "online": "是否网上办理待定",
    "both": "进驻实体大厅和网上办理均待定",
}
# A filing in these states stands; a returned one must be filed again.
STANDING = (Filing.State.FILED, Filing.State.ACCEPTED)


# --- reads --------------------------------------------------------------------------------


def filing_list_for_user(user) -> QuerySet[Filing]:
    """The office sees every unit's filings, a unit its own."""
    qs = Filing.objects.select_related("unit", "item", "filed_by")
    return scope_to_unit(qs, user).order_by("-filed_on", "-id")


def filing_get(filing_id: int) -> Filing:
    return get_object_or_404(Filing.objects.select_related("unit", "item"), pk=filing_id)


def undetermined_item_choices(unit: Unit) -> QuerySet[Item]:
    """The unit's items that may be filed as undetermined (not withdrawn)."""
    return (
        Item.objects.filter(unit=unit)
        .exclude(status=Item.Status.WITHDRAWN)
        .order_by("hall_status", "name", "id")
    )


def unit_name(unit: Unit) -> str:
    return unit.short_name or unit.name


# --- writes -------------------------------------------------------------------------------


def _require_may_file(acting_user: User, unit: Unit) -> None:
    if not allows(acting_user, "reform.file_with_office", unit):
        raise PermissionDenied("只有本单位的窗口主管（分管领导）可以向审改办报备。")


def _text(value: object, *, label: str, field: str, errors: dict, required: str) -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        errors[field] = [required]
    else:
        try:
            limits.check_length(text, limit=limits.REASON, label=label)
        except ValidationError as exc:
            errors[field] = exc.messages
    return text


def _future_date(value, *, field: str, label: str, today: datetime.date, errors: dict):
    if value is None:
        errors[field] = [f"请填写{label}。"]
    elif value < today:
        errors[field] = [
            f"{label}{value:%Y-%m-%d}已经过去，请填写今天（{today:%Y-%m-%d}）或以后的日期。"
        ]
    return value


@transaction.atomic
def undetermined_item_file(
    *,
    acting_user: User,
    unit: Unit,
    item: Item | None,
    undetermined: str,
    superior: str,
    basis: str,
    answer_due: datetime.date | None,
    today: datetime.date | None = None,
) -> Filing:
    """File an item whose entry into the hall or online is undetermined (S2(5))."""
    today = today or timezone.localdate()
    _require_may_file(acting_user, unit)
    errors: dict[str, list[str]] = {}
    if item is None:
        errors["item"] = ["请选择进驻情况待定的事项。"]
    elif item.unit_id != unit.pk:
        errors["item"] = [f"事项“{item.name}”不是{unit_name(unit)}的事项，不能由本单位报备。"]
    elif item.status == Item.Status.WITHDRAWN:
        errors["item"] = [f"事项“{item.name}”已撤销，无需报备。"]
    elif Filing.objects.filter(
        kind=Filing.Kind.UNDETERMINED_ITEM, unit=unit, item=item, state__in=STANDING
    ).exists():
        errors["item"] = [f"事项“{item.name}”已报备过待定情况，请等待审改办审核或查看审核结果。"]
    if undetermined not in UNDETERMINED:
        errors["undetermined"] = ["请选择待定内容（进驻实体大厅、网上办理或两者）。"]
    superior = _text(
        superior,
        label="已联系的上级部门",
        field="superior",
        errors=errors,
        required="请填写已联系的上级部门（如“益阳市市场监督管理局”）。",
    )
    limits.check_length(superior, limit=limits.NAME, label="已联系的上级部门", field="superior")
    basis = _text(
        basis,
        label="依据或说明",
        field="basis",
        errors=errors,
        required="请填写待定的依据或说明（上级部门的意见、文件等）。",
    )
    _future_date(answer_due, field="answer_due", label="预计答复日期", today=today, errors=errors)
    if errors:
        raise ValidationError(errors)
    filing = Filing(
        kind=Filing.Kind.UNDETERMINED_ITEM,
        unit=unit,
        item=item,
        undetermined=undetermined,
        superior=superior,
        basis=basis,
        answer_due=answer_due,
        filed_by=acting_user,
        filed_on=today,
    )
    filing.full_clean()
    filing.save()
    return filing


def needs_lead_section_plan(unit: Unit) -> bool:
    """S1: a unit without a lead section, or whose lead section is neither a separate approval
    section nor carries the "行政审批服务" sign, files its plan with the approval bureau."""
    section = unit.lead_section
    return section is None or section.mode == Section.Mode.ORDINARY


@transaction.atomic
def lead_section_plan_file(
    *,
    acting_user: User,
    unit: Unit,
    plan: str,
    plan_due: datetime.date | None,
    today: datetime.date | None = None,
) -> Filing:
    """File the plan of a unit without a lead section, or whose lead section is an ordinary
    section (S1: `needs_lead_section_plan`)."""
    today = today or timezone.localdate()
    _require_may_file(acting_user, unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not needs_lead_section_plan(unit):
        raise ValidationError(
            f"{unit_name(unit)}已明确牵头股室（{unit.lead_section.name}），无需报备牵头股室设置方案。"
        )
    standing = Filing.objects.filter(
        kind=Filing.Kind.LEAD_SECTION_PLAN, unit=unit, state__in=STANDING
    ).first()
    if standing is not None:
        raise ValidationError(
            f"{unit_name(unit)}已于{standing.filed_on:%Y-%m-%d}报备牵头股室设置方案"
            f"（{standing.get_state_display()}），不能重复报备。"
        )
    errors: dict[str, list[str]] = {}
    plan = _text(
        plan,
        label="方案内容",
        field="plan",
        errors=errors,
        required="请填写牵头股室设置方案：设立或明确哪个股室、职能如何集中、何时进驻大厅。",
    )
    _future_date(plan_due, field="plan_due", label="落实期限", today=today, errors=errors)
    if errors:
        raise ValidationError(errors)
    filing = Filing(
        kind=Filing.Kind.LEAD_SECTION_PLAN,
        unit=unit,
        plan=plan,
        plan_due=plan_due,
        filed_by=acting_user,
        filed_on=today,
    )
    filing.full_clean()
    filing.save()
    return filing


@transaction.atomic
def filing_decide(
    *,
    acting_user: User,
    filing: Filing,
    accept: bool,
    comment: str = "",
    today: datetime.date | None = None,
) -> Filing:
    """The reform office accepts a filing, or returns it with a comment."""
    today = today or timezone.localdate()
    if not allows(acting_user, "reform.decide_filing", filing):
        raise PermissionDenied("只有审改办可以审核报备事项。")
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    if filing.state != Filing.State.FILED:
        raise ValidationError(
            f"该报备当前状态为“{filing.get_state_display()}”，只有待审核的报备可以接受或退回。"
        )
    comment = (comment or "").strip()
    limits.check_length(comment, limit=limits.REASON, label="审核意见", field="comment")
    if not accept and not comment:
        raise ValidationError({"comment": "退回报备须填写退回意见，说明需要补充或修改的内容。"})
    filing.state = Filing.State.ACCEPTED if accept else Filing.State.RETURNED
    filing.comment = comment
    filing.decided_on = today
    filing.save(update_fields=["state", "comment", "decided_on"])
    return filing
