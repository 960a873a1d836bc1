"""Applications received from the provincial platform (S6, S10): pushed to the endpoint
(cases/province_api.py) or pulled by the job (cases/province_pull.py), both through
`province_receive`, which checks them as the window's intake does and puts them in the unit's
online queue, exactly as an API application.

Idempotent by the platform's application number (`Case.province_application_id`): the same
number with the same body answers with the earlier case; with another body it is refused. A
refused application writes nothing but its refusal (ProvinceApplication, for the hall manager):
no case, no checklist, no file on disk."""

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from onewindow.cases.models import Case, CaseMaterial, Channel, ProvinceApplication
from onewindow.cases.services.core import acting_system
from onewindow.cases.services.intake import (
    _checked_upload,
    application_submit,
    check_applicant,
    max_upload_bytes,
)
from onewindow.cases.services.province_input import (
    ID_TYPES,
    KINDS,
    ProvinceApplicantIn,
    ProvinceApplicationIn,
    ProvinceFileIn,
    Refused,
    parse,
)
from onewindow.catalog import selectors as catalog_selectors
from onewindow.catalog.models import Item, Material
from onewindow.common.validators import id_message, validate_credit_code, validate_id_number


@dataclass
class _File:
    """A material's file as read: hashed once (the digest, the stored SHA-256), type-checked."""

    upload: Any
    sha256: str
    problem: str = ""  # why it is not a file the window takes (raised when its material is)


@dataclass
class Received:
    case: Case
    created: bool  # False: the same application again, answered with the earlier case


# How a material's file is read: push gives the multipart parts, pull downloads the URL. Either
# raises Refused (file missing, too large, unreachable).
FileReader = Callable[[ProvinceFileIn], Any]

ONLINE_FORMS = {"2", "3"}  # 网上办理, 掌上办理
ONLINE_DEPTH_RECEIVE = 2  # 网上收件

ID_MESSAGES = {
    "applicant_id": "id_invalid",
    "agent_id": "agent_id_invalid",
    "phone": "phone_invalid",
}


def province_receive(*, data: Any, read_file: FileReader, source: str, via: str) -> Received:
    """Take one application from the platform: the earlier case for the same number and body,
    a new case in the unit's online queue, or Refused (recorded for the hall manager)."""
    now = timezone.now()
    try:
        app = parse(data)
    except Refused as refusal:
        if refusal.application_id:  # one the hall manager can name to the platform
            raw = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
            refusal.new = _record(
                refusal.application_id,
                hashlib.sha256(raw.encode()).hexdigest(),
                refusal,
                now,
                via=via,
                source=source,
            )
        raise
    digest = ""
    try:
        files = _read_files(app, read_file)
        digest = _digest(app, files)
        earlier = _earlier(app, digest, now)
        if earlier is not None:
            return Received(earlier, created=False)
        try:
            return Received(
                _create(app, files, source=source, digest=digest, via=via, now=now), True
            )
        except IntegrityError:
            # A concurrent delivery of the same number committed first: answer as if it came
            # second (the same case, or a refusal when its body differs).
            earlier = _earlier(app, digest, now)
            if earlier is None:
                raise
            return Received(earlier, created=False)
    except Refused as refusal:
        refusal.application_id = app.application_id
        refusal.new = _record_refusal(app, digest, via, source, refusal, now)
        raise


def _earlier(app: ProvinceApplicationIn, digest: str, now: datetime.datetime) -> Case | None:
    """The case already made for this number: None when there is none; Refused when it was made
    from another body."""
    case = Case.objects.filter(province_application_id=app.application_id).first()
    if case is None:
        return None
    same = ProvinceApplication.objects.filter(
        application_id=app.application_id, digest=digest, case=case
    ).update(attempts=F("attempts") + 1, last_at=now)
    if same:
        return case
    taken = f"办件{case.number}" if case.number else "网上申请（在窗口待受理）"
    raise Refused(
        "id_conflict",
        f"省平台申报号“{app.application_id}”已接收为{taken}，本次推送的内容与已接收的不同，"
        "不予重复接收；如需变更，请以新的申报号提交，或由申请人到窗口补正。",
    )


def _read_files(app: ProvinceApplicationIn, read_file: FileReader) -> dict[int, _File]:
    """Each material's file (by its index in the application), read, size-checked, and hashed
    once: while its type is checked when it is one the window takes."""
    limit = max_upload_bytes()
    files = {}
    for index, material in enumerate(app.materials):
        if material.file is None:
            continue
        upload = read_file(material.file)
        if upload.size > limit:
            raise Refused(
                "file_too_large",
                f"材料“{material.name}”的文件“{material.file.name}”为"
                f"{upload.size / 1048576:.1f}MB，超过上限{limit // 1048576}MB。",
            )
        try:
            files[index] = _File(upload, _checked_upload(upload))
        except ValidationError as exc:
            # Refused only if its material is on the checklist (_materials), after the item.
            files[index] = _File(upload, _sha256(upload), exc.messages[0])
        upload.seek(0)
    return files


def _sha256(upload) -> str:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    return sha.hexdigest()


def _digest(app: ProvinceApplicationIn, files: dict[int, _File]) -> str:
    """SHA-256 over the application's fields and its files' contents (not where they came from:
    the same application pushed once and pulled once has one digest)."""
    body = app.model_dump(mode="json")
    for index, material in enumerate(body["materials"]):
        read = files.get(index)
        material["file"] = (
            None if read is None else {"name": material["file"]["name"], "sha256": read.sha256}
        )
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# --- checks, then one transaction ------------------------------------------------------------


def _item(app: ProvinceApplicationIn) -> Item:
    item = catalog_selectors.item_by_implementation_code(app.item_code)
    if item is None:
        raise Refused(
            "item_unknown",
            f"本县没有实施编码或地方实施编码为“{app.item_code}”的事项，请核对事项编码"
            "（或该事项不由本县实施）。",
        )
    if item.status != Item.Status.PUBLISHED:
        raise Refused("item_unavailable", f"事项“{item.name}”未发布或已撤销，不能申请。")
    forms = set(item.handling_forms.split(","))
    if not forms & ONLINE_FORMS or item.online_depth < ONLINE_DEPTH_RECEIVE:
        raise Refused(
            "item_not_online",
            f"事项“{item.name}”未开通网上申请（办理形式不含网上办理或掌上办理，或网办深度不到"
            "网上收件），请申请人到窗口办理。",
        )
    return item


def _applicant(app: ProvinceApplicationIn) -> dict[str, Any]:
    a = app.applicant
    kind = KINDS.get(a.kind, a.kind)  # an unknown kind: check_applicant says what to choose
    if a.id_type:
        by_type = ID_TYPES.get(a.id_type)
        if by_type is None:
            raise Refused(
                "id_type",
                f"证件类型“{a.id_type}”暂不能网上接收：只接收居民身份证或统一社会信用代码，"
                "其他证件请申请人到窗口办理。",
            )
        if kind and kind != by_type:
            raise Refused(
                "id_type",
                f"证件类型“{a.id_type}”与申请人类型“{kind}”不符：自然人用居民身份证，"
                "法人或其他组织用统一社会信用代码。",
            )
        kind = by_type
    _check_numbers(kind, a)
    data = {
        "applicant_kind": kind,
        "applicant_name": a.name,
        "applicant_id": a.id_number,
        "phone": a.phone,
        "agent_name": a.agent_name,
        "agent_id": a.agent_id,
    }
    try:
        return check_applicant(data)
    except ValidationError as exc:
        errors = exc.message_dict
        field = next(iter(errors))
        code = ID_MESSAGES.get(field, "applicant_invalid")
        text = "".join(m for ms in errors.values() for m in ms)
        raise Refused(code, "申请人信息有误：" + text) from None


def _check_numbers(kind: str, a: ProvinceApplicantIn) -> None:
    """The applicant's and the agent's numbers, checked before the rest: the validators' own
    messages name the birth date or address code, and a refusal is kept in plain text, shown to
    the hall manager and answered to the platform, so it says what is wrong and no digit."""
    checks = [
        (
            "id_invalid",
            "",
            a.id_number,
            validate_credit_code if kind == Case.ApplicantKind.ORGANISATION else validate_id_number,
        )
    ]
    if a.agent_name or a.agent_id:
        checks.append(("agent_id_invalid", "代理人", a.agent_id, validate_id_number))
    for code, who, number, check in checks:
        try:
            check(number)
        except ValidationError as exc:
            raise Refused(code, f"申请人信息有误：{who}{id_message(exc)}，请核对。") from None


def _materials(
    app: ProvinceApplicationIn, item: Item, files: dict[int, _File]
) -> tuple[list[dict], dict[int, _File]]:
    """The checklist statuses as the API gives them, and the file of each catalogue material."""
    checklist = {m.name: m for m in item.materials.all()}
    given: dict[str, int] = {}
    for index, material in enumerate(app.materials):
        if material.name not in checklist:
            names = "、".join(checklist) or "（无）"
            raise Refused(
                "material_unknown",
                f"材料“{material.name}”不在事项“{item.name}”的申请材料清单中；清单为：{names}。",
            )
        if material.name in given:
            raise Refused("material_duplicate", f"材料“{material.name}”重复提交了两次。")
        given[material.name] = index
    statuses, uploads = [], {}
    for name, m in checklist.items():
        index = given.get(name)
        read = files.get(index) if index is not None else None
        if read is None:
            if _needs_file(m):
                raise Refused(
                    "material_missing",
                    f"缺少必要材料“{name}”的电子文件，网上申请须上传该材料（PDF、JPG或PNG）。",
                )
            continue  # shared by the departments or missing: _checklist says which
        if read.problem:
            code = "file_too_large" if "超过上限" in read.problem else "file_type"
            raise Refused(code, f"材料“{name}”的文件“{read.upload.name}”：{read.problem}")
        statuses.append({"material_id": m.pk, "status": CaseMaterial.Status.UPLOADED})
        uploads[m.pk] = read
    return statuses, uploads


def _needs_file(m: Material) -> bool:
    """A required material the applicant provides, unless the window may accept without it for
    now (容缺: minor materials only, decided at acceptance)."""
    return m.required and m.source != Material.Source.SHARING and not m.rongque


def _create(
    app: ProvinceApplicationIn,
    files: dict[int, _File],
    *,
    source: str,
    digest: str,
    via: str,
    now: datetime.datetime,
) -> Case:
    item = _item(app)
    applicant = _applicant(app)
    statuses, uploads = _materials(app, item, files)
    saved: list = []
    try:
        with transaction.atomic(), acting_system(source):
            case = application_submit(
                acting_user=None,
                item=item,
                channel=Channel.ONLINE,
                applicant=applicant,
                materials=statuses,
                source=source,
                province_application_id=app.application_id,
            )
            for row in case.materials.filter(material_id__in=uploads):
                read = uploads[row.material_id]
                upload = read.upload
                upload.seek(0)
                row.sha256, row.size = read.sha256, upload.size
                row.file.save(upload.name, upload, save=False)
                saved.append(row.file.name)
                row.save(update_fields=["file", "sha256", "size"])
            ProvinceApplication.objects.filter(
                application_id=app.application_id, digest=digest
            ).delete()  # an earlier refusal of this very body (the catalogue has changed since)
            ProvinceApplication.objects.create(
                application_id=app.application_id,
                digest=digest,
                via=via,
                source=source,
                case=case,
                item_code=app.item_code,
                applicant_name=app.applicant.name,
                record=_application_record(app),
                first_at=now,
                last_at=now,
            )
    except PermissionDenied as exc:
        _remove(saved)
        raise Refused("not_allowed", str(exc)) from None
    except ValidationError as exc:
        _remove(saved)
        raise Refused("invalid", "申请未能接收：" + "".join(exc.messages)) from None
    except BaseException:
        _remove(saved)
        raise
    return case


def _remove(names: list[str]) -> None:
    """Files written for a case whose transaction rolled back: nothing of it may stay on disk."""
    for name in names:
        default_storage.delete(name)


def _application_record(app: ProvinceApplicationIn) -> dict[str, Any]:
    """The 6.2 items the case row has no column for (kept encrypted on the receipt)."""
    a = app.applicant
    return {
        "declared_via": app.declared_via,
        "applied_at": app.applied_at.isoformat() if app.applied_at else "",
        "region": app.region,
        "id_type": a.id_type,
        "address": a.address,
        "postcode": a.postcode,
        "legal_representative": a.legal_representative,
        "materials": [
            {"name": m.name, "received": m.received, "how": m.how, "count": m.count}
            for m in app.materials
        ],
    }


def _record_refusal(
    app: ProvinceApplicationIn,
    digest: str,
    via: str,
    source: str,
    refusal: Refused,
    now: datetime.datetime,
) -> bool:
    digest = (
        digest
        or hashlib.sha256(
            json.dumps(app.model_dump(mode="json"), sort_keys=True).encode()
        ).hexdigest()
    )
    return _record(
        app.application_id,
        digest,
        refusal,
        now,
        via=via,
        source=source,
        item_code=app.item_code,
        applicant_name=app.applicant.name,
    )


def _record(
    application_id: str, digest: str, refusal: Refused, now: datetime.datetime, **fields
) -> bool:
    """One row per number and body; the same refused body again counts one more attempt.
    True when this refusal is new (its row was made now)."""
    values = {**fields, "code": refusal.code, "reason": refusal.message[:300], "last_at": now}
    try:
        return _record_once(application_id, digest, values, now)
    except IntegrityError:
        # The same body delivered at the same moment: with no row yet there was nothing to lock,
        # and the other delivery's insert committed first. Its row exists now: one more attempt.
        return _record_once(application_id, digest, values, now)


def _record_once(application_id: str, digest: str, values: dict, now: datetime.datetime) -> bool:
    with transaction.atomic():  # a savepoint inside a caller's transaction: retried cleanly
        row = (
            ProvinceApplication.objects.select_for_update()
            .filter(application_id=application_id, digest=digest)
            .first()
        )
        if row is None:
            ProvinceApplication.objects.create(
                application_id=application_id, digest=digest, first_at=now, **values
            )
            return True
        if row.case_id is None:
            for key, value in values.items():
                setattr(row, key, value)
            row.attempts += 1
            row.save()
        return False


def refused_list(limit: int = 200):
    """The latest refused provincial applications (the hall manager's page), each with the case
    its number became when the platform sent it again and it was taken (`later_case_id`,
    `later_case_number`, `later_at`; None while it was not): one query."""
    later = Case.objects.filter(province_application_id=OuterRef("application_id"))
    return (
        ProvinceApplication.objects.filter(case__isnull=True)
        .annotate(
            later_case_id=Subquery(later.values("pk")[:1]),
            later_case_number=Subquery(later.values("number")[:1]),
            later_at=Subquery(later.values("created_at")[:1]),
        )
        .order_by("-last_at", "-id")[:limit]
    )
