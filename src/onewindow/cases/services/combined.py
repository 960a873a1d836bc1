"""一件事一次办 (S11, S14): one form, one merged set of materials, one acceptance at one window,
a child case per member item handled by its unit in parallel (stage by stage where one result
feeds another), one joint delivery. Every change of a child still goes through `move` (core);
the parent follows (`core.sync_parent`)."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from onewindow.cases.models import Case, CaseMaterial, Channel, CombinedCase, Handoff
from onewindow.cases.services.acceptance import (
    case_accept,
    case_notify_correction,
    case_refuse,
    case_resubmit,
)
from onewindow.cases.services.clock import case_number
from onewindow.cases.services.core import check_texts, move, sync_parent
from onewindow.cases.services.delivery import case_deliver
from onewindow.cases.services.handling import case_end, case_forward
from onewindow.cases.services.intake import check_applicant, create_case
from onewindow.cases.services.special import case_mark_key, key_fields
from onewindow.cases.workflow import OPEN, State
from onewindow.catalog.models import CombinedService, Item
from onewindow.catalog.selectors import merged_materials
from onewindow.org.models import User, WindowPost
from onewindow.org.selectors import posts_serving
from onewindow.workdays import add_workdays

STATUSES = {
    CaseMaterial.Status.PAPER,
    CaseMaterial.Status.UPLOADED,
    CaseMaterial.Status.SHARED,
    CaseMaterial.Status.MISSING,
    CaseMaterial.Status.DEFECTIVE,
}


def members_of(service: CombinedService) -> list:
    return list(service.members.select_related("item__unit").order_by("stage", "order", "id"))


def serving_all(acting_user: User | None, service: CombinedService, members) -> set[int]:
    """Posts of the user that serve every member unit: a 一件事 is taken at one window."""
    staff = getattr(acting_user, "staff", None) if acting_user is not None else None
    if staff is None or not staff.active:
        raise PermissionDenied("只有在岗的窗口工作人员可以收件或受理一件事。")
    held = None
    for m in members:
        ids = posts_serving(staff_id=staff.pk, unit_id=m.item.unit_id)
        held = ids if held is None else held & ids
    if not held:
        units = "、".join(
            dict.fromkeys(m.item.unit.short_name or m.item.unit.name for m in members)
        )
        raise PermissionDenied(
            f"“{service.name}”涉及{units}，只有服务全部这些单位的综合受理窗口可以收件和受理。"
        )
    return held


@transaction.atomic
def combined_submit(
    *,
    acting_user: User | None,
    service: CombinedService,
    channel: str,
    applicant: dict[str, Any],
    materials: dict[str, str],
    source: str = "",
    client_key: str = "",
    day: datetime.date | None = None,
) -> CombinedCase:
    """The one form: the applicant once and each line of the merged material list once
    (`materials`: line name → status). Creates the parent and a child per member item whose
    checklist takes the status of the line its material belongs to. Idempotent by client key."""
    day = day or timezone.localdate()
    if client_key:
        existing = CombinedCase.objects.filter(source=source, client_key=client_key).first()
        if existing is not None:
            return existing
    if service.status != CombinedService.Status.PUBLISHED:
        raise ValidationError({"service": f"“{service.name}”未发布，不能申请。"})
    members = members_of(service)
    withdrawn = [m.item.name for m in members if m.item.status != Item.Status.PUBLISHED]
    if withdrawn:
        raise ValidationError(
            {
                "service": f"“{service.name}”所含事项（{'、'.join(withdrawn)}）未发布或已撤销，"
                "暂不能申请；请联系审改办调整该一件事。"
            }
        )
    if channel == Channel.WINDOW:
        serving_all(acting_user, service, members)
    lines = merged_materials(service)
    known = {line.name for line in lines}
    unknown = [name for name in materials if name not in known]
    if unknown:
        raise ValidationError(
            {"materials": f"“{service.name}”的材料清单中没有：{'、'.join(unknown)}。"}
        )
    bad = [name for name, status in materials.items() if status not in STATUSES]
    if bad:
        raise ValidationError({"materials": f"材料“{bad[0]}”的状态无效。"})
    data = check_applicant(dict(applicant))
    parent = CombinedCase(
        service=service,
        lead_unit=service.lead_unit,
        channel=channel,
        source=source,
        client_key=client_key,
        received_on=day,
        **{
            k: data.get(k, "")
            for k in ("applicant_kind", "applicant_name", "applicant_id", "phone")
        },
    )
    try:
        with transaction.atomic():
            parent.save()
    except IntegrityError:
        return CombinedCase.objects.get(source=source, client_key=client_key)
    given = {}
    for line in lines:
        status = materials.get(line.name)
        for m in line.materials:
            if status:
                given[m.pk] = {"material_id": m.pk, "status": status}
    for member in members:
        create_case(
            acting_user,
            member.item,
            channel,
            data,
            day,
            given.values(),
            parent=parent,
            stage=member.stage,
        )
    return parent


def _lock(combined: CombinedCase, expected: tuple[str, ...], label: str) -> CombinedCase:
    parent = CombinedCase.objects.select_for_update().select_related("service").get(pk=combined.pk)
    if parent.state not in expected:
        raise ValidationError(f"一件事当前为“{parent.get_state_display()}”，不能{label}。")
    return parent


@transaction.atomic
def combined_accept(
    *,
    acting_user: User,
    combined: CombinedCase,
    window_post: WindowPost | None,
    handoff: str = Handoff.ONLINE,
    opinion: str = "",
    day: datetime.date | None = None,
) -> CombinedCase:
    """One acceptance: every child accepted at the same window, the first stage forwarded to
    its units at once; the parent gets its number and the combined promised limit."""
    day = day or timezone.localdate()
    parent = _lock(combined, (CombinedCase.State.RECEIVED,), "受理")
    members = members_of(parent.service)
    held = serving_all(acting_user, parent.service, members)
    if window_post is None or window_post.pk not in held:
        raise ValidationError({"window_post": "请选择您所在的、服务全部相关单位的综合受理窗口。"})
    children = list(parent.children.select_related("item").order_by("stage", "id"))
    missing = [
        f"“{c.item.name}”需要的“{m.name}”"
        for c in children
        for m in c.materials.filter(status__in=["missing", "defective"]).select_related("material")
        if m.material is None or m.material.required
    ]
    if missing:
        raise ValidationError(f"材料不齐全，不能受理：{'；'.join(missing)}。请出具一次性告知书。")
    for child in children:
        child = case_accept(acting_user=acting_user, case=child, window_post=window_post, day=day)
        if child.stage == 1:
            case_forward(
                acting_user=acting_user, case=child, handoff=handoff, opinion=opinion, day=day
            )
    parent.number = case_number(parent.lead_unit, day)
    parent.window_post, parent.accepted_on = window_post, day
    # Never less than the members' slowest stage path, even if a member's limit grew since.
    limit = max(parent.service.promised_limit, parent.service.minimum_limit(members))
    parent.due_date = add_workdays(day, limit)
    parent.state = CombinedCase.State.HANDLING
    parent.version += 1
    parent.save()
    sync_parent(parent.pk, day)  # a one-stage 一件事 of instant items may be done
    return parent


def _rows_by_line(parent: CombinedCase, names) -> dict[int, list[CaseMaterial]]:
    """Child id → its checklist rows that belong to the named lines of the merged list."""
    wanted = set(names)
    material_ids = {
        m.pk
        for line in merged_materials(parent.service)
        if line.name in wanted
        for m in line.materials
    }
    rows: dict[int, list[CaseMaterial]] = {}
    for row in CaseMaterial.objects.filter(case__parent=parent, material_id__in=material_ids):
        rows.setdefault(row.case_id, []).append(row)
    return rows


@transaction.atomic
def combined_notify_correction(
    *, acting_user: User, combined: CombinedCase, problems: dict[str, str], day=None
) -> CombinedCase:
    """一次性告知 for the whole: one list of every missing or defective line of the merged
    materials (`problems`: line name → what is wrong); each child gets its part."""
    parent = _lock(combined, (CombinedCase.State.RECEIVED,), "一次性告知补正")
    serving_all(acting_user, parent.service, members_of(parent.service))
    if not problems:
        raise ValidationError("请在告知书中列出需补正的材料。")
    lines = {line.name: line for line in merged_materials(parent.service)}
    unknown = [n for n in problems if n not in lines]
    if unknown:
        raise ValidationError(f"材料清单中没有：{'、'.join(unknown)}。")
    bad = CaseMaterial.objects.filter(case__parent=parent, status__in=["missing", "defective"])
    missing_ids = set(bad.values_list("material_id", flat=True))
    left_out = [
        name
        for name, line in lines.items()
        if name not in problems and any(m.pk in missing_ids for m in line.materials)
    ]
    if left_out:
        raise ValidationError(f"一次性告知须列明全部缺少的材料，还缺：{'、'.join(left_out)}。")
    by_line = {m.pk: name for name, line in lines.items() for m in line.materials}
    listed = _rows_by_line(parent, problems)
    for child in parent.children.all():
        rows = listed.get(child.pk, [])
        if rows:
            case_notify_correction(
                acting_user=acting_user,
                case=child,
                problems={r.pk: problems[by_line[r.material_id]] or "未提供" for r in rows},
                day=day,
            )
    parent.state = CombinedCase.State.CORRECTING
    parent.version += 1
    parent.save()
    return parent


@transaction.atomic
def combined_resubmit(
    *, acting_user: User, combined: CombinedCase, received: list[str], day=None
) -> CombinedCase:
    """The applicant brings corrections once; every child that needed them continues. The
    parent waits for acceptance again when no child is still being corrected."""
    parent = _lock(combined, (CombinedCase.State.CORRECTING,), "登记补正材料")
    if not received:
        raise ValidationError("请勾选申请人已补交的材料。")
    rows = _rows_by_line(parent, received)
    for child in parent.children.filter(state=State.CORRECTING):
        got = {r.pk: CaseMaterial.Status.PAPER for r in rows.get(child.pk, [])}
        if got:
            case_resubmit(acting_user=acting_user, case=child, received=got, day=day)
    if not parent.children.filter(state=State.CORRECTING).exists():
        parent.state = CombinedCase.State.RECEIVED
        parent.version += 1
        parent.save()
    return parent


@transaction.atomic
def combined_refuse(*, acting_user: User, combined: CombinedCase, reason: str, day=None):
    if not reason.strip():
        raise ValidationError({"reason": "不予受理须写明理由。"})
    check_texts({"reason": reason})
    parent = _lock(
        combined, (CombinedCase.State.RECEIVED, CombinedCase.State.CORRECTING), "不予受理"
    )
    for child in parent.children.all():
        case_refuse(acting_user=acting_user, case=child, reason=reason, day=day)
    parent.state, parent.end_reason = CombinedCase.State.REFUSED, reason.strip()
    parent.version += 1
    parent.save()
    return parent


@transaction.atomic
def combined_deliver(
    *, acting_user: User, combined: CombinedCase, mode: str, detail: dict, day=None
) -> CombinedCase:
    """Every child's result handed over together (S8); the parent is closed with them."""
    day = day or timezone.localdate()
    parent = _lock(combined, (CombinedCase.State.READY,), "一并送达")
    for child in parent.children.filter(state=State.DECIDED):
        case_deliver(
            acting_user=acting_user, case=child, mode=mode, detail=detail, day=day, together=True
        )
    parent.state, parent.closed_on = CombinedCase.State.CLOSED, day
    parent.delivery_mode, parent.delivery_detail = mode, {"mode": mode}
    parent.version += 1
    parent.save()
    return parent


@transaction.atomic
def combined_withdraw(*, acting_user: User, combined: CombinedCase, reason: str, day=None):
    """The applicant withdraws the whole 一件事: every child still being handled ends with it."""
    if not reason.strip():
        raise ValidationError({"reason": "撤回须写明理由。"})
    check_texts({"reason": reason})
    parent = _lock(combined, (CombinedCase.State.RECEIVED, CombinedCase.State.HANDLING), "撤回")
    for child in parent.children.filter(state__in=list(OPEN)).exclude(state=State.DECIDED):
        case_end(
            acting_user=acting_user,
            case=child,
            action="withdraw",
            reason=reason,
            day=day,
            together=True,
        )
    parent.state, parent.end_reason = CombinedCase.State.WITHDRAWN, reason.strip()
    parent.version += 1
    parent.save()
    return parent


def combined_prompt(*, acting_user: User, case: Case, note: str, day=None) -> Case:
    """The lead unit prompts a cooperating unit about its child case (催办)."""

    def apply(c: Case, today: datetime.date) -> None:
        c.prompted_on = today

    return move(
        acting_user=acting_user,
        case=case,
        action="prompt",
        details={"reason": note},
        day=day,
        apply=apply,
    )


@transaction.atomic
def combined_mark_key(
    *, acting_user: User, combined: CombinedCase, name: str, doc: str, day=None
) -> CombinedCase:
    """A 一件事 as a key project: the parent and every child still being handled."""
    name, doc = key_fields(name, doc)
    open_states = (
        CombinedCase.State.RECEIVED,
        CombinedCase.State.CORRECTING,
        CombinedCase.State.HANDLING,
    )
    parent = _lock(combined, open_states, "标记重点项目")
    for child in parent.children.filter(state__in=list(OPEN)):
        case_mark_key(acting_user=acting_user, case=child, name=name, doc=doc, day=day)
    parent.key_project, parent.project_name, parent.project_doc = True, name, doc
    parent.save(update_fields=["key_project", "project_name", "project_doc"])
    return parent
