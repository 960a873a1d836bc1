"""Online applications (网上申请): every write of a draft, and its submission as a case through
the cases services (one transaction: a failed submission leaves the draft as it was)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from onewindow.accounts import identities
from onewindow.accounts.identities import Identity
from onewindow.cases.models import PORTAL_SOURCE, Case, CaseMaterial, Channel, CombinedCase
from onewindow.cases.services import application_submit, check_applicant
from onewindow.cases.services.combined import combined_submit
from onewindow.cases.services.intake import checked_upload, checklist_files_store
from onewindow.cases.services.province import ONLINE_DEPTH_RECEIVE, ONLINE_FORMS
from onewindow.catalog.models import CombinedService, Item, Material
from onewindow.catalog.selectors import merged_materials
from onewindow.common import crypto, limits
from onewindow.common.validators import (
    normalize_credit_code,
    normalize_id_number,
    validate_id_number,
)
from onewindow.documents.files import sniff
from onewindow.org.models import User
from onewindow.org.permissions import allows
from onewindow.portal.models import Commitment, Draft, DraftFile

SOURCE = PORTAL_SOURCE  # Case.source of an application made on these pages
STALE = "该草稿已在其他设备上修改，请刷新后再保存。"
WITHDRAWN = "该事项已被撤销或停止网上办理，不能提交。"
PAPER = "paper"  # a material's choice: 到窗口时提交纸质材料
PAPER_NOTE = "申请人选择到窗口时提交纸质材料"
MAIL_KEYS = (("recipient", "收件人", 50), ("phone", "收件人电话", 20), ("address", "收件地址", 200))


# --- what may be applied for online ---------------------------------------------------------


def item_offline_reason(item: Item) -> str:
    """Why the item cannot be applied for online ('' when it can): it must be published, offer
    网上办理 or 掌上办理 and reach 网上收件 depth, the rule the provincial platform's intake
    checks (cases.services.province)."""
    if item.status != Item.Status.PUBLISHED:
        return "该事项未发布或已撤销，不能在网上申请。"
    forms = set(item.handling_forms.split(","))
    if not forms & ONLINE_FORMS or item.online_depth < ONLINE_DEPTH_RECEIVE:
        return "该事项暂未开通网上申请，请携带申请材料到办事大厅窗口办理。"
    return ""


def service_offline_reason(service: CombinedService) -> str:
    if service.status != CombinedService.Status.PUBLISHED:
        return "该一件事未发布，不能在网上申请。"
    for member in service.members.all():
        if item_offline_reason(member.item):
            return f"所含事项“{member.item.name}”暂未开通网上申请，请到综合受理窗口办理。"
    return ""


def commitment_text(draft: Draft) -> str:
    """The 告知承诺 text the applicant accepts ('' when no item of the draft is 告知承诺制): the
    item's, or every member item's of a 一件事."""
    if draft.item_id:
        rows = Commitment.objects.filter(item_id=draft.item_id)
    else:
        rows = Commitment.objects.filter(item__combined_services=draft.service_id)
    return "\n\n".join(rows.values_list("text", flat=True))


# --- who the applicant may be ---------------------------------------------------------------


def acting_for(user: User) -> list[Identity]:
    """The identities the account may apply as: its own, then the organisations it acts for."""
    return identities.acting_for(user)


def organisations(user: User) -> list:
    return [i for i in acting_for(user) if i.kind == "organisation"]


def known_number(identity: Identity | None) -> str:
    """The identity's number when the account holds it (else the applicant types it)."""
    return identity.number if identity is not None else ""


# --- writes ----------------------------------------------------------------------------------


def _require_applicant(user: User) -> None:
    if not allows(user, "portal.apply"):
        raise PermissionDenied("只有申请人账号可以在网上申请。")


def _require_owner(user: User, draft: Draft) -> None:
    # The pages find drafts through the owner's selector (404 otherwise); a service called from
    # anywhere else still writes only the caller's own draft.
    if draft.owner_id != user.pk:
        raise PermissionDenied("只能修改您自己的申请草稿。")


@transaction.atomic
def draft_create(
    *, acting_user: User, item: Item | None = None, service: CombinedService | None = None
) -> Draft:
    """A new draft for an item or a 一件事 that can be applied for online now."""
    _require_applicant(acting_user)
    reason = item_offline_reason(item) if item else service_offline_reason(service)
    if reason:
        raise ValidationError(reason)
    return Draft.objects.create(owner=acting_user, item=item, service=service)


def _text(data: dict, key: str, label: str, limit: int) -> str:
    value = str(data.get(key, "")).strip()
    if limits.too_long(value, limit):
        raise ValidationError(
            {key: limits.MESSAGE % {"label": label, "limit": limit, "n": len(value)}}
        )
    return value


@transaction.atomic
def draft_save(*, acting_user: User, draft: Draft, data: dict[str, Any], version: int) -> Draft:
    """Save what the form holds, whatever is still missing (checked at submission); refused
    with STALE when another device saved since `version` was read."""
    _require_owner(acting_user, draft)
    if draft.submitted:
        raise ValidationError("该申请已提交，不能再修改草稿。")
    fields: dict[str, Any] = {
        "applicant_as": data.get("applicant_as") or Draft.As.SELF,
        "organisation_digest": _text(data, "organisation", "所代表单位", 64),
        "own_id": _text(data, "own_id", "本人身份证号码", 18).upper(),
        "other_name": _text(data, "other_name", "申请人姓名或名称", limits.NAME),
        "other_id": _text(data, "other_id", "申请人证件号码", 18).upper(),
        "phone": _text(data, "phone", "联系电话", 20),
        "delivery": data.get("delivery") or Draft.Delivery.COLLECT,
        "mail": {k: _text(data, f"mail_{k}", label, n) for k, label, n in MAIL_KEYS},
        "commitment_accepted": bool(data.get("commitment")),
        "choices": {
            str(key): PAPER for key in _material_ids(draft) if data.get(f"m{key}") == PAPER
        },
    }
    if fields["applicant_as"] not in Draft.As.values:
        raise ValidationError({"applicant_as": "请选择本人申请、为单位申请或代他人申请。"})
    if fields["delivery"] not in Draft.Delivery.values:
        raise ValidationError({"delivery": "请选择到窗口领取或邮寄送达。"})
    updated = Draft.objects.filter(pk=draft.pk, version=version, submitted_at__isnull=True).update(
        **fields, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(STALE)
    draft.refresh_from_db()
    return draft


def _material_ids(draft: Draft) -> list[int]:
    return [line.key for line in checklist(draft)]


@transaction.atomic
def draft_upload(*, acting_user: User, draft: Draft, material_id: int, upload) -> DraftFile:
    """A material's file (PDF, JPG or PNG by content, size-limited): replaces the one before.
    Files are per material and shown at once, so they do not move the form's version."""
    _require_owner(acting_user, draft)
    if draft.submitted:
        raise ValidationError("该申请已提交，不能再上传材料。")
    line = next((line for line in checklist(draft) if line.key == material_id), None)
    if line is None:
        raise ValidationError({"file": "该材料不在本事项的材料清单中。"})
    if line.shared:
        raise ValidationError({"file": f"“{line.name}”由政府部门共享获取，无需上传。"})
    digest = checked_upload(upload)
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    old = DraftFile.objects.filter(draft=draft, material_id=material_id).first()
    if old is not None:
        _remove_on_commit(old.file)
        old.delete()
    row = DraftFile(
        draft=draft,
        material_id=material_id,
        original_name=upload.name[-200:],
        sha256=digest,
        size=upload.size,
        uploaded_at=timezone.now(),
    )
    row.file.save(kind, upload, save=False)
    row.save()
    choices = dict(draft.choices)
    if choices.pop(str(material_id), None):
        Draft.objects.filter(pk=draft.pk).update(choices=choices)
    return row


@transaction.atomic
def draft_file_remove(*, acting_user: User, draft: Draft, material_id: int) -> None:
    _require_owner(acting_user, draft)
    if draft.submitted:
        raise ValidationError("该申请已提交，不能再删除材料。")
    old = DraftFile.objects.filter(draft=draft, material_id=material_id).first()
    if old is not None:
        _remove_on_commit(old.file)
        old.delete()


@transaction.atomic
def draft_delete(*, acting_user: User, draft: Draft) -> None:
    """An unsubmitted draft and its files (a submitted one stays: it links to its case)."""
    _require_owner(acting_user, draft)
    if draft.submitted:
        raise ValidationError("已提交的申请不能删除；如需撤回，请在“我的办事”中申请撤回。")
    for row in draft.files.all():
        _remove_on_commit(row.file)
    draft.delete()


def _remove_on_commit(field) -> None:
    name, storage = field.name, field.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- the checklist -----------------------------------------------------------------------------


@dataclass
class Line:
    """One material of the form: an item's material, or one line of a 一件事's merged list (keyed
    by its first material)."""

    key: int
    name: str
    required: bool
    shared: bool
    sharing_unit: str
    materials: list[Material]
    note: str = ""
    file: DraftFile | None = None
    choice: str = ""  # "paper" or ""


def checklist(draft: Draft) -> list[Line]:
    if draft.item_id:
        return [
            Line(
                key=m.pk,
                name=m.name,
                required=m.required,
                shared=m.source == Material.Source.SHARING,
                sharing_unit=m.sharing_unit,
                materials=[m],
                note=m.standard,
            )
            for m in draft.item.materials.all()
        ]
    return [
        Line(
            key=line.materials[0].pk,
            name=line.name,
            required=line.required,
            shared=all(m.source == Material.Source.SHARING for m in line.materials),
            sharing_unit="、".join(dict.fromkeys(m.sharing_unit for m in line.materials)),
            materials=line.materials,
            note="、".join(line.item_names),
        )
        for line in merged_materials(draft.service)
    ]


def checklist_with_files(draft: Draft) -> list[Line]:
    files = {f.material_id: f for f in draft.files.all()}
    lines = checklist(draft)
    for line in lines:
        line.file = files.get(line.key)
        line.choice = draft.choices.get(str(line.key), "")
    return lines


# --- submission ------------------------------------------------------------------------------


def _own_number(user: User, draft: Draft, errors: dict) -> str:
    number = known_number(next(iter(acting_for(user)), None)) or draft.own_id
    if not number:
        errors["own_id"] = "请填写本人身份证号码（须与账号实名认证的证件一致）。"
        return ""
    try:
        validate_id_number(number)
    except ValidationError as exc:
        errors["own_id"] = "本人" + exc.messages[0]
        return ""
    if crypto.digest(normalize_id_number(number)) != user.identity_digest:
        errors["own_id"] = (
            "本人身份证号码与账号实名认证的证件不一致，请核对；他人的证件不能以本人名义申请。"
        )
        return ""
    return normalize_id_number(number)


def applicant_of(user: User, draft: Draft) -> dict[str, Any]:
    """The case's applicant from the draft: self is always the account's verified identity; an
    organisation only one the account may act for; an agent is the account holder."""
    errors: dict[str, str] = {}
    if not user.identity_digest:
        raise ValidationError("您的账号尚未完成实名认证，不能在网上申请。")
    own = _own_number(user, draft, errors)
    me = next(iter(acting_for(user)), None)
    name = me.name if me is not None else str(user)
    data: dict[str, Any] = {"phone": draft.phone}
    if draft.applicant_as == Draft.As.SELF:
        data.update(applicant_kind="person", applicant_name=name, applicant_id=own)
    elif draft.applicant_as == Draft.As.ORGANISATION:
        org = next((o for o in organisations(user) if o.digest == draft.organisation_digest), None)
        if org is None:
            errors["organisation"] = "请选择您有权代表的单位。"
        else:
            code = known_number(org) or draft.other_id
            if crypto.digest(normalize_credit_code(code)) != org.digest:
                errors["other_id"] = f"统一社会信用代码与“{org.name}”不一致，请核对。"
            data.update(applicant_kind="organisation", applicant_name=org.name, applicant_id=code)
            data.update(agent_name=name, agent_id=own)
    else:
        data.update(
            applicant_kind="person",
            applicant_name=draft.other_name,
            applicant_id=draft.other_id,
            agent_name=name,
            agent_id=own,
        )
        if (
            draft.other_id
            and crypto.digest(normalize_id_number(draft.other_id)) == user.identity_digest
        ):
            errors["other_id"] = "代他人申请时，被代理人不能是您本人；本人申请请选择“本人申请”。"
    try:
        data = check_applicant(data)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            field = {
                "applicant_name": "other_name",
                "applicant_id": "other_id",
                "agent_id": "own_id",
            }
            errors.setdefault(field.get(key, key), messages[0])
    if errors:
        raise ValidationError(errors)
    return data


def _check(draft: Draft, lines: list[Line], errors: dict) -> None:
    for line in lines:
        if line.required and not (line.shared or line.file or line.choice == PAPER):
            errors[f"m{line.key}"] = f"请上传“{line.name}”，或选择到窗口时提交纸质材料。"
    if commitment_text(draft) and not draft.commitment_accepted:
        errors["commitment"] = "请阅读告知承诺书，勾选同意后再提交。"
    if draft.delivery == Draft.Delivery.MAIL:
        missing = [label for key, label, _ in MAIL_KEYS if not draft.mail.get(key)]
        if missing:
            errors["mail"] = f"邮寄送达请填写{'、'.join(missing)}。"


def delivery_wish(draft: Draft) -> dict[str, str]:
    """The applicant's delivery choice as the case keeps it (Case.delivery_wish)."""
    if draft.delivery != Draft.Delivery.MAIL:
        return {"mode": Case.DeliveryMode.COLLECT}
    mail = draft.mail or {}
    return {"mode": Case.DeliveryMode.MAIL, **{k: mail.get(k, "") for k, _, _ in MAIL_KEYS}}


def draft_submit(*, acting_user: User, draft: Draft, version: int) -> Case | CombinedCase:
    """Submit the draft: everything checked first, then one transaction creates the case (or
    the 一件事) with its files, waiting in the window's online queue like an API application,
    and marks the draft submitted. Submitting twice gives the one case."""
    _require_owner(acting_user, draft)
    draft = Draft.objects.select_related("item", "service").get(pk=draft.pk)
    if draft.submitted:
        return draft.submitted_case or draft.submitted_combined
    if draft.version != version:
        raise ValidationError(STALE)
    reason = (
        item_offline_reason(draft.item) if draft.item_id else service_offline_reason(draft.service)
    )
    if reason:
        raise ValidationError(WITHDRAWN)
    lines = checklist_with_files(draft)
    errors: dict[str, str] = {}
    try:
        applicant = applicant_of(acting_user, draft)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        applicant = {}
    _check(draft, lines, errors)
    if errors:
        raise ValidationError(errors)
    return _create(acting_user, draft, lines, applicant, version)


@transaction.atomic
def _create(acting_user: User, draft: Draft, lines: list[Line], applicant: dict, version: int):
    day: datetime.date = timezone.localdate()
    key = f"draft-{draft.pk}"
    locked = Draft.objects.select_for_update().get(pk=draft.pk)
    if locked.submitted:  # a second click that waited for the first
        return locked.submitted_case or locked.submitted_combined
    files = {}
    for line in lines:
        if line.file is not None:
            f = line.file
            for m in line.materials:
                files[m.pk] = (
                    f"material{m.pk}.{f.file.name.rsplit('.', 1)[-1]}",
                    f.file,
                    f.sha256,
                    f.size,
                )
    notes = {
        m.pk: PAPER_NOTE
        for line in lines
        if line.choice == PAPER and not line.file
        for m in line.materials
    }
    if draft.item_id:
        made = application_submit(
            acting_user=acting_user,
            item=draft.item,
            channel=Channel.ONLINE,
            applicant=applicant,
            materials=[{"material_id": m, "status": CaseMaterial.Status.UPLOADED} for m in files],
            source=SOURCE,
            client_key=key,
            day=day,
        )
        children = [made]
        link = {"submitted_case": made}
    else:
        statuses = {}
        for line in lines:
            if line.file is not None:
                statuses[line.name] = CaseMaterial.Status.UPLOADED
            elif line.shared:
                statuses[line.name] = CaseMaterial.Status.SHARED
        made = combined_submit(
            acting_user=acting_user,
            service=draft.service,
            channel=Channel.ONLINE,
            applicant=applicant,
            materials=statuses,
            source=SOURCE,
            client_key=key,
            day=day,
        )
        children = list(made.children.all())
        link = {"submitted_combined": made}
    for case in children:
        checklist_files_store(case=case, files=files, notes=notes)
    # Who filed it (an unverified account reaches only its own filings) and the delivery wish
    # the clerk reads on the case page and starts the 送达 form from.
    Case.objects.filter(pk__in=[c.pk for c in children]).update(
        filed_by=acting_user, delivery_wish=delivery_wish(draft)
    )
    for case in children:
        case.filed_by, case.delivery_wish = acting_user, delivery_wish(draft)
    done = Draft.objects.filter(pk=draft.pk, version=version, submitted_at__isnull=True).update(
        submitted_at=timezone.now(), version=F("version") + 1, **link
    )
    if not done:
        raise ValidationError(STALE)  # rolls the case back: the other device's save stands
    return made
