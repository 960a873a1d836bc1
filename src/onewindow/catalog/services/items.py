"""Creating, editing and publishing items. Each write validates fully (bad input saves
nothing) and records a version of the item in the same transaction."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects

from onewindow.catalog import elements
from onewindow.catalog.codes import APPLICATION_BASED, implementation_code
from onewindow.catalog.models import Item, ItemVersion, LifeEvent
from onewindow.catalog.search import set_keys
from onewindow.catalog.services.materials import save_materials
from onewindow.catalog.services.permissions import can_edit_item, can_govern_catalogue, require
from onewindow.org.models import Unit, User

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


def _derive(item: Item) -> None:
    """Search keys from the name; the implementation code from the unit's codes when blank."""
    set_keys(item, item.name)
    if not item.implementation_code and item.unit_id and item.level and item.basic_code:
        item.implementation_code = implementation_code(
            credit_code=item.unit.credit_code, level=item.level, basic_code=item.basic_code
        )


def loaded_item(item_id: int, *, lock: bool = False) -> Item:
    """The item with what its snapshot reads: unit, parent, life events, materials. `lock`
    locks its row (not the unit's nor the parent's) until the transaction ends."""
    items = Item.objects.select_related("unit", "parent")
    if lock:
        items = items.select_for_update(of=("self",))
    return items.prefetch_related("life_events", "materials").get(pk=item_id)


def without_prefetched(item: Item) -> Item:
    """The item its service hands back reads its relations from the database again, as one
    read without prefetching would (a later write may change them)."""
    item._prefetched_objects_cache = {}
    return item


def next_version(
    item: Item, *, before: dict | None, after: dict, note: str = ""
) -> dict[str, Any] | None:
    """The changes the item's next version records, with `item.version` moved on to its number
    (in memory: the caller saves it); None, and the number left, when nothing changed and there
    is no note. `before` None is a new item, whose first version is the 1 it was saved with.

    `item` is the row the caller locked (select_for_update): its `version` is the number of its
    last version. Every writer of versions keeps it so (these services and the importer), so
    the number needs no read of the versions."""
    if before is None:
        return {}
    changes: dict[str, Any] = elements.diff(before, after)
    if not changes and not note:
        return None
    if note:
        changes["_note"] = note
    item.version += 1
    return changes


def write_version(
    item: Item, *, actor: User | None, action: str, changes: dict[str, Any], snapshot: dict
) -> ItemVersion:
    return ItemVersion.objects.create(
        item=item,
        number=item.version,
        actor=actor,
        action=action,
        changes=changes,
        snapshot=snapshot,
    )


def record_version(
    *, item: Item, actor: User | None, action: str, before: dict | None, note: str = ""
) -> ItemVersion | None:
    """Write the version row when something changed, for an item already saved: its snapshot
    is read again, and the new number set in an UPDATE of its own. Returns None when nothing
    changed."""
    after = elements.snapshot(loaded_item(item.pk))
    changes = next_version(item, before=before, after=after, note=note)
    if changes is None:
        return None
    Item.objects.filter(pk=item.pk).update(version=item.version)
    return write_version(item, actor=actor, action=action, changes=changes, snapshot=after)


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
    require(can_edit_item(acting_user, unit=unit), "您无权为该单位新增事项。")
    item = Item(unit=unit, **{k: v for k, v in data.items() if k in ITEM_EDITABLE})
    _derive(item)
    item.full_clean()
    item.save()  # with version 1, the number of the version below
    events = list(life_events)
    if events:
        item.life_events.add(*events)
    save_materials(item, materials, stored=[])
    # The row as saved, the unit and parent it was given; its relations read as written.
    prefetch_related_objects([item], "life_events", "materials")
    after = elements.snapshot(item)
    changes = next_version(item, before=None, after=after)
    write_version(item, actor=acting_user, action="新增", changes=changes, snapshot=after)
    return without_prefetched(item)


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
    require(can_edit_item(acting_user, item), "您无权修改该事项。")
    materials = list(materials) if materials is not None else None
    item = loaded_item(item.pk, lock=True)
    before = elements.snapshot(item)
    if item.implementation_code and "basic_code" in data and not (data["basic_code"] or "").strip():
        # Its guide's URL and QR, its cases and the province know it by that code.
        raise ValidationError(
            {"basic_code": [f"本事项已有实施编码“{item.implementation_code}”，不能清空基本编码。"]}
        )
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
        save_materials(item, materials)
    record_version(item=item, actor=acting_user, action="修改", before=before)
    return without_prefetched(item)


@transaction.atomic
def item_publish(*, acting_user: User, item: Item) -> Item:
    """Draft → published (in the provincial library, so the online hall)."""
    require(can_govern_catalogue(acting_user), "只有审改办可以发布事项。")
    item = loaded_item(item.pk, lock=True)
    if item.status != Item.Status.DRAFT:
        raise ValidationError(f"事项当前为“{item.get_status_display()}”，只有草稿可以发布。")
    problems = publish_problems(item)
    if problems:
        raise ValidationError([message for _field, message in problems])
    before = elements.snapshot(item)
    item.status = Item.Status.PUBLISHED
    item.online_hall = True
    after = elements.snapshot(item)  # what the UPDATE below writes; relations untouched
    changes = next_version(item, before=before, after=after)  # the status, at least
    item.save(update_fields=["status", "online_hall", "version", "updated_at"])
    write_version(item, actor=acting_user, action="发布", changes=changes, snapshot=after)
    return without_prefetched(item)
