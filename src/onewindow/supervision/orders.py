"""督办 (supervision orders): issued by a supervisor on a case or a unit, answered by the unit,
closed by the supervisor with its result; unanswered past the deadline, escalated once."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from onewindow.cases.models import Case
from onewindow.exchange import services as exchange
from onewindow.mandates.models import Letter
from onewindow.org.models import Staff, Unit, User
from onewindow.org.permissions import allows
from onewindow.org.roles import RoleCode
from onewindow.supervision.models import Message, Order, Warning
from onewindow.workdays import add_workdays


def _people(unit: Unit, today: datetime.date) -> dict[int, str]:
    """Who answers for a unit: its leader in charge and the window supervisor of the letter."""
    people: dict[int, str] = {}
    if unit.leader_in_charge_id and unit.leader_in_charge.user_id:
        people[unit.leader_in_charge.user_id] = "分管领导"
    letter = (
        Letter.objects.filter(
            unit=unit,
            status=Letter.Status.FILED,
            valid_from__lte=today,
            valid_until__gte=today,
        )
        .select_related("supervisor")
        .first()
    )
    if letter and letter.supervisor.user_id:
        people.setdefault(letter.supervisor.user_id, "窗口主管")
    return people


def _report(order: Order) -> None:
    """The order's new stage for the provincial platform (6.8 电子监察), in the same
    transaction; with its case's events when it has a case, so they reach it in order."""
    exchange.enqueue(
        "order",
        f"case-{order.case_id}" if order.case_id else f"order-{order.pk}",
        f"order-{order.pk}-{order.state}",
        {"order_id": order.pk, "stage": order.state},
    )


def _tell(order: Order, people: dict[int, str], text: str) -> None:
    Message.objects.bulk_create(
        Message(user_id=u, order=order, text=text[:300], role=r) for u, r in people.items()
    )


@transaction.atomic
def order_issue(
    *,
    acting_user: User,
    content: str,
    response_days: int,
    case: Case | None = None,
    unit: Unit | None = None,
    rule: str = "",
    warning: Warning | None = None,
    today: datetime.date | None = None,
) -> Order:
    if not allows(acting_user, "supervision.issue_order"):
        raise PermissionDenied("只有电子监察人员可以督办。")
    today = today or timezone.localdate()
    errors = {}
    if case is None and unit is None:
        errors["unit"] = "请选择督办的办件或单位。"
    if case is not None and unit is not None and case.unit_id != unit.pk:
        errors["unit"] = "办件不属于所选单位。"
    if not content.strip():
        errors["content"] = "请填写督办内容。"
    if not 1 <= response_days <= 30:
        errors["response_days"] = "反馈期限应为1至30个工作日。"
    if errors:
        raise ValidationError(errors)
    unit = unit or case.unit
    order = Order.objects.create(
        case=case,
        unit=unit,
        content=content.strip(),
        rule=(rule or (warning.get_kind_display() if warning else "人工督办")).strip()[:100],
        warning=warning,
        issued_by=acting_user,
        issued_on=today,
        response_days=response_days,
        respond_by=add_workdays(today, response_days),
    )
    _report(order)
    what = f"办件{case.number}" if case else str(unit)
    _tell(
        order,
        _people(unit, today),
        f"【督办】{what}：{order.content}（请于{order.respond_by:%Y-%m-%d}前反馈）",
    )
    return order


def _own(user: User, order: Order) -> None:
    if not allows(user, "supervision.respond_order", order):
        raise PermissionDenied(f"只有{order.unit}的窗口主管、组长或审核人员可以反馈该督办。")


@transaction.atomic
def order_respond(
    *, acting_user: User, order: Order, response: str, today: datetime.date | None = None
) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    _own(acting_user, order)
    if order.state not in (Order.State.ISSUED, Order.State.ESCALATED):
        raise ValidationError(f"该督办当前为“{order.get_state_display()}”，不能再反馈。")
    if not response.strip():
        raise ValidationError({"response": "请填写整改或办理情况。"})
    order.response, order.responded_by = response.strip(), acting_user
    order.responded_on = today or timezone.localdate()
    order.state = Order.State.ANSWERED
    order.save()
    _report(order)
    return order


@transaction.atomic
def order_close(
    *, acting_user: User, order: Order, result: str, today: datetime.date | None = None
) -> Order:
    if not allows(acting_user, "supervision.issue_order"):
        raise PermissionDenied("只有电子监察人员可以办结督办。")
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state != Order.State.ANSWERED:
        raise ValidationError("单位反馈后才能办结督办。")
    if not result.strip():
        raise ValidationError({"result": "请填写督办结果。"})
    order.result, order.closed_on = result.strip(), today or timezone.localdate()
    order.state = Order.State.CLOSED
    order.save()
    _report(order)
    return order


def escalate_overdue(today: datetime.date | None = None) -> int:
    """Orders still unanswered after their deadline: escalated once, to the unit's leader in
    charge and every hall manager."""
    today = today or timezone.localdate()
    count = 0
    managers = {
        s.user_id: "大厅管理"
        for s in Staff.objects.filter(
            user__roles__code=RoleCode.HALL_MANAGER, user__isnull=False, active=True
        )
    }
    for order in Order.objects.filter(state=Order.State.ISSUED, respond_by__lt=today):
        with transaction.atomic():
            order.state, order.escalated_on = Order.State.ESCALATED, today
            order.save(update_fields=["state", "escalated_on"])
            _report(order)
            people = {**managers, **_people(order.unit, today)}
            _tell(
                order,
                people,
                f"【督办升级】{order.unit}未在{order.respond_by:%Y-%m-%d}前反馈督办：{order.content}",
            )
        count += 1
    return count
