"""Writing: the catalogue exported as XLSX (the import template, filled) or JSON, and the
checked rows of an import written in one transaction."""

import json
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from openpyxl import Workbook

from onewindow.catalog import elements
from onewindow.catalog.elements import ITEM_COLUMNS, ITEM_SHEET, MATERIAL_COLUMNS, MATERIAL_SHEET
from onewindow.catalog.models import Item, ItemVersion, Material
from onewindow.catalog.services import (
    FILE_KEYS,
    MATERIAL_KEYS,
    match_materials,
    material_changed,
    material_values,
)
from onewindow.catalog.transfer.reader import JSON_FORMAT
from onewindow.documents import xlsx

REQUIRED_FILL = "FDE8E8"  # the header of a column an import needs

# Parents before children: main and independent items, then sub-items, then the rest.
DEPTH = {Item.Relation.MAIN: 0, Item.Relation.INDEPENDENT: 0, Item.Relation.SUB: 1}


@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int
    materials: int


# --- export -------------------------------------------------------------------------------


def export_queryset(items):
    return items.select_related("unit", "parent").prefetch_related("life_events", "materials")


def records(items) -> tuple[list[dict], list[dict]]:
    """Items and materials in record form, parents before children."""
    item_rows, material_rows = [], []
    ordered = sorted(
        export_queryset(items),
        key=lambda i: (DEPTH.get(i.relation, 2), i.unit_id, i.basic_code, i.code),
    )
    for item in ordered:
        item_rows.append(elements.item_record(item))
        material_rows.extend(elements.material_record(m, item.code) for m in item.materials.all())
    return item_rows, material_rows


def export_json(items) -> bytes:
    item_rows, material_rows = records(items)
    payload = {"format": JSON_FORMAT, "version": 1, "items": item_rows, "materials": material_rows}
    return json.dumps(payload, ensure_ascii=False, indent=1).encode()


def write_sheet(wb: Workbook, title: str, columns, rows) -> None:
    """One sheet in a write-only workbook: bold header (required columns shaded), rows."""
    header = [
        xlsx.Column(c.header, c.width, fill=REQUIRED_FILL if c.required else "") for c in columns
    ]
    values = ([c.to_cell(row.get(c.key)) for c in columns] for row in rows)
    xlsx.write_table(wb.create_sheet(title), header, values, ruled=False, freeze=True)


def _write_notes(wb: Workbook) -> None:
    ws = wb.create_sheet("填写说明")
    for letter, width in zip("ABCDE", (10, 26, 6, 60, 40), strict=True):
        ws.column_dimensions[letter].width = width
    ws.append(["工作表", "列名", "必填", "可填写的值", "说明"])
    for sheet, columns in ((ITEM_SHEET, ITEM_COLUMNS), (MATERIAL_SHEET, MATERIAL_COLUMNS)):
        for c in columns:
            values = "、".join(c.choices.values()) if c.choices else ""
            if c.kind == "bool":
                values = "是、否"
            ws.append([sheet, c.header, "是" if c.required else "", values, c.note])
    ws.append([])
    ws.append(
        [
            "",
            "导入规则：先检查全部行，全部无误才导入；有任何错误则一行也不导入，并列出每个错误的行和列。",
        ]
    )
    ws.append(
        [
            "",
            "事项按实施编码匹配（没有实施编码的按地方实施编码）：已存在的更新，不存在的新增。材料表列出该事项的全部材料："
            "同名材料就地更新，新材料新增，未列出的材料停用（已受理办件仍保留）。",
        ]
    )
    ws.append(["", "单元格不得使用公式。"])


def export_xlsx(items=None) -> bytes:
    """The catalogue as an XLSX workbook; with no items, the empty template."""
    wb = Workbook(write_only=True)
    item_rows, material_rows = records(items) if items is not None else ([], [])
    write_sheet(wb, ITEM_SHEET, ITEM_COLUMNS, item_rows)
    write_sheet(wb, MATERIAL_SHEET, MATERIAL_COLUMNS, material_rows)
    _write_notes(wb)
    return xlsx.save(wb)


# --- the import's write -------------------------------------------------------------------


def _snapshots(ids) -> dict[int, dict]:
    result = {}
    ids = list(ids)
    for start in range(0, len(ids), 500):
        chunk = Item.objects.filter(pk__in=ids[start : start + 500])
        for item in export_queryset(chunk):
            result[item.pk] = elements.snapshot(item)
    return result


def _proposed(item: Item, materials: list[Material], life_events: list[str]) -> dict:
    """The snapshot the item will have once written, built from the unsaved objects."""
    data = elements.item_record(item, life_events=life_events)
    data["materials"] = [
        {k: v for k, v in elements.material_record(m, "").items() if k != "item"}
        for m in sorted(materials, key=lambda m: m.order)
    ]
    return data


@transaction.atomic
def write_import(acting_user, built, by_item, events) -> ImportResult:
    """Create the new items, rewrite the changed ones, leave the unchanged ones alone; one
    version per created or changed item, with the snapshot it now has."""
    old_ids = [item.pk for _, item, _ in built.values() if item.pk]
    before = _snapshots(old_ids)
    last = dict(
        ItemVersion.objects.filter(item_id__in=old_ids)
        .order_by()
        .values("item_id")
        .annotate(n=Max("number"))
        .values_list("item_id", "n")
    )
    created, changed, unchanged, written = [], [], 0, set()
    for code, (_, item, extra) in built.items():
        proposed = _proposed(item, by_item.get(code, []), extra["record"]["life_events"])
        extra["snapshot"] = proposed
        if not item.pk:
            item.version = 1
            created.append(item)
            written.add(code)
        elif diff := elements.diff(before[item.pk], proposed):
            item.version = last.get(item.pk, 0) + 1
            extra["changes"] = diff
            changed.append(item)
            written.add(code)
        else:
            unchanged += 1

    for level in (0, 1, 2):
        batch = [i for i in created if DEPTH.get(i.relation, 2) == level]
        for item in batch:
            item.parent = item.parent  # re-assign so parent_id picks up the parent's new pk
        Item.objects.bulk_create(batch, batch_size=500)
    for item in changed:
        item.parent = item.parent
        item.save()

    changed_ids = [i.pk for i in changed]
    Through = Item.life_events.through
    Through.objects.filter(item_id__in=changed_ids).delete()
    # Materials keep their identity (case checklists point at them): matched by name, updated
    # in place, new ones created, the ones no longer listed retired; files stay as they were.
    stored: dict[int, list[Material]] = defaultdict(list)
    for m in Material.all_objects.filter(item_id__in=changed_ids).order_by("id"):
        stored[m.item_id].append(m)
    keys = [k for k in MATERIAL_KEYS if k not in FILE_KEYS]
    links, materials, updated, versions = [], [], [], []
    now = timezone.now()
    for code, (_, item, extra) in built.items():
        if code not in written:
            continue
        links.extend(
            Through(item_id=item.pk, lifeevent_id=events[name].pk)
            for name in extra["record"]["life_events"]
        )
        was = {m.pk: material_values(m) for m in stored[item.pk]}
        rows = [{k: getattr(m, k) for k in keys} for m in by_item.get(code, [])]
        matched, removed, _errors = match_materials(stored[item.pk], rows)  # names are unique
        for material in removed:
            material.retired_at = now
            updated.append(material)
        for material in matched:
            material.item = item
            if material.pk is None:
                materials.append(material)
            elif material_changed(material, was[material.pk]):
                updated.append(material)
        versions.append(
            ItemVersion(
                item=item,
                number=item.version,
                actor=acting_user,
                action="导入修改" if item.pk in before else "导入新增",
                changes=extra.get("changes", {}),
                snapshot=extra["snapshot"],
            )
        )
    Through.objects.bulk_create(links, batch_size=1000)
    Material.objects.bulk_create(materials, batch_size=1000)
    Material.all_objects.bulk_update(updated, [*keys, "retired_at"], batch_size=500)
    ItemVersion.objects.bulk_create(versions, batch_size=500)
    total = sum(len(by_item.get(code, [])) for code in built)
    return ImportResult(len(created), len(changed), unchanged, total)
