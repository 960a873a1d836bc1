"""Every write to the catalogue. Each validates fully (bad input saves nothing) and records a
version of the item in the same transaction."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from onewindow.catalog import elements
from onewindow.catalog.codes import APPLICATION_BASED, implementation_code
from onewindow.catalog.models import (
    JOINT_STATUTORY_LIMIT,
    CombinedMember,
    CombinedService,
    HallApproval,
    Item,
    ItemVersion,
    LifeEvent,
    Material,
    slowest_path,
)
from onewindow.catalog.search import pinyin_keys
from onewindow.org.models import Unit, User
from onewindow.org.roles import RoleCode
from onewindow.org.selectors import user_unit_id

HALL_FIELDS = [
    "online_hall",
    "hall_status",
    "exempt_reason",
    "exempt_note",
    "exempt_doc_no",
    "exempt_date",
    "supervised",
]
# Fields a caller may set on an item; codes that identify it are set on creation only.
ITEM_EDITABLE = [
    f for f in elements.ITEM_FIELDS if f not in {"implementation_code", "status", *HALL_FIELDS}
] + ["parent"]


# --- permissions --------------------------------------------------------------------------


def can_edit_item(user: User, item: Item | None = None, unit: Unit | None = None) -> bool:
    """The reform office edits every unit's items; a window supervisor edits their own unit's."""
    if user.has_role(RoleCode.REFORM_OFFICE, RoleCode.SYSADMIN):
        return True
    unit_id = item.unit_id if item is not None else (unit.pk if unit else None)
    return user.has_role(RoleCode.WINDOW_SUPERVISOR) and unit_id == user_unit_id(user)


def can_create_item(user: User) -> bool:
    if user.has_role(RoleCode.REFORM_OFFICE, RoleCode.SYSADMIN):
        return True
    return user.has_role(RoleCode.WINDOW_SUPERVISOR) and user_unit_id(user) is not None


def can_govern_catalogue(user: User) -> bool:
    """Publishing, withdrawal, hall status, import and combined services: the reform office."""
    return user.has_role(RoleCode.REFORM_OFFICE, RoleCode.SYSADMIN)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- items --------------------------------------------------------------------------------


def _derive(item: Item) -> None:
    """Search keys from the name; the implementation code from the unit's codes when blank."""
    item.pinyin, item.initials = pinyin_keys(item.name)
    if not item.implementation_code and item.unit_id and item.level and item.basic_code:
        item.implementation_code = implementation_code(
            credit_code=item.unit.credit_code, level=item.level, basic_code=item.basic_code
        )


def _loaded(item_id: int) -> Item:
    return (
        Item.objects.select_related("unit", "parent")
        .prefetch_related("life_events", "materials")
        .get(pk=item_id)
    )


def _record_version(
    *, item: Item, actor: User | None, action: str, before: dict | None, note: str = ""
) -> ItemVersion | None:
    """Write the version row when something changed. Returns None when nothing did."""
    after = elements.snapshot(_loaded(item.pk))
    changes = {} if before is None else elements.diff(before, after)
    if before is not None and not changes and not note:
        return None
    number = (item.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    if note:
        changes["_note"] = note
    Item.objects.filter(pk=item.pk).update(version=number)
    item.version = number
    return ItemVersion.objects.create(
        item=item, number=number, actor=actor, action=action, changes=changes, snapshot=after
    )


# What a material row may set; its item, id and retirement are the service's.
MATERIAL_KEYS = [
    f.name for f in Material._meta.concrete_fields if f.name not in {"id", "item", "retired_at"}
]
FILE_KEYS = ("blank_form", "sample")


def match_materials(
    stored: Iterable[Material], rows: Iterable[dict[str, Any]]
) -> tuple[list[Material], list[Material], list[str]]:
    """Each row's material, so that a material keeps its identity (case checklists point at
    it): the stored one the row names by `id`, else the stored one of the same name (a
    current one before a retired one, which comes back), else a new one. Returns the
    materials in row order with the row's values (unsaved), the current ones no row claimed
    (to retire), and the rows' errors. Keys a row leaves out (e.g. files) keep their value."""
    stored = list(stored)
    by_id = {m.pk: m for m in stored}
    rows = list(rows)
    claimed: set[int] = set()
    errors: list[str] = []
    for index, data in enumerate(rows, start=1):
        material_id = data.get("id")
        if material_id in (None, ""):
            continue
        if material_id not in by_id or material_id in claimed:
            errors.append(f"第{index}项材料不属于该事项或重复出现，请刷新页面后重新填写。")
            continue
        claimed.add(material_id)
    result = []
    for index, data in enumerate(rows, start=1):
        material = by_id.get(data.get("id")) if data.get("id") not in (None, "") else None
        if material is None:
            same_name = sorted(
                (m for m in stored if m.pk not in claimed and m.name == data.get("name")),
                key=lambda m: (m.retired_at is not None, m.pk),
            )
            material = same_name[0] if same_name else Material()
            if material.pk:
                claimed.add(material.pk)
        for key in MATERIAL_KEYS:
            if key not in data:
                continue
            value = data[key]
            if key in FILE_KEYS and value in (None, False):
                value = ""  # no file, or its clear box ticked
            setattr(material, key, value)
        material.retired_at = None
        if not material.order:
            material.order = index
        result.append(material)
    left = [m for m in stored if m.pk not in claimed and m.retired_at is None]
    return result, left, errors


def material_changed(material: Material, old: dict[str, Any]) -> bool:
    return any(str(getattr(material, k)) != str(old.get(k)) for k in [*MATERIAL_KEYS, "retired_at"])


def material_values(material: Material) -> dict[str, Any]:
    return {k: getattr(material, k) for k in [*MATERIAL_KEYS, "retired_at"]}


def _save_materials(item: Item, materials: Iterable[dict[str, Any]]) -> None:
    """Bring the item's materials to the given list, keeping each material's identity: changed
    ones updated in place, new ones created, removed ones retired (never deleted: cases refer
    to them)."""
    stored = list(Material.all_objects.filter(item=item).order_by("id"))
    before = {m.pk: material_values(m) for m in stored}
    rows, removed, errors = match_materials(stored, materials)
    for index, material in enumerate(rows, start=1):
        material.item = item
        try:
            material.full_clean(exclude=["item"])
        except ValidationError as exc:
            errors.extend(f"第{index}项材料：{m}" for m in exc.messages)
    names = [m.name for m in rows]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        errors.append(f"申请材料“{'、'.join(duplicates)}”重复，同一材料只列一次。")
    if errors:
        raise ValidationError({"materials": errors})
    now = timezone.now()
    for material in removed:
        material.retired_at = now
        material.save(update_fields=["retired_at"])
    for material in rows:
        if material.pk is None or material_changed(material, before[material.pk]):
            material.save()


def publish_problems(item: Item, *, has_materials: bool | None = None) -> list[tuple[str, str]]:
    """Why an item may not be published yet, as (field, message); empty when it may. Import
    passes `has_materials` for an item not yet saved; otherwise the stored materials count."""
    if has_materials is None:
        has_materials = item.materials.exists()
    problems = []
    if item.item_type in APPLICATION_BASED:
        if not has_materials:
            problems.append(("materials", "依申请事项必须列明申请材料。"))
        if not item.conditions.strip():
            problems.append(("conditions", "依申请事项必须填写受理条件。"))
    if not item.legal_basis.strip():
        problems.append(("legal_basis", "必须填写设定依据。"))
    if item.parent is not None and item.parent.status != Item.Status.PUBLISHED:
        problems.append(("parent", f"上级事项“{item.parent.name}”尚未发布，请先发布上级事项。"))
    return problems


@transaction.atomic
def item_create(
    *,
    acting_user: User,
    unit: Unit,
    data: dict[str, Any],
    materials: Iterable[dict[str, Any]] = (),
    life_events: Iterable[LifeEvent] = (),
) -> Item:
    """A new draft item of `unit`; the implementation code is derived from the unit's codes."""
    _require(can_edit_item(acting_user, unit=unit), "您无权为该单位新增事项。")
    item = Item(unit=unit, **{k: v for k, v in data.items() if k in ITEM_EDITABLE})
    _derive(item)
    item.full_clean()
    item.save()
    item.life_events.set(list(life_events))
    _save_materials(item, materials)
    _record_version(item=item, actor=acting_user, action="新增", before=None)
    return item


@transaction.atomic
def item_update(
    *,
    acting_user: User,
    item: Item,
    data: dict[str, Any],
    materials: Iterable[dict[str, Any]] | None = None,
    life_events: Iterable[LifeEvent] | None = None,
) -> Item:
    """Change an item's elements (not its status or hall status); a version records the diff."""
    _require(can_edit_item(acting_user, item), "您无权修改该事项。")
    materials = list(materials) if materials is not None else None
    item = Item.objects.select_for_update().get(pk=item.pk)
    before = elements.snapshot(_loaded(item.pk))
    for key, value in data.items():
        if key in ITEM_EDITABLE:
            setattr(item, key, value)
    if "basic_code" in data or "level" in data:
        item.implementation_code = ""  # derived again from the new codes
    _derive(item)
    item.full_clean()
    published = item.status == Item.Status.PUBLISHED
    if published and materials == [] and item.item_type in APPLICATION_BASED:
        raise ValidationError({"materials": ["已发布的依申请事项不能删除全部申请材料。"]})
    item.save()
    if life_events is not None:
        item.life_events.set(list(life_events))
    if materials is not None:
        _save_materials(item, materials)
    _record_version(item=item, actor=acting_user, action="修改", before=before)
    return item


@transaction.atomic
def item_publish(*, acting_user: User, item: Item) -> Item:
    """Draft → published (in the provincial library, so the online hall)."""
    _require(can_govern_catalogue(acting_user), "只有审改办可以发布事项。")
    item = Item.objects.select_for_update(of=("self",)).select_related("parent").get(pk=item.pk)
    if item.status != Item.Status.DRAFT:
        raise ValidationError(f"事项当前为“{item.get_status_display()}”，只有草稿可以发布。")
    problems = publish_problems(item)
    if problems:
        raise ValidationError([message for _field, message in problems])
    before = elements.snapshot(_loaded(item.pk))
    item.status = Item.Status.PUBLISHED
    item.online_hall = True
    item.save(update_fields=["status", "online_hall", "updated_at"])
    _record_version(item=item, actor=acting_user, action="发布", before=before)
    return item


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
    _require(can_govern_catalogue(acting_user), "只有审改办可以撤销事项。")
    item = Item.objects.select_for_update().get(pk=item.pk)
    if item.status != Item.Status.PUBLISHED:
        raise ValidationError(f"事项当前为“{item.get_status_display()}”，只有已发布事项可以撤销。")
    live_children = item.children.filter(status=Item.Status.PUBLISHED)
    if live_children.exists():
        names = "、".join(c.name for c in live_children[:3])
        raise ValidationError(f"该事项下仍有已发布的下级事项（{names}），请先撤销下级事项。")
    before = elements.snapshot(_loaded(item.pk))
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
    item.save(update_fields=["status", "online_hall", "supervised", "updated_at"])
    _record_version(
        item=item,
        actor=acting_user,
        action="撤销",
        before=before,
        note=f"批准文号：{approval.doc_no}",
    )
    return item


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
    _require(can_govern_catalogue(acting_user), "只有审改办可以调整事项的进驻情况。")
    item = Item.objects.select_for_update().get(pk=item.pk)
    before = elements.snapshot(_loaded(item.pk))
    for key in HALL_FIELDS:
        if key in data:
            setattr(item, key, data[key])
    if item.hall_status != Item.HallStatus.EXEMPT:
        item.exempt_reason, item.exempt_note, item.exempt_doc_no = "", "", ""
        item.exempt_date = None
    item.full_clean()
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
    item.save()
    _record_version(item=item, actor=acting_user, action="调整进驻", before=before, note=note)
    return item


# --- combined services (一件事) ------------------------------------------------------------


def _check_members(service: CombinedService, items: list[Item]) -> None:
    errors = []
    if len(items) < 2:
        errors.append("一件事至少包含两个事项。")
    if len({i.unit_id for i in items}) < 2:
        errors.append("一件事应由两个以上部门的事项组成（跨部门联办）。")
    if service.lead_unit_id and service.lead_unit_id not in {i.unit_id for i in items}:
        errors.append("牵头单位必须承担其中至少一个事项。")
    not_live = [i.name for i in items if i.status != Item.Status.PUBLISHED]
    if not_live and service.status == CombinedService.Status.PUBLISHED:
        errors.append(f"事项“{'、'.join(not_live)}”未发布，不能纳入已发布的一件事。")
    if errors:
        raise ValidationError({"items": errors})


def _check_promise(service: CombinedService, members: list[tuple[int, int]]) -> None:
    """The promise covers the slowest stage path: stages in sequence, a stage's members in
    parallel, so at least the sum over stages of the stage's longest promised limit."""
    longest = slowest_path(members)
    minimum = sum(longest.values())
    path = "＋".join(f"第{stage}阶段{days}个工作日" for stage, days in longest.items())
    if minimum > JOINT_STATUTORY_LIMIT:
        raise ValidationError(
            {
                "items": f"所含事项按阶段依次办理至少需要{minimum}个工作日（{path}），超过联合"
                f"办理的法定时限{JOINT_STATUTORY_LIMIT}个工作日，请调整所含事项或并联阶段。"
            }
        )
    if service.promised_limit is not None and service.promised_limit < minimum:
        raise ValidationError(
            {
                "promised_limit": f"承诺办结时限不能少于{minimum}个工作日：各阶段依次办理、同一"
                f"阶段内并联办理，所含事项至少需要{path}。请改为不少于{minimum}个工作日。"
            }
        )


def _kept_places(service: CombinedService, items: list[Item]) -> tuple[list[Item], dict[int, int]]:
    """The members in their stored order and stages, new ones after them in stage 1; stages
    renumbered 1, 2 … when a removed member leaves a stage empty."""
    before = {m.item_id: m for m in service.members.all()}
    ordered = sorted(
        items,
        key=lambda i: (0, before[i.pk].order) if i.pk in before else (1, items.index(i)),
    )
    kept = {i.pk: before[i.pk].stage if i.pk in before else 1 for i in ordered}
    renumber = {stage: n for n, stage in enumerate(sorted(set(kept.values())), start=1)}
    return ordered, {pk: renumber[stage] for pk, stage in kept.items()}


@transaction.atomic
def combined_save(
    *,
    acting_user: User,
    data: dict[str, Any],
    items: list[Item],
    life_events: Iterable[LifeEvent] = (),
    service: CombinedService | None = None,
    stages: dict[int, int] | None = None,
) -> CombinedService:
    """Create or change a combined service with its member items, in the given order. `stages`
    (item id → stage, default 1): members of one stage are approved in parallel, a later stage
    after the earlier ones. Without `stages` (the edit page, which sets neither), a member kept
    from before keeps its stage and its place; a new member comes last, in stage 1."""
    _require(can_govern_catalogue(acting_user), "只有审改办可以设置一件事。")
    service = service or CombinedService()
    for key in (
        "name",
        "lead_unit",
        "description",
        "promised_limit",
        "conditions",
        "place",
        "consult_phone",
    ):
        if key in data:
            setattr(service, key, data[key])
    service.pinyin, service.initials = pinyin_keys(service.name or "")
    service.full_clean()
    _check_members(service, items)
    if stages is None and service.pk:
        items, stages = _kept_places(service, items)
    stages = stages or {}
    used = sorted({stages.get(item.pk, 1) for item in items})
    if used and used != list(range(1, len(used) + 1)):
        raise ValidationError({"items": "并联阶段应从1开始连续编号（1、2、3……）。"})
    _check_promise(service, [(stages.get(item.pk, 1), item.promised_limit) for item in items])
    service.save()
    service.members.all().delete()
    CombinedMember.objects.bulk_create(
        CombinedMember(service=service, item=item, order=n, stage=stages.get(item.pk, 1))
        for n, item in enumerate(items, 1)
    )
    service.life_events.set(list(life_events))
    return service


@transaction.atomic
def combined_publish(*, acting_user: User, service: CombinedService) -> CombinedService:
    _require(can_govern_catalogue(acting_user), "只有审改办可以发布一件事。")
    items = list(service.items.all())
    service.status = CombinedService.Status.PUBLISHED
    _check_members(service, items)
    service.save(update_fields=["status"])
    return service
