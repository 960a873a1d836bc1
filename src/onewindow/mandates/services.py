"""Every write to authorization letters, powers, seals and first-asked records."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from onewindow.catalog.models import Item
from onewindow.common import limits
from onewindow.mandates.models import (
    CLAUSES,
    Enquiry,
    ItemPower,
    Letter,
    Seal,
    default_cut_limit,
)
from onewindow.org.models import Staff, Unit, User, WindowPost
from onewindow.org.permissions import allows

LETTER_FIELDS = [
    "legal_representative",
    "supervisor",
    "team_leader",
    "clauses",
    "other_tasks",
    "valid_from",
    "valid_until",
]


def can_manage_unit(user: User, unit_id: int) -> bool:
    """The unit's window supervisor (its leader in charge) or the reform office."""
    return allows(user, "mandates.manage_unit", unit_id)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _check_letter(letter: Letter) -> None:
    errors: dict[str, str] = {}
    unit_id = letter.unit_id
    for field, label in (("supervisor", "窗口主管"), ("team_leader", "窗口组长")):
        person = getattr(letter, field, None) if getattr(letter, f"{field}_id") else None
        if person is not None and person.unit_id != unit_id:
            errors[field] = f"{label}{person.name}不是本单位（{letter.unit}）的工作人员。"
        elif person is not None and not person.active:
            errors[field] = f"{label}{person.name}已不在岗。"
    if letter.supervisor_id and letter.supervisor_id == letter.team_leader_id:
        errors["team_leader"] = "窗口主管和窗口组长应为两人。"
    bad = [c for c in letter.clauses if c not in range(1, len(CLAUSES) + 1)]
    if bad or not letter.clauses:
        errors["clauses"] = "请从附件4的第一至第六条中选择授权条款。"
    if letter.valid_from and letter.valid_until:
        overlapping = Letter.objects.filter(
            unit_id=unit_id,
            status__in=[Letter.Status.SIGNED, Letter.Status.FILED],
            valid_from__lte=letter.valid_until,
            valid_until__gte=letter.valid_from,
        ).exclude(pk=letter.pk)
        other = overlapping.first()
        if other is not None:
            errors["valid_from"] = (
                f"与{other.get_status_display()}的授权委托书（{other.valid_from}至"
                f"{other.valid_until}）有效期重叠；同一单位同一时间只能有一份有效授权。"
                "如需更换，请先撤销原授权委托书。"
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def letter_create(*, acting_user: User, unit: Unit, data: dict[str, Any]) -> Letter:
    _require(can_manage_unit(acting_user, unit.pk), "您无权为该单位出具授权委托书。")
    letter = Letter(unit=unit, created_by=acting_user)
    for key in LETTER_FIELDS:
        if key in data:
            setattr(letter, key, data[key])
    letter.full_clean(exclude=["clauses"])
    _check_letter(letter)
    letter.save()
    return letter


@transaction.atomic
def letter_update(*, acting_user: User, letter: Letter, data: dict[str, Any]) -> Letter:
    _require(can_manage_unit(acting_user, letter.unit_id), "您无权修改该授权委托书。")
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.status != Letter.Status.DRAFT:
        raise ValidationError("只有草稿可以修改；已签署或备案的授权委托书请撤销后重新出具。")
    for key in LETTER_FIELDS:
        if key in data:
            setattr(letter, key, data[key])
    letter.full_clean(exclude=["clauses"])
    _check_letter(letter)
    letter.save()
    return letter


def hall_items(unit_id: int):
    """The unit's items a letter may cover: published and entered in the physical hall."""
    return Item.objects.filter(
        unit_id=unit_id, status=Item.Status.PUBLISHED, hall_status=Item.HallStatus.ENTERED
    ).order_by("basic_code")


@transaction.atomic
def letter_set_powers(
    *, acting_user: User, letter: Letter, powers: Iterable[dict[str, Any]]
) -> list[ItemPower]:
    """Replace the letter's per-item powers (draft only). Each row: item, power, collective,
    needs_other, needs_other_note, cut_limit (None = the 10% default), cut_reason."""
    _require(can_manage_unit(acting_user, letter.unit_id), "您无权修改该授权委托书。")
    if letter.status != Letter.Status.DRAFT:
        raise ValidationError("只有草稿可以修改事项授权。")
    allowed = {i.pk: i for i in hall_items(letter.unit_id)}
    rows, errors, seen = [], [], set()
    for data in powers:
        item: Item = data["item"]
        name = item.name
        if item.unit_id != letter.unit_id:
            errors.append(f"“{name}”是{item.unit}的事项，不能由{letter.unit}授权。")
            continue
        if item.pk not in allowed:
            errors.append(f"“{name}”未发布或未进驻实体大厅，不能授权窗口办理。")
            continue
        if item.pk in seen:
            errors.append(f"“{name}”重复授权。")
            continue
        seen.add(item.pk)
        default = default_cut_limit(item.promised_limit)
        cut = data.get("cut_limit")
        cut = default if cut is None else cut
        reason = (data.get("cut_reason") or "").strip()
        if cut > item.promised_limit:
            errors.append(
                f"“{name}”压缩后承诺时限（{cut}）不能超过原承诺时限（{item.promised_limit}个工作日）。"
            )
        elif cut != default and not reason:
            errors.append(
                f"“{name}”压缩后承诺时限{cut}个工作日与按10%压缩的{default}个工作日不同，请说明理由。"
            )
        if item.promised_limit > 0 and cut == 0:
            errors.append(f"“{name}”是承诺件，压缩后承诺时限至少为1个工作日。")
        if data.get("collective") and data["power"] == ItemPower.Power.DECISION:
            errors.append(f"“{name}”需本部门负责人决定或集体研究决定，只能授予初审权（S5）。")
        if data.get("needs_other") and not (data.get("needs_other_note") or "").strip():
            errors.append(f"“{name}”需经其他股室或局领导的，请写明是哪些股室或领导。")
        rows.append(
            ItemPower(
                letter=letter,
                item=item,
                power=data["power"],
                collective=bool(data.get("collective")),
                needs_other=bool(data.get("needs_other")),
                needs_other_note=(data.get("needs_other_note") or "").strip(),
                cut_limit=cut,
                cut_reason=reason,
            )
        )
    if errors:
        raise ValidationError(errors)
    letter.powers.all().delete()
    return ItemPower.objects.bulk_create(rows)


def suggested_powers(letter: Letter) -> list[dict[str, Any]]:
    """A starting point: decision power for instant items, first review for the rest."""
    return [
        {
            "item": item,
            "power": ItemPower.Power.DECISION if item.is_instant else ItemPower.Power.FIRST_REVIEW,
            "cut_limit": None,
        }
        for item in hall_items(letter.unit_id)
    ]


@transaction.atomic
def letter_sign(*, acting_user: User, letter: Letter, signed_on: datetime.date) -> Letter:
    """The legal representative has signed: the letter is fixed from now on."""
    _require(can_manage_unit(acting_user, letter.unit_id), "您无权签署该授权委托书。")
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.status != Letter.Status.DRAFT:
        raise ValidationError("只有草稿可以签署。")
    if not letter.powers.exists():
        raise ValidationError("授权委托书尚未列明授权事项，请先设置事项授权。")
    _check_letter(letter)
    letter.status = Letter.Status.SIGNED
    letter.signed_on = signed_on
    letter.save(update_fields=["status", "signed_on"])
    return letter


@transaction.atomic
def letter_file(*, acting_user: User, letter: Letter, filed_on: datetime.date) -> Letter:
    """The hall (service centre) files the signed letter (备案); from then it grants powers."""
    _require(
        allows(acting_user, "mandates.file_letter"),
        "授权委托书由政务服务中心备案。",
    )
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.status != Letter.Status.SIGNED:
        raise ValidationError("只有已签署的授权委托书可以备案。")
    _check_letter(letter)
    letter.status = Letter.Status.FILED
    letter.filed_on = filed_on
    letter.filed_by = acting_user
    letter.save(update_fields=["status", "filed_on", "filed_by"])
    return letter


@transaction.atomic
def letter_revoke(*, acting_user: User, letter: Letter, reason: str) -> Letter:
    """Revoking removes every power the letter granted, at once."""
    _require(
        allows(acting_user, "mandates.revoke_letter", letter.unit_id),
        "您无权撤销该授权委托书。",
    )
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.status not in (Letter.Status.SIGNED, Letter.Status.FILED):
        raise ValidationError("只有已签署或已备案的授权委托书可以撤销。")
    if not (reason or "").strip():
        raise ValidationError({"revoke_reason": "请说明撤销原因。"})
    limit = Letter._meta.get_field("revoke_reason").max_length
    limits.check_length(reason.strip(), limit=limit, label="撤销原因", field="revoke_reason")
    letter.status = Letter.Status.REVOKED
    letter.revoked_on = datetime.date.today()
    letter.revoke_reason = reason.strip()
    letter.save(update_fields=["status", "revoked_on", "revoke_reason"])
    return letter


@transaction.atomic
def seal_save(*, acting_user: User, unit: Unit, data: dict[str, Any]) -> Seal:
    _require(can_manage_unit(acting_user, unit.pk), "您无权登记该单位的印章。")
    seal = Seal.objects.filter(unit=unit).first() or Seal(unit=unit)
    for key in ("enabled", "enabled_on", "custodian", "impression", "reason_not_enabled", "plan"):
        if key in data:
            setattr(seal, key, data[key])
    errors = {}
    if seal.enabled:
        if not seal.enabled_on:
            errors["enabled_on"] = "已启用的专用章须填写启用日期。"
        if seal.custodian_id is None:
            errors["custodian"] = "已启用的专用章须指定保管人。"
        elif seal.custodian.unit_id != unit.pk:
            errors["custodian"] = "保管人须为本单位工作人员。"
    else:
        if not seal.reason_not_enabled.strip():
            errors["reason_not_enabled"] = "未启用行政审批专用章的，须说明原因。"
        if not seal.plan.strip():
            errors["plan"] = "未启用行政审批专用章的，须填写整改计划及措施。"
    if errors:
        raise ValidationError(errors)
    seal.full_clean()
    seal.save()
    return seal


@transaction.atomic
def enquiry_record(
    *,
    acting_user: User,
    question: str,
    outcome: str,
    item: Item | None = None,
    guided_to: WindowPost | None = None,
    asker: str = "",
) -> Enquiry:
    """首问负责: the signed-in window person records who asked what, and where it went."""
    staff: Staff | None = getattr(acting_user, "staff", None)
    if staff is None or not staff.active:
        raise PermissionDenied("只有在岗的窗口工作人员可以登记首问记录。")
    if outcome == Enquiry.Outcome.GUIDED and guided_to is None:
        raise ValidationError({"guided_to": "引导至其他窗口的，请选择窗口。"})
    enquiry = Enquiry(
        staff=staff,
        asker=asker.strip(),
        item=item,
        question=question.strip(),
        outcome=outcome,
        guided_to=guided_to,
    )
    enquiry.full_clean()
    enquiry.save()
    return enquiry
