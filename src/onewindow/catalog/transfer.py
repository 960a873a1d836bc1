"""Catalogue import and export: XLSX (Chinese headers, labels) and JSON (English keys, codes).

Import reads and checks every row first and writes only when no row has an error, in one
transaction; every error names its sheet, row and column. Export → import is the identity.
"""

import datetime
import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from onewindow.catalog import elements
from onewindow.catalog.codes import implementation_code
from onewindow.catalog.elements import (
    ITEM_COLUMNS,
    ITEM_SHEET,
    MATERIAL_COLUMNS,
    MATERIAL_SHEET,
    CellError,
)
from onewindow.catalog.models import Item, ItemVersion, LifeEvent, Material
from onewindow.catalog.search import pinyin_keys
from onewindow.catalog.services import (
    FILE_KEYS,
    MATERIAL_KEYS,
    can_govern_catalogue,
    leaves_hall,
    match_materials,
    material_changed,
    material_values,
    publish_problems,
)
from onewindow.common.parsing import JsonRefused, loads_json
from onewindow.documents import xlsx
from onewindow.org.models import Unit, User

MAX_ROWS = 50_000
FORMULA = object()  # a formula cell, already reported; parsing skips it
JSON_FORMAT = "onewindow-catalog"


def max_bytes() -> int:
    return getattr(settings, "CATALOG_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


# --- export -------------------------------------------------------------------------------


def export_queryset(items):
    return items.select_related("unit", "parent").prefetch_related("life_events", "materials")


def records(items) -> tuple[list[dict], list[dict]]:
    """Items and materials in record form, parents before children."""
    item_rows, material_rows = [], []
    rank = {Item.Relation.MAIN: 0, Item.Relation.INDEPENDENT: 0, Item.Relation.SUB: 1}
    ordered = sorted(
        export_queryset(items), key=lambda i: (rank.get(i.relation, 2), i.unit_id, i.basic_code)
    )
    for item in ordered:
        item_rows.append(elements.item_record(item))
        material_rows.extend(
            elements.material_record(m, item.implementation_code) for m in item.materials.all()
        )
    return item_rows, material_rows


def export_json(items) -> bytes:
    item_rows, material_rows = records(items)
    payload = {"format": JSON_FORMAT, "version": 1, "items": item_rows, "materials": material_rows}
    return json.dumps(payload, ensure_ascii=False, indent=1).encode()


def write_sheet(wb: Workbook, title: str, columns, rows) -> None:
    """One sheet in a write-only workbook: bold header (required columns shaded), rows."""
    ws = wb.create_sheet(title)
    for n, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(n)].width = col.width
    ws.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FDE8E8")
    header = []
    for col in columns:
        cell = WriteOnlyCell(ws, value=col.header)
        cell.font = bold
        if col.required:
            cell.fill = fill
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append(xlsx.row(ws, [c.to_cell(row.get(c.key)) for c in columns]))


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
            "事项按实施编码匹配：已存在的更新，不存在的新增。材料表列出该事项的全部材料："
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
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}第{self.row}行" if self.row else self.sheet
        if self.column:
            where += f"“{self.column}”列"
        return f"{where}：{self.message}"


class ImportRefused(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors[:20]))


@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int
    materials: int


def _sheet_rows(wb, title: str, columns, errors: list[RowError]) -> list[tuple[int, dict]]:
    if title not in wb.sheetnames:
        errors.append(RowError(title, 0, "", f"缺少名为“{title}”的工作表，请使用导入模板。"))
        return []
    ws = wb[title]
    rows = ws.iter_rows()
    header_cells = next(rows, ())
    header = [str(c.value).strip() if c.value is not None else "" for c in header_cells]
    while header and header[-1] == "":
        header.pop()
    expected = [c.header for c in columns]
    missing = [h for h in expected if h not in header]
    extra = [h for h in header if h and h not in expected]
    if missing or extra or len(set(header)) != len(header):
        parts = []
        if missing:
            parts.append(f"缺少列：{'、'.join(missing)}")
        if extra:
            parts.append(f"无法识别的列：{'、'.join(extra)}")
        if len(set(header)) != len(header):
            parts.append("有重复的列名")
        errors.append(RowError(title, 1, "", "表头与导入模板不一致（" + "；".join(parts) + "）。"))
        return []
    by_header = {c.header: c for c in columns}
    result = []
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS:
            errors.append(RowError(title, number, "", f"行数超过{MAX_ROWS}行上限，请分批导入。"))
            break
        raw: dict[str, Any] = {}
        for head, cell in zip(header, cells, strict=False):
            if not head:
                continue
            if cell.data_type == "f":
                errors.append(
                    RowError(title, number, head, "单元格含有公式，请改为直接填写数值或文字。")
                )
                raw[by_header[head].key] = FORMULA
                continue
            raw[by_header[head].key] = cell.value
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
            continue  # blank lines between blocks are harmless
        result.append((number, raw))
    return result


def read_xlsx(data: bytes) -> tuple[list, list, list[RowError]]:
    """(item rows, material rows, errors) of an uploaded workbook, rows as (number, raw)."""
    errors: list[RowError] = []
    limit = max_bytes()
    if len(data) > limit:
        raise ImportRefused(
            [
                RowError(
                    "文件",
                    0,
                    "",
                    f"文件大小为{len(data) / 1048576:.1f}MB，超过导入上限{limit / 1048576:.0f}MB，"
                    "请分单位或分批导入。",
                )
            ]
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportRefused(
            [
                RowError(
                    "文件", 0, "", "不是有效的XLSX文件，请用Excel或WPS另存为“.xlsx”格式后再导入。"
                )
            ]
        ) from None
    if unpacked > 10 * limit:
        raise ImportRefused(
            [
                RowError(
                    "文件", 0, "", f"表格解压后达{unpacked / 1048576:.0f}MB，内容过大，请分批导入。"
                )
            ]
        )
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, KeyError, ValueError, OSError):
        raise ImportRefused(
            [
                RowError(
                    "文件", 0, "", "无法读取该XLSX文件，请确认由导入模板填写并保存为“.xlsx”格式。"
                )
            ]
        ) from None
    try:
        items = _sheet_rows(wb, ITEM_SHEET, ITEM_COLUMNS, errors)
        materials = _sheet_rows(wb, MATERIAL_SHEET, MATERIAL_COLUMNS, errors)
    finally:
        wb.close()
    return items, materials, errors


def read_json(data: bytes) -> tuple[list, list, list[RowError]]:
    if len(data) > max_bytes():
        raise ImportRefused([RowError("文件", 0, "", "文件超过导入大小上限，请分批导入。")])
    try:
        payload = loads_json(data)
    except JsonRefused as exc:
        raise ImportRefused([RowError("文件", 0, "", str(exc))]) from None
    if not isinstance(payload, dict) or payload.get("format") != JSON_FORMAT:
        raise ImportRefused(
            [RowError("文件", 0, "", f"JSON文件应为本系统导出的格式（format: {JSON_FORMAT}）。")]
        )
    out = []
    for key, sheet in (("items", ITEM_SHEET), ("materials", MATERIAL_SHEET)):
        rows = payload.get(key, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ImportRefused([RowError(sheet, 0, "", f"“{key}”应为对象列表。")])
        out.append([(n, r) for n, r in enumerate(rows, start=1)])
    return out[0], out[1], []


def read_upload(upload) -> dict:
    """An uploaded file (XLSX or JSON, by content) as import_catalogue's keyword arguments."""
    if upload.size > max_bytes():
        raise ImportRefused(
            [
                RowError(
                    "文件",
                    0,
                    "",
                    f"文件大小为{upload.size / 1048576:.1f}MB，超过导入上限"
                    f"{max_bytes() / 1048576:.0f}MB，请分单位或分批导入。",
                )
            ]
        )
    data = upload.read()
    reader = read_json if data.lstrip()[:1] in (b"{", b"[") else read_xlsx
    items, materials, errors = reader(data)
    return {"item_rows": items, "material_rows": materials, "errors": errors}


def check_xlsx(findings) -> bytes:
    """The catalogue check report as a workbook: one row per finding."""
    wb = Workbook()
    ws = wb.active
    ws.title = "事项核查报告"
    ws.append(["序号", "单位", "事项名称", "实施编码", "状态", "问题", "原因及整改要求"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    n = 0
    for unit, rows in findings.items():
        for f in rows:
            n += 1
            ws.append(
                xlsx.row(
                    ws,
                    [
                        n,
                        unit.name,
                        f.item.name,
                        f.item.implementation_code,
                        f.item.get_status_display(),
                        f.rule,
                        f.reason,
                    ],
                )
            )
    for letter, width in zip("ABCDEFG", (6, 26, 30, 34, 8, 34, 50), strict=True):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- checking and writing -----------------------------------------------------------------


def _parse(rows, columns, sheet: str, errors: list[RowError]) -> list[tuple[int, dict]]:
    parsed = []
    for number, raw in rows:
        record, ok = {}, True
        for col in columns:
            if raw.get(col.key) is FORMULA:
                ok = False
                continue
            try:
                record[col.key] = col.parse(raw.get(col.key))
            except CellError as exc:
                errors.append(RowError(sheet, number, col.header, str(exc)))
                ok = False
        if ok:
            parsed.append((number, record))
    return parsed


ITEM_HEADERS = {c.key: c.header for c in ITEM_COLUMNS}
MATERIAL_HEADERS = {c.key: c.header for c in MATERIAL_COLUMNS}


def _field_errors(exc: ValidationError, sheet: str, number: int, headers: dict) -> list[RowError]:
    found = []
    for key, messages in exc.message_dict.items():
        column = headers.get(key, "")
        for message in messages:
            found.append(RowError(sheet, number, column, message))
    return found


def _apply(item: Item, record: dict) -> None:
    for key in elements.ITEM_FIELDS:
        value = record[key]
        if key == "online_depth":
            value = int(value) if value else 1
        elif key == "exempt_date" and value:
            value = datetime.date.fromisoformat(value)
        elif key == "visits" and value is None:
            value = 1
        elif key == "handling_forms" and not value:
            value = "1"
        elif key == "service_objects" and not value:
            value = "自然人"
        setattr(item, key, value)


def import_catalogue(*, acting_user: User, item_rows, material_rows, errors=None) -> ImportResult:
    """Check every row; if all are right, create or update the items and replace their
    materials in one transaction. Otherwise raise ImportRefused with every error."""
    if not can_govern_catalogue(acting_user):
        raise PermissionDenied("只有审改办可以导入事项。")
    errors = list(errors or [])
    items = _parse(item_rows, ITEM_COLUMNS, ITEM_SHEET, errors)
    materials = _parse(material_rows, MATERIAL_COLUMNS, MATERIAL_SHEET, errors)
    if not item_rows and not errors:
        errors.append(RowError(ITEM_SHEET, 0, "", "没有可导入的事项：事项表除表头外是空的。"))

    units = {
        u.credit_code: u for u in Unit.objects.filter(credit_code__in={r["unit"] for _, r in items})
    }
    events = {e.name: e for e in LifeEvent.objects.all()}
    # Derive each row's implementation code so that blank codes match existing items too.
    for number, record in items:
        unit = units.get(record["unit"])
        if unit is None:
            errors.append(
                RowError(
                    ITEM_SHEET,
                    number,
                    ITEM_HEADERS["unit"],
                    f"找不到统一社会信用代码为“{record['unit']}”的单位。",
                )
            )
            continue
        if record["unit_name"] and record["unit_name"] != unit.name:
            errors.append(
                RowError(
                    ITEM_SHEET,
                    number,
                    ITEM_HEADERS["unit_name"],
                    f"“{record['unit_name']}”与信用代码对应的单位“{unit.name}”不一致。",
                )
            )
        if not record["implementation_code"]:
            record["implementation_code"] = implementation_code(
                credit_code=unit.credit_code, level=record["level"], basic_code=record["basic_code"]
            )
    codes = [r["implementation_code"] for _, r in items]
    existing = {
        i.implementation_code: i
        for i in Item.objects.select_related("unit", "parent").filter(implementation_code__in=codes)
    }
    seen: dict[str, int] = {}
    for number, record in items:
        code = record["implementation_code"]
        if code in seen:
            errors.append(
                RowError(
                    ITEM_SHEET,
                    number,
                    ITEM_HEADERS["implementation_code"],
                    f"与第{seen[code]}行的实施编码重复。",
                )
            )
        seen.setdefault(code, number)

    # Rows that failed to parse still name their item; their materials are not "orphans".
    mentioned = {str(raw.get("implementation_code") or "") for _, raw in item_rows}
    # Materials grouped by item, each checked on its own.
    by_item: dict[str, list[Material]] = defaultdict(list)
    for number, record in materials:
        code = record.pop("item")
        if code not in seen and code not in mentioned:
            errors.append(
                RowError(
                    MATERIAL_SHEET,
                    number,
                    MATERIAL_HEADERS["item"],
                    f"实施编码“{code}”不在事项表中。",
                )
            )
            continue
        # Blank counts take the model's defaults, as the form does.
        material = Material(**{k: v for k, v in record.items() if v is not None})
        try:
            material.full_clean(exclude=["item"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors.extend(_field_errors(exc, MATERIAL_SHEET, number, MATERIAL_HEADERS))
        if any(m.name == material.name for m in by_item[code]):
            errors.append(
                RowError(
                    MATERIAL_SHEET,
                    number,
                    MATERIAL_HEADERS["name"],
                    f"同一事项的材料“{material.name}”重复。",
                )
            )
        by_item[code].append(material)

    # Items: build, resolve parents (in the file or already stored), validate.
    built: dict[str, tuple[int, Item, dict]] = {}
    for number, record in items:
        code = record["implementation_code"]
        unit = units.get(record["unit"])
        if unit is None or code in built:
            continue
        item = existing.get(code) or Item()
        before_state = (
            {
                "status": item.status,
                "online_hall": item.online_hall,
                "hall_status": item.hall_status,
            }
            if item.pk
            else None
        )
        _apply(item, record)
        item.unit = unit
        item.pinyin, item.initials = pinyin_keys(item.name)
        built[code] = (number, item, {"record": record, "before": before_state})
    stored_parents = {
        i.implementation_code: i
        for i in Item.objects.filter(
            implementation_code__in={r["parent"] for _, r in items if r["parent"]} - set(built)
        )
    }
    for code, (number, item, extra) in built.items():
        record = extra["record"]
        parent_code = record["parent"]
        if parent_code:
            parent = (
                built[parent_code][1] if parent_code in built else stored_parents.get(parent_code)
            )
            if parent is None:
                errors.append(
                    RowError(
                        ITEM_SHEET,
                        number,
                        ITEM_HEADERS["parent"],
                        f"找不到实施编码为“{parent_code}”的上级事项。",
                    )
                )
                continue
            item.parent = parent
        else:
            item.parent = None
        try:
            item.full_clean(
                exclude=["unit", "parent"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            errors.extend(_field_errors(exc, ITEM_SHEET, number, ITEM_HEADERS))
        errors.extend(_status_errors(number, item, extra["before"], by_item.get(code, [])))
        unknown = [e for e in record["life_events"] if e not in events]
        if unknown:
            errors.append(
                RowError(
                    ITEM_SHEET,
                    number,
                    ITEM_HEADERS["life_events"],
                    f"主题“{'、'.join(unknown)}”不存在，可选：{'、'.join(events)}。",
                )
            )
    if errors:
        raise ImportRefused(errors)
    return _write(acting_user, built, by_item, events)


def _status_errors(number, item: Item, before, materials) -> list[RowError]:
    """Status moves an import may not make (withdrawal, un-publishing, leaving a hall), and
    what publishing a row needs."""
    column = ITEM_HEADERS["status"]
    found = []
    was = before["status"] if before else None
    if item.status == Item.Status.WITHDRAWN and was != Item.Status.WITHDRAWN:
        found.append(
            RowError(
                ITEM_SHEET,
                number,
                column,
                "撤销事项须登记批准文件，请在事项页面办理，不能通过导入撤销。",
            )
        )
    if was == Item.Status.PUBLISHED and item.status == Item.Status.DRAFT:
        found.append(RowError(ITEM_SHEET, number, column, "已发布事项不能改回草稿。"))
    if was == Item.Status.WITHDRAWN and item.status != Item.Status.WITHDRAWN:
        found.append(
            RowError(ITEM_SHEET, number, column, "已撤销事项不能通过导入恢复，请新建事项。")
        )
    if before and leaves_hall(
        before, {"online_hall": item.online_hall, "hall_status": item.hall_status}
    ):
        found.append(
            RowError(
                ITEM_SHEET,
                number,
                ITEM_HEADERS["hall_status"],
                "已发布事项撤出网上或实体大厅须经批准（S13），请在事项页面登记批准文件后调整。",
            )
        )
    if item.status == Item.Status.PUBLISHED and was != Item.Status.PUBLISHED:
        headers = ITEM_HEADERS | {"materials": column}
        for field, message in publish_problems(item, has_materials=bool(materials)):
            found.append(RowError(ITEM_SHEET, number, headers[field], message))
    return found


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
def _write(acting_user, built, by_item, events) -> ImportResult:
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

    depth = {Item.Relation.MAIN: 0, Item.Relation.INDEPENDENT: 0, Item.Relation.SUB: 1}
    for level in (0, 1, 2):
        batch = [i for i in created if depth.get(i.relation, 2) == level]
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
