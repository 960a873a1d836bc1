"""An item's materials brought to a new list, each keeping its identity (case checklists
point at it): matched, updated in place, created, retired; never deleted."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from onewindow.catalog.models import Item, Material

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


def save_materials(
    item: Item, materials: Iterable[dict[str, Any]], *, stored: list[Material] | None = None
) -> None:
    """Bring the item's materials to the given list, keeping each material's identity: changed
    ones updated in place, new ones created, removed ones retired (never deleted: cases refer
    to them). `stored`: all its materials, retired ones too, by id (read when not given; [] for
    an item just created)."""
    if stored is None:
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
