"""Arrival (S6): the applicant checked, the case row with its checklist and first event;
electronic materials attached, checked by content and size."""

import datetime
import hashlib
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from onewindow.cases.models import (
    Case,
    CaseMaterial,
    Channel,
    CombinedCase,
)
from onewindow.cases.permissions import Actor
from onewindow.cases.services.core import (
    _event,
    _report,
    _today,
    move,
)
from onewindow.catalog.models import Item
from onewindow.common import limits, rows
from onewindow.common.validators import (
    normalize_credit_code,
    normalize_id_number,
    validate_credit_code,
    validate_id_number,
)
from onewindow.documents.files import sniff
from onewindow.org.models import User

_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


# --- arrival ------------------------------------------------------------------------------


def check_applicant(data: dict[str, Any]) -> dict[str, Any]:
    errors = {}
    for key, label in (("applicant_name", "申请人"), ("agent_name", "代理人")):
        limit = Case._meta.get_field(key).max_length
        if limits.too_long(data.get(key), limit):
            errors[key] = limits.MESSAGE % {"label": label, "limit": limit, "n": len(data[key])}
    if errors:
        raise ValidationError(errors)
    kind = data.get("applicant_kind")
    if kind not in Case.ApplicantKind.values:
        errors["applicant_kind"] = "请选择申请人类型：自然人或法人。"
    if not str(data.get("applicant_name", "")).strip():
        errors["applicant_name"] = "请填写申请人姓名或名称。"
    raw = str(data.get("applicant_id", ""))
    try:
        if kind == Case.ApplicantKind.ORGANISATION:
            validate_credit_code(raw)
            data["applicant_id"] = normalize_credit_code(raw)
        else:
            validate_id_number(raw)
            data["applicant_id"] = normalize_id_number(raw)
    except ValidationError as exc:
        errors["applicant_id"] = exc.messages[0]
    phone = str(data.get("phone", "")).replace(" ", "")
    if not _PHONE.match(phone):
        errors["phone"] = "联系电话应为11位手机号码或带区号的固定电话，如0737-8822000。"
    data["phone"] = phone
    if data.get("agent_name") or data.get("agent_id"):
        try:
            validate_id_number(str(data.get("agent_id", "")))
            data["agent_id"] = normalize_id_number(str(data["agent_id"]))
        except ValidationError as exc:
            errors["agent_id"] = "代理人" + exc.messages[0]
        if not str(data.get("agent_name", "")).strip():
            errors["agent_name"] = "请填写代理人姓名。"
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def application_submit(
    *,
    acting_user: User | None,
    item: Item,
    channel: str,
    applicant: dict[str, Any],
    materials: Iterable[dict[str, Any]] = (),
    source: str = "",
    client_key: str = "",
    province_application_id: str = "",
    day: datetime.date | None = None,
) -> Case:
    """An application arrives (S6). At a window the clerk enters it; online ones wait in the
    unit's acceptance queue. Idempotent by (source, client_key); one received from the
    provincial platform carries its number (services.province checks it is new)."""
    day = day or _today()
    if client_key:
        existing = Case.objects.filter(source=source, client_key=client_key).first()
        if existing is not None:
            return existing
    if item.status != Item.Status.PUBLISHED:
        raise ValidationError({"item": f"“{item.name}”未发布或已撤销，不能申请。"})
    if channel == Channel.WINDOW and not Actor(acting_user, day).hall_posts(item.unit_id):
        raise PermissionDenied(f"只有服务{item.unit}的窗口工作人员可以在窗口收件。")
    data = check_applicant(dict(applicant))
    return create_case(
        acting_user,
        item,
        channel,
        data,
        day,
        materials,
        source=source,
        client_key=client_key,
        province_application_id=province_application_id,
    )


APPLICANT_FIELDS = (
    "applicant_kind",
    "applicant_name",
    "applicant_id",
    "phone",
    "agent_name",
    "agent_id",
)


def create_case(
    acting_user: User | None,
    item: Item,
    channel: str,
    data: dict[str, Any],
    day: datetime.date,
    materials: Iterable[dict[str, Any]],
    *,
    source: str = "",
    client_key: str = "",
    province_application_id: str = "",
    parent: CombinedCase | None = None,
    stage: int = 1,
) -> Case:
    """The row, its checklist and its first event; the applicant was checked by the caller."""
    case = Case(
        item=item,
        unit_id=item.unit_id,
        channel=channel,
        source=source,
        client_key=client_key,
        province_application_id=province_application_id,
        received_on=day,
        parent=parent,
        stage=stage,
        **{k: data.get(k, "") for k in APPLICANT_FIELDS},
    )
    # Field rules only: the applicant was checked above, item and unit are objects in hand, and
    # the client-key constraint is the database's (caught below).
    case.clean_fields(exclude=["applicant_id_digest", "number", "item", "unit", "parent"])
    case.set_digest()
    if client_key:
        try:
            with transaction.atomic():
                rows.insert(case)
        except IntegrityError:
            return Case.objects.get(source=source, client_key=client_key)  # a concurrent twin
    else:
        rows.insert(case)  # nothing unique to collide with: no savepoint needed
    _checklist(case, item, {m.get("material_id"): m for m in materials})
    event = _event(case, acting_user, channel, "submit", "", {"item": item.code})
    rows.insert(event)
    rows.update_columns(case, ["events_seq", "last_digest", "seal"])
    _report(case, event)
    return case


def _checklist(case: Case, item: Item, given: dict) -> None:
    """One row per catalogue material: as given, shared when the catalogue says so, else missing."""
    checklist = []
    for m in item.materials.all():
        got = given.get(m.pk, {})
        status = got.get("status") or (
            CaseMaterial.Status.SHARED if m.source == "sharing" else CaseMaterial.Status.MISSING
        )
        if status not in CaseMaterial.Status.values:
            raise ValidationError({"materials": f"材料“{m.name}”的状态无效。"})
        checklist.append(CaseMaterial(case=case, material=m, name=m.name, status=status))
    rows.insert_many(checklist)


# --- materials ----------------------------------------------------------------------------

# The type is read from the content (documents.files.sniff), never the name.
EXTENSIONS = {"pdf": {"pdf"}, "jpg": {"jpg", "jpeg"}, "png": {"png"}}


def max_upload_bytes() -> int:
    return getattr(settings, "CASE_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)


def checked_upload(upload) -> str:
    """PDF, JPG or PNG by content (the name must agree), within the size limit; its SHA-256."""
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            {"file": f"文件大小为{upload.size / 1048576:.1f}MB，超过上限{limit // 1048576}MB。"}
        )
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if kind is None:
        raise ValidationError({"file": "只接受PDF、JPG或PNG文件；该文件的内容不是这几种格式。"})
    if ext not in EXTENSIONS[kind]:
        raise ValidationError(
            {"file": f"文件名为“.{ext}”，但内容是{kind.upper()}文件，请核对后重新上传。"}
        )
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    return sha.hexdigest()


_checked_upload = checked_upload  # the name the other intake paths import


def checklist_files_store(*, case: Case, files: dict[int, Any], notes: dict[int, str]) -> None:
    """Files and notes of a case created in this transaction (an online application): `files`
    maps a material id to (name, file, sha256, size), checked by `checked_upload` when it was
    uploaded; the row becomes 已上传电子材料. `notes` maps a material id to the applicant's note
    (到窗口时提交纸质材料). No event: the submit event is the application with these files."""
    for row in case.materials.filter(material_id__in=[*files, *notes]):
        fields = []
        if row.material_id in files:
            name, content, digest, size = files[row.material_id]
            row.sha256, row.size, row.status = digest, size, CaseMaterial.Status.UPLOADED
            row.file.save(name, content, save=False)
            fields += ["sha256", "size", "status", "file"]
        if notes.get(row.material_id):
            row.note = notes[row.material_id][: CaseMaterial._meta.get_field("note").max_length]
            fields.append("note")
        row.save(update_fields=fields)


def case_attach(
    *, acting_user: User, case: Case, material_id: int, upload, expected_version=None, day=None
) -> Case:
    """An electronic material: PDF, JPG or PNG, checked by content, size-limited, SHA-256 kept."""
    digest = _checked_upload(upload)

    def apply(c: Case, today: datetime.date) -> None:
        row = c.materials.filter(pk=material_id).first()
        if row is None:
            raise ValidationError({"material": "该材料不属于本办件。"})
        row.sha256, row.size = digest, upload.size
        upload.seek(0)
        row.file.save(upload.name, upload, save=False)
        row.status = CaseMaterial.Status.UPLOADED
        if row.rongque and row.received_at is None:
            row.received_at = timezone.now()  # a 容缺 material brought as a file
        row.save()

    return move(
        acting_user=acting_user,
        case=case,
        action="attach",
        details={"material": material_id, "sha256": digest, "size": upload.size},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )
