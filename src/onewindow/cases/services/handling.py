"""Handling after acceptance: decision at the window or by the department, transfer,
taking over, the comprehensive window's forwarding, and ending without a decision."""

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError

from onewindow.cases.models import (
    Case,
    Handoff,
)
from onewindow.cases.services.core import move
from onewindow.cases.workflow import OPEN
from onewindow.common import limits
from onewindow.mandates.powers import reviewing_items
from onewindow.org.models import Staff, User, WindowPost

# --- handling -----------------------------------------------------------------------------


def _decision(result: str, text: str) -> Callable[[Case, datetime.date], None]:
    if result not in Case.Result.values:
        raise ValidationError({"result": "请选择准予或不予。"})
    if result == Case.Result.DENIED and not text.strip():
        raise ValidationError({"result_text": "不予许可须说明理由。"})
    limits.check_length(text, limit=limits.REASON, label="决定内容或理由", field="result_text")

    def apply(c: Case, day: datetime.date) -> None:
        if c.rongque_open:
            waiting = "、".join(
                c.materials.filter(rongque=True, received_at__isnull=True).values_list(
                    "name", flat=True
                )
            )
            raise ValidationError(
                f"容缺材料（{waiting}）尚未补齐：请申请人补齐，窗口登记“容缺材料已补齐”后再作出决定。"
            )
        c.result, c.result_text, c.decided_on = result, text.strip(), day

    return apply


def _decision_details(result: str, licence: dict | None) -> dict:
    """The event's details: the result, and the result licence (结果证照: name, number, valid
    until) when one is issued; the 办结 record sent to the province carries it."""
    details: dict = {"result": result}
    if not licence:
        return details
    if result != Case.Result.APPROVED:
        raise ValidationError({"licence": "不予许可不发结果证照。"})
    name, number = str(licence.get("name", "")).strip(), str(licence.get("number", "")).strip()
    if not name or not number:
        raise ValidationError({"licence": "请同时填写结果证照的名称和编号。"})
    for value, label in ((name, "证照名称"), (number, "证照编号")):
        limits.check_length(value, limit=100, label=label, field="licence")
    valid_until = licence.get("valid_until")
    if valid_until is not None and not isinstance(valid_until, datetime.date):
        raise ValidationError({"licence": "证照有效期应为日期。"})
    details["licence"] = {"name": name, "number": number}
    if valid_until:
        details["licence"]["valid_until"] = valid_until.isoformat()
    return details


def case_decide_at_window(
    *,
    acting_user: User,
    case: Case,
    result: str,
    text: str = "",
    licence: dict | None = None,
    expected_version=None,
    day=None,
) -> Case:
    """An instant item decided at the window that holds decision power (S7)."""
    if not case.item.is_instant:
        raise ValidationError("只有即办件可以在窗口当场决定；承诺件须经组长审核后转部门。")
    return move(
        acting_user=acting_user,
        case=case,
        action="decide_at_window",
        details=_decision_details(result, licence),
        expected_version=expected_version,
        day=day,
        apply=_decision(result, text),
    )


def case_transfer(
    *, acting_user: User, case: Case, opinion: str = "", expected_version=None, day=None
):
    """The window team leader reviews and transfers the case to the department (S7)."""
    return move(
        acting_user=acting_user,
        case=case,
        action="transfer",
        details={"opinion": opinion},
        expected_version=expected_version,
        day=day,
    )


def case_take_over(
    *, acting_user: User, case: Case, opinion: str = "", expected_version=None, day=None
) -> Case:
    """部门接办: the department takes an accepted case into its own review when no one at its
    window may take it further (the letter revoked or expired, or granting no first review or
    decision power for the item); its reviewers then decide. Never strands a case (S7)."""

    def apply(c: Case, today: datetime.date) -> None:
        if c.parent_id:
            raise ValidationError("一件事的事项由系统按阶段转部门，不能单独接办。")
        kinds = (WindowPost.Kind.COMPREHENSIVE, WindowPost.Kind.GREEN_CHANNEL)
        if c.window_post is not None and c.window_post.kind in kinds:
            raise ValidationError("综合窗口受理的办件由该窗口初审后转部门，无需接办。")
        if c.item_id in reviewing_items(c.unit_id, today):
            raise ValidationError(
                "授权委托书在有效期内并授予了该事项的审核权，应由窗口组长审核后转部门。"
            )

    return move(
        acting_user=acting_user,
        case=case,
        action="take_over",
        details={"opinion": opinion},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def case_decide(
    *,
    acting_user: User,
    case: Case,
    result: str,
    text: str = "",
    licence: dict | None = None,
    expected_version=None,
    day=None,
    channel: str | None = None,
) -> Case:
    """The department's decision; the result returns to the window for delivery."""
    return move(
        acting_user=acting_user,
        case=case,
        action="decide",
        details=_decision_details(result, licence),
        expected_version=expected_version,
        day=day,
        channel=channel,
        apply=_decision(result, text),
    )


def case_end(
    *,
    acting_user: User | None,
    case: Case,
    action: str,
    reason: str,
    expected_version=None,
    day=None,
    together: bool = False,
):
    """Withdrawal by the applicant, or termination by the department; a reason either way. A
    一件事 is withdrawn as a whole (`together`, from its page)."""
    if action not in ("withdraw", "terminate"):
        raise ValidationError("无效的操作。")
    if action == "withdraw" and case.parent_id and not together:
        raise ValidationError("一件事须整体撤回，请在一件事页面办理。")

    def apply(c: Case, today: datetime.date) -> None:
        c.end_reason = reason.strip()
        c.rongque_open = False

    return move(
        acting_user=acting_user,
        case=case,
        action=action,
        details={"reason": reason},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


# --- comprehensive window and green channel ------------------------------------------------


def case_forward(
    *,
    acting_user: User,
    case: Case,
    handoff: str = Handoff.ONLINE,
    opinion: str = "",
    expected_version=None,
    day=None,
) -> Case:
    """The comprehensive (or green-channel) window's first review sends the case to the unit:
    online, or the unit is told to collect the papers (S7). The window decides nothing."""
    if handoff not in Handoff.values:
        raise ValidationError({"handoff": "请选择转办方式：网上流转或通知部门取件。"})

    def apply(c: Case, today: datetime.date) -> None:
        kinds = (WindowPost.Kind.COMPREHENSIVE, WindowPost.Kind.GREEN_CHANNEL)
        if c.window_post is None or c.window_post.kind not in kinds:
            raise ValidationError("部门窗口受理的办件由窗口组长审核后转部门，不经综合窗口转办。")
        c.handoff = handoff

    return move(
        acting_user=acting_user,
        case=case,
        action="forward",
        details={"handoff": handoff, "opinion": opinion},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def case_papers_collected(*, acting_user: User, case: Case, expected_version=None, day=None):
    """The unit has collected the paper materials from the comprehensive window."""

    def apply(c: Case, today: datetime.date) -> None:
        if c.handoff != Handoff.PAPER:
            raise ValidationError("该办件已网上流转，无需到窗口取件。")
        if c.papers_collected_on:
            raise ValidationError(f"材料已于{c.papers_collected_on}取走。")
        c.papers_collected_on = today

    return move(
        acting_user=acting_user,
        case=case,
        action="papers_collected",
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def open_cases_of(staff: Staff) -> int:
    return Case.objects.filter(accepted_by=staff, state__in=list(OPEN)).count()
