"""送达 (S8): the result handed over at the window or mailed; the case closes with it."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from onewindow.cases.models import Case
from onewindow.cases.services.core import move
from onewindow.common import crypto
from onewindow.common.validators import (
    normalize_id_number,
    parse_yuan,
)
from onewindow.org.models import User


def case_deliver(
    *,
    acting_user: User,
    case: Case,
    mode: str,
    detail: dict[str, Any],
    expected_version=None,
    day=None,
    together: bool = False,
) -> Case:
    """送达 (S8): collected at the window by the applicant or agent (ID checked, receipt signed)
    or mailed at the applicant's cost. The case is closed with it. The children of a 一件事 are
    delivered together, from its page (`together`)."""
    if case.parent_id and not together:
        raise ValidationError("一件事的各项结果须在一件事页面一并送达。")
    info = {k: str(v).strip() for k, v in detail.items()}
    if mode == Case.DeliveryMode.COLLECT:
        if not info.get("recipient") or not info.get("recipient_id"):
            raise ValidationError({"recipient": "窗口领取须登记领取人姓名和身份证号码。"})
        given = crypto.digest(normalize_id_number(info["recipient_id"]))
        known = {case.applicant_id_digest}
        if case.agent_id:
            known.add(crypto.digest(case.agent_id))
        if given not in known:
            raise ValidationError(
                {"recipient_id": "领取人身份证号码与申请人或代理人不符，不能交付。"}
            )
        if info.get("receipt_signed") not in ("1", "True", "true", "是"):
            raise ValidationError({"receipt_signed": "请领取人在送达回证上签字后再确认。"})
        info["recipient_id"] = normalize_id_number(info["recipient_id"])[:4] + "**********"
    elif mode == Case.DeliveryMode.MAIL:
        missing = [
            k
            for k, label in (("address", "地址"), ("carrier", "快递公司"), ("tracking", "运单号"))
            if not info.get(k)
        ]
        if missing:
            raise ValidationError({"delivery": "邮寄送达须填写收件地址、快递公司和运单号。"})
    else:
        raise ValidationError({"mode": "请选择窗口领取或邮寄送达。"})

    fee, postage = _money(info, "fee", "收费金额"), _money(info, "postage", "邮寄费用")
    if postage and mode != Case.DeliveryMode.MAIL:
        raise ValidationError({"postage": "窗口领取没有邮寄费用，请清空邮寄费用。"})

    def apply(c: Case, today: datetime.date) -> None:
        c.delivery_mode, c.delivery_detail, c.closed_on = mode, info, today
        c.fee, c.postage = fee, postage

    return move(
        acting_user=acting_user,
        case=case,
        action="deliver",
        details={"mode": mode},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def _money(info: dict[str, str], key: str, label: str) -> Decimal:
    """The sum typed under `key` (taken out of the delivery record), bounded by `parse_yuan`."""
    try:
        return parse_yuan(info.pop(key, ""), label)
    except ValidationError as exc:
        raise ValidationError({key: exc.messages}) from None


def case_confirm_receipt(
    *,
    acting_user: User,
    case: Case,
    received_on: datetime.date | None,
    expected_version=None,
    day=None,
) -> Case:
    """确认签收: the day the applicant signed the courier's receipt for a mailed result, from the
    courier's record; recorded once, on the closed case (its state does not change)."""

    def apply(c: Case, today: datetime.date) -> None:
        if c.delivery_mode != Case.DeliveryMode.MAIL:
            raise ValidationError("该办件的结果不是邮寄送达，无需确认签收。")
        if c.mail_received_on is not None:
            raise ValidationError(f"已于{c.mail_received_on:%Y-%m-%d}确认签收，不能重复登记。")
        if received_on is None:
            raise ValidationError({"received_on": "请填写快递记录上的签收日期。"})
        if received_on > today or (c.closed_on and received_on < c.closed_on):
            mailed = f"{c.closed_on:%Y-%m-%d}" if c.closed_on else "寄出日"
            raise ValidationError({"received_on": f"签收日期应在寄出日（{mailed}）至今天之间。"})
        c.mail_received_on = received_on

    return move(
        acting_user=acting_user,
        case=case,
        action="confirm_receipt",
        details={"received_on": received_on.isoformat() if received_on else ""},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )
