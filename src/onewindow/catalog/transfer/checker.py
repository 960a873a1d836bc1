"""Checking an import: every row parsed and validated as the forms would (codes, units,
parents, materials, the status moves an import may not make), every error named by sheet, row
and column; only a file with no error is written. Also the catalogue check report's sheet."""

import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from onewindow.catalog import elements
from onewindow.catalog.codes import Level, implementation_code, validate_basic_code
from onewindow.catalog.elements import (
    ITEM_COLUMNS,
    ITEM_SHEET,
    MATERIAL_COLUMNS,
    MATERIAL_SHEET,
    CellError,
)
from onewindow.catalog.models import Item, LifeEvent, Material
from onewindow.catalog.search import set_keys
from onewindow.catalog.services import can_govern_catalogue, leaves_hall, publish_problems
from onewindow.catalog.transfer.reader import Formula, ImportRefused, RowError
from onewindow.catalog.transfer.writer import ImportResult, write_import
from onewindow.common.import_report import from_validation_error
from onewindow.documents import xlsx
from onewindow.org.models import Unit, User


def _parse(rows, columns, sheet: str, errors: list[RowError]) -> list[tuple[int, dict]]:
    parsed = []
    for number, raw in rows:
        record, ok = {}, True
        for col in columns:
            value = raw.get(col.key)
            if isinstance(value, Formula):
                ok = False
                continue
            try:
                record[col.key] = col.parse(value)
            except CellError as exc:
                errors.append(RowError(sheet, number, col.header, str(exc), _cell_kind(col, value)))
                ok = False
        if ok:
            parsed.append((number, record))
    return parsed


_CELL_KINDS = {
    "int": "{}应为整数",
    "bool": "{}应填是或否",
    "choice": "{}不在可选范围",
    "date": "{}日期格式不符",
    "procedures": "{}格式不符",
}


def _cell_kind(col, value) -> str:
    """The group a cell that cannot be read falls in ("事项类型不在可选范围")."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return f"{col.header}未填写"
    return _CELL_KINDS.get(col.kind, "{}有误").format(col.header)


ITEM_HEADERS = {c.key: c.header for c in ITEM_COLUMNS}
MATERIAL_HEADERS = {c.key: c.header for c in MATERIAL_COLUMNS}
# Groups for the model's own messages about a field (others read "<列名>有误").
FIELD_KINDS = {
    "basic_code": "基本编码格式不符",
    "implementation_code": "实施编码格式不符",
    "local_basic_code": "地方基本编码格式不符",
    "local_implementation_code": "地方实施编码格式不符",
    "library_version": "事项版本号格式不符",
    "promised_limit": "承诺时限超过法定时限",
}


def _field_errors(exc: ValidationError, sheet: str, number: int, headers: dict) -> list[RowError]:
    """A full_clean() error as problems of one row; one per cell is kept when refused."""
    return from_validation_error(exc, sheet=sheet, row=number, headers=headers, kinds=FIELD_KINDS)


def _derivable(record: dict) -> bool:
    """A blank implementation code is derived only from a basic code and level that are right;
    otherwise the basic code is reported (once), not a code built from it."""
    if record["level"] not in Level.values:
        return False
    try:
        validate_basic_code(record["basic_code"], item_type=record["item_type"] or None)
    except ValidationError:
        return False
    return True


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
    # The item sheet itself refused (missing, or its header wrong): its rows were never read,
    # so the materials' items cannot be looked for in it.
    item_sheet_refused = any(e.sheet == ITEM_SHEET and e.row <= 1 for e in errors)
    if not item_rows and not errors:
        errors.append(RowError(ITEM_SHEET, 0, "", "没有可导入的事项：事项表除表头外是空的。"))

    units = {
        u.credit_code: u for u in Unit.objects.filter(credit_code__in={r["unit"] for _, r in items})
    }
    events = {e.name: e for e in LifeEvent.objects.all()}
    # Derive each row's implementation code so that blank codes match existing items too.
    underived = set()  # what a row's code would be: its materials are not "orphans"
    for number, record in items:
        unit = units.get(record["unit"])
        if unit is None:
            errors.append(
                RowError(
                    ITEM_SHEET,
                    number,
                    ITEM_HEADERS["unit"],
                    f"找不到统一社会信用代码为“{record['unit']}”的单位。",
                    "找不到实施主体",
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
                    "实施主体与信用代码不一致",
                )
            )
        if not record["implementation_code"] and record["basic_code"]:
            code = implementation_code(
                credit_code=unit.credit_code, level=record["level"], basic_code=record["basic_code"]
            )
            if _derivable(record):
                record["implementation_code"] = code
            else:
                underived.add(code)
    existing, seen, alias = _match_items(items, errors)

    # Rows that failed to parse still name their item; their materials are not "orphans".
    mentioned = {
        str(raw.get(key) or "")
        for _, raw in item_rows
        for key in ("implementation_code", "local_implementation_code")
    } | underived
    # Materials grouped by item, each checked on its own.
    by_item: dict[str, list[Material]] = defaultdict(list)
    for number, record in materials:
        code = record.pop("item")
        code = alias.get(code, code)
        if code not in seen and code not in mentioned and not item_sheet_refused:
            errors.append(
                RowError(
                    MATERIAL_SHEET,
                    number,
                    MATERIAL_HEADERS["item"],
                    f"实施编码“{code}”不在事项表中。",
                    "材料所属事项不在事项表中",
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
                    "同一事项的材料重复",
                )
            )
        by_item[code].append(material)

    # Items: build, resolve parents (in the file or already stored), validate.
    built: dict[str, tuple[int, Item, dict]] = {}
    for number, record in items:
        code = _row_key(number, record)
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
        # Search keys, derived: cut to their columns rather than refuse a row for them.
        set_keys(item, item.name)
        built[code] = (number, item, {"record": record, "before": before_state})
    wanted = {alias.get(r["parent"], r["parent"]) for _, r in items if r["parent"]} - set(built)
    stored_parents = {}
    for i in Item.objects.filter(
        Q(implementation_code__in=wanted) | Q(local_implementation_code__in=wanted)
    ):
        stored_parents[i.local_implementation_code] = stored_parents[i.implementation_code] = i
    stored_parents.pop("", None)
    for code, (number, item, extra) in built.items():
        record = extra["record"]
        parent_code = alias.get(record["parent"], record["parent"])
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
                        "找不到上级事项",
                    )
                )
                continue
            item.parent = parent
        else:
            item.parent = None
        try:
            item.full_clean(
                exclude=["unit", "parent", "pinyin", "initials"],
                validate_unique=False,
                validate_constraints=False,
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
                    "所属主题不存在",
                )
            )
    if errors:
        raise ImportRefused(errors)
    return write_import(acting_user, built, by_item, events)


def _row_key(number: int, record: dict) -> str:
    """The code a row's item goes by within the import: the national implementation code, or
    the local one; a row with neither (refused by the item's checks) gets a key of its own."""
    return record["implementation_code"] or record["local_implementation_code"] or f"#{number}"


def _match_items(items, errors: list[RowError]) -> tuple[dict, dict, dict]:
    """The stored item each row updates, matched by national implementation code, else by
    local implementation code; rows that repeat a code, and local codes that already belong
    to another item. Returns (stored items by row key, first row of each key, local code →
    row key for rows that have both codes)."""
    national = {r["implementation_code"] for _, r in items} - {""}
    local = {r["local_implementation_code"] for _, r in items} - {""}
    by_national, by_local = {}, {}
    for i in Item.objects.select_related("unit", "parent").filter(
        Q(implementation_code__in=national) | Q(local_implementation_code__in=local)
    ):
        if i.implementation_code:
            by_national[i.implementation_code] = i
        if i.local_implementation_code:
            by_local[i.local_implementation_code] = i
    existing, seen, seen_local, alias = {}, {}, {}, {}
    local_header = ITEM_HEADERS["local_implementation_code"]
    for number, record in items:
        code, local_code = record["implementation_code"], record["local_implementation_code"]
        key = _row_key(number, record)
        if code and local_code:
            alias[local_code] = code
        repeated = key in seen
        if repeated:
            column = "implementation_code" if code else "local_implementation_code"
            errors.append(
                RowError(
                    ITEM_SHEET,
                    number,
                    ITEM_HEADERS[column],
                    f"与第{seen[key]}行的{ITEM_HEADERS[column]}重复。",
                    f"{ITEM_HEADERS[column]}重复",
                )
            )
        seen.setdefault(key, number)
        # A local-only row whose key repeats was reported just above; one after a row that has
        # national codes and the same local code is not, and would hit the unique constraint.
        first_local = seen_local.setdefault(local_code, number) if local_code else number
        if first_local != number and (code or not repeated):
            errors.append(
                RowError(
                    ITEM_SHEET,
                    number,
                    local_header,
                    f"与第{seen_local[local_code]}行的地方实施编码重复。",
                    "地方实施编码重复",
                )
            )
        item = by_national.get(code) if code else None
        holder = by_local.get(local_code) if local_code else None
        if item is None and holder is not None:
            if code and holder.implementation_code:
                errors.append(
                    RowError(
                        ITEM_SHEET,
                        number,
                        local_header,
                        f"地方实施编码“{local_code}”已属于实施编码为"
                        f"“{holder.implementation_code}”的事项“{holder.name}”。",
                        "地方实施编码已属于其他事项",
                    )
                )
                continue
            if not code and holder.implementation_code:
                errors.append(
                    RowError(
                        ITEM_SHEET,
                        number,
                        ITEM_HEADERS["basic_code"],
                        f"事项“{holder.name}”已有实施编码“{holder.implementation_code}”，"
                        "导入时不能清空基本编码和实施编码。",
                        "不能清空已有的实施编码",
                    )
                )
                continue
            item = holder
        elif holder is not None and holder.pk != item.pk:
            errors.append(
                RowError(
                    ITEM_SHEET,
                    number,
                    local_header,
                    f"地方实施编码“{local_code}”已被事项“{holder.name}”使用。",
                    "地方实施编码已属于其他事项",
                )
            )
        if item is not None:
            existing[key] = item
    return existing, seen, alias


MOVE = "导入不能做的状态变更"


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
                MOVE,
            )
        )
    if was == Item.Status.PUBLISHED and item.status == Item.Status.DRAFT:
        found.append(RowError(ITEM_SHEET, number, column, "已发布事项不能改回草稿。", MOVE))
    if was == Item.Status.WITHDRAWN and item.status != Item.Status.WITHDRAWN:
        found.append(
            RowError(ITEM_SHEET, number, column, "已撤销事项不能通过导入恢复，请新建事项。", MOVE)
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
                "撤出大厅须经批准",
            )
        )
    if item.status == Item.Status.PUBLISHED and was != Item.Status.PUBLISHED:
        headers = ITEM_HEADERS | {"materials": column}
        for field, message in publish_problems(item, has_materials=bool(materials)):
            found.append(RowError(ITEM_SHEET, number, headers[field], message, "发布条件不满足"))
    return found


def check_xlsx(findings) -> bytes:
    """The catalogue check report as a workbook: one row per finding."""
    headers = [
        "序号",
        "单位",
        "事项名称",
        "实施编码（或地方实施编码）",
        "状态",
        "问题",
        "原因及整改要求",
    ]
    widths = (6, 26, 30, 34, 8, 34, 50)
    rows = []
    for unit, found in findings.items():
        for f in found:
            item = f.item
            rows.append(
                [
                    len(rows) + 1,
                    unit.name,
                    item.name,
                    item.code,
                    item.get_status_display(),
                    f.rule,
                    f.reason,
                ]
            )
    wb, ws = xlsx.book("事项核查报告")
    columns = [xlsx.Column(h, w) for h, w in zip(headers, widths, strict=True)]
    xlsx.write_table(ws, columns, rows, ruled=False)
    return xlsx.save(wb)
