"""Leaving a hall (S13): withdrawing a published item, or taking it out of the online or the
physical hall, only with an approval record; and the hall status itself."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from onewindow.catalog import elements
from onewindow.catalog.models import HallApproval, Item
from onewindow.catalog.services.items import (
    HALL_FIELDS,
    loaded_item,
    next_version,
    without_prefetched,
    write_version,
)
from onewindow.catalog.services.permissions import can_govern_catalogue, require
from onewindow.org.models import User


def _approval(
    *,
    item: Item,
    kind: str,
    acting_user: User,
    doc_no: str,
    approved_on,
    approver: str,
    reason: str,
) -> HallApproval:
    approval = HallApproval(
        item=item,
        kind=kind,
        doc_no=(doc_no or "").strip(),
        approved_on=approved_on,
        approver=(approver or "").strip(),
        reason=(reason or "").strip(),
        recorded_by=acting_user,
    )
    try:
        approval.full_clean(exclude=["item", "recorded_by"])
    except ValidationError as exc:
        raise ValidationError(
            {
                k: [f"撤出须经批准（S13）：请填写{HallApproval._meta.get_field(k).verbose_name}。"]
                for k in exc.message_dict
            }
        ) from None
    if approval.approved_on > datetime.date.today():
        raise ValidationError({"approved_on": "批准日期不能晚于今天。"})
    approval.save()
    return approval


@transaction.atomic
def item_withdraw(
    *,
    acting_user: User,
    item: Item,
    doc_no: str,
    approved_on: datetime.date | None,
    approver: str,
    reason: str,
) -> Item:
    """Published → withdrawn, only with an approval record (S13). The item leaves both halls."""
    require(can_govern_catalogue(acting_user), "只有审改办可以撤销事项。")
    item = loaded_item(item.pk, lock=True)
    if item.status != Item.Status.PUBLISHED:
        raise ValidationError(f"事项当前为“{item.get_status_display()}”，只有已发布事项可以撤销。")
    live_children = item.children.filter(status=Item.Status.PUBLISHED)
    if live_children.exists():
        names = "、".join(c.name for c in live_children[:3])
        raise ValidationError(f"该事项下仍有已发布的下级事项（{names}），请先撤销下级事项。")
    before = elements.snapshot(item)
    approval = _approval(
        item=item,
        kind=HallApproval.Kind.WITHDRAW,
        acting_user=acting_user,
        doc_no=doc_no,
        approved_on=approved_on,
        approver=approver,
        reason=reason,
    )
    item.status = Item.Status.WITHDRAWN
    item.online_hall = False
    item.supervised = False
    after = elements.snapshot(item)  # what the UPDATE below writes; relations untouched
    changes = next_version(item, before=before, after=after, note=f"批准文号：{approval.doc_no}")
    item.save(update_fields=["status", "online_hall", "supervised", "version", "updated_at"])
    write_version(item, actor=acting_user, action="撤销", changes=changes, snapshot=after)
    return without_prefetched(item)


def leaves_hall(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """True when a published item would leave the online or the physical hall."""
    if before["status"] != Item.Status.PUBLISHED:
        return False
    left_online = before["online_hall"] and not after["online_hall"]
    left_hall = (
        before["hall_status"] == Item.HallStatus.ENTERED
        and after["hall_status"] != Item.HallStatus.ENTERED
    )
    return left_online or left_hall


@transaction.atomic
def item_set_hall_status(
    *,
    acting_user: User,
    item: Item,
    data: dict[str, Any],
    approval: dict[str, Any] | None = None,
) -> Item:
    """Online hall, physical hall (entered / exempt with approval / not yet) and supervision.

    A published item leaving a hall it was in needs an approval record (S13); without one the
    change is refused.
    """
    require(can_govern_catalogue(acting_user), "只有审改办可以调整事项的进驻情况。")
    item = loaded_item(item.pk, lock=True)
    before = elements.snapshot(item)
    for key in HALL_FIELDS:
        if key in data:
            setattr(item, key, data[key])
    if item.hall_status != Item.HallStatus.EXEMPT:
        item.exempt_reason, item.exempt_note, item.exempt_doc_no = "", "", ""
        item.exempt_date = None
    # Only the hall fields change. The unit and parent are the locked row's (their foreign keys
    # hold in the database), and the constraints' fields too, unless clean() derives a blank
    # implementation code: so those checks only then (the database guards them all besides).
    item.full_clean(exclude=["unit", "parent"], validate_constraints=not item.implementation_code)
    after = {
        "status": item.status,
        "online_hall": item.online_hall,
        "hall_status": item.hall_status,
    }
    note = ""
    if leaves_hall(before, after):
        if not approval:
            raise ValidationError(
                "已发布事项撤出网上大厅或实体大厅、停止窗口受理，须经批准（S13）："
                "请填写批准文号、批准日期、批准机关和理由。"
            )
        record = _approval(
            item=item, kind=HallApproval.Kind.LEAVE_HALL, acting_user=acting_user, **approval
        )
        note = f"撤出大厅，批准文号：{record.doc_no}"
    # What the save below writes (the hall fields, and codes clean() derived); relations untouched.
    snapshot = elements.snapshot(item)
    changes = next_version(item, before=before, after=snapshot, note=note)
    item.save()
    if changes is not None:
        write_version(
            item, actor=acting_user, action="调整进驻", changes=changes, snapshot=snapshot
        )
    return without_prefetched(item)
