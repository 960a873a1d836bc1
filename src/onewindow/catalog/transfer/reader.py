"""Reading an upload: XLSX sheets or the JSON export into numbered raw rows, refusing files
that are too large, not what they claim to be, or not from the template. The rows are also
what the error workbook copies (`sheet_copies`); its added 错误说明 column is ignored, so a
corrected error workbook can be uploaded again."""

import io
import zipfile
from typing import Any

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from onewindow.catalog.elements import ITEM_COLUMNS, ITEM_SHEET, MATERIAL_COLUMNS, MATERIAL_SHEET
from onewindow.common.import_report import ERROR_COLUMN, ImportRefused, SheetCopy
from onewindow.common.import_report import Problem as RowError
from onewindow.common.parsing import JsonRefused, loads_json

MAX_ROWS = 50_000
# Columns added to the template for the provincial library's codes (issue 19): a workbook filled
# from an older template lacks them and is told so, rather than given a bare list of columns.
LOCAL_CODE_HEADERS = frozenset({"地方基本编码", "地方实施编码", "事项版本号"})
JSON_FORMAT = "onewindow-catalog"


class Formula(str):
    """A formula cell's text, already reported; parsing skips it, the error workbook shows it
    as text."""


FORMULA = Formula  # the older name


def max_bytes() -> int:
    return getattr(settings, "CATALOG_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def _file_refused(message: str) -> ImportRefused:
    """The whole file refused, before any row is read."""
    return ImportRefused([RowError("文件", 0, "", message, "文件无法导入")])


def _too_large(size: int) -> ImportRefused:
    return _file_refused(
        f"文件大小为{size / 1048576:.1f}MB，超过导入上限{max_bytes() / 1048576:.0f}MB，"
        "请分单位或分批导入。"
    )


def _sheet_rows(wb, title: str, columns, errors: list[RowError]) -> list[tuple[int, dict]]:
    if title not in wb.sheetnames:
        errors.append(
            RowError(title, 0, "", f"缺少名为“{title}”的工作表，请使用导入模板。", "缺少工作表")
        )
        return []
    ws = wb[title]
    rows = ws.iter_rows()
    header_cells = next(rows, ())
    header = [str(c.value).strip() if c.value is not None else "" for c in header_cells]
    while header and header[-1] in ("", ERROR_COLUMN):
        header.pop()  # trailing blanks, and the error workbook's own column
    expected = [c.header for c in columns]
    missing = [h for h in expected if h not in header]
    extra = [h for h in header if h and h not in expected]
    if missing or extra or len(set(header)) != len(header):
        parts = []
        if missing and set(missing) <= LOCAL_CODE_HEADERS and not extra:
            errors.append(
                RowError(
                    title,
                    1,
                    "",
                    f"此表由旧版导入模板填写，缺少新增的“{'、'.join(missing)}”列："
                    "请下载新模板，或在“基本编码”列后插入这几列（没有地方编码的事项可留空）。",
                    "表头与导入模板不一致",
                )
            )
            return []
        if missing:
            parts.append(f"缺少列：{'、'.join(missing)}")
        if extra:
            parts.append(f"无法识别的列：{'、'.join(extra)}")
        if len(set(header)) != len(header):
            parts.append("有重复的列名")
        errors.append(
            RowError(
                title,
                1,
                "",
                "表头与导入模板不一致（" + "；".join(parts) + "）。",
                "表头与导入模板不一致",
            )
        )
        return []
    by_header = {c.header: c for c in columns}
    result = []
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS:
            errors.append(
                RowError(
                    title, number, "", f"行数超过{MAX_ROWS}行上限，请分批导入。", "行数超过上限"
                )
            )
            break
        raw: dict[str, Any] = {}
        for head, cell in zip(header, cells, strict=False):
            if not head:
                continue
            if cell.data_type == "f":
                errors.append(
                    RowError(
                        title,
                        number,
                        head,
                        "单元格含有公式，请改为直接填写数值或文字。",
                        "单元格含有公式",
                    )
                )
                raw[by_header[head].key] = Formula(cell.value)
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
        raise _too_large(len(data))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile:
        raise _file_refused(
            "不是有效的XLSX文件，请用Excel或WPS另存为“.xlsx”格式后再导入。"
        ) from None
    if unpacked > 10 * limit:
        raise _file_refused(f"表格解压后达{unpacked / 1048576:.0f}MB，内容过大，请分批导入。")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, KeyError, ValueError, OSError):
        raise _file_refused(
            "无法读取该XLSX文件，请确认由导入模板填写并保存为“.xlsx”格式。"
        ) from None
    try:
        items = _sheet_rows(wb, ITEM_SHEET, ITEM_COLUMNS, errors)
        materials = _sheet_rows(wb, MATERIAL_SHEET, MATERIAL_COLUMNS, errors)
    finally:
        wb.close()
    return items, materials, errors


def read_json(data: bytes) -> tuple[list, list, list[RowError]]:
    if len(data) > max_bytes():
        raise _file_refused("文件超过导入大小上限，请分批导入。")
    try:
        payload = loads_json(data)
    except JsonRefused as exc:
        raise _file_refused(str(exc)) from None
    if not isinstance(payload, dict) or payload.get("format") != JSON_FORMAT:
        raise _file_refused(f"JSON文件应为本系统导出的格式（format: {JSON_FORMAT}）。")
    out = []
    for key, sheet in (("items", ITEM_SHEET), ("materials", MATERIAL_SHEET)):
        rows = payload.get(key, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ImportRefused([RowError(sheet, 0, "", f"“{key}”应为对象列表。", "文件无法导入")])
        out.append([(n, r) for n, r in enumerate(rows, start=1)])
    return out[0], out[1], []


def read_upload(upload) -> dict:
    """An uploaded file (XLSX or JSON, by content) as import_catalogue's keyword arguments."""
    return read_upload_with_copies(upload)[0]


def read_upload_with_copies(upload) -> tuple[dict, list[SheetCopy]]:
    """read_upload, and the rows as the error workbook copies them (`sheet_copies`)."""
    if upload.size > max_bytes():
        raise _too_large(upload.size)
    data = upload.read()
    json = data.lstrip()[:1] in (b"{", b"[")
    items, materials, errors = (read_json if json else read_xlsx)(data)
    kwargs = {"item_rows": items, "material_rows": materials, "errors": errors}
    return kwargs, sheet_copies(items, materials, numbered=json)


def sheet_copies(item_rows, material_rows, *, numbered: bool = False) -> list[SheetCopy]:
    """The two sheets as read, in the template's column order, for the error workbook.
    `numbered`: rows are records numbered from 1 (JSON), not spreadsheet rows."""
    return [
        SheetCopy(
            title,
            [c.header for c in columns],
            [(n, [raw.get(c.key) for c in columns]) for n, raw in rows],
            offset=1 if numbered else 0,
        )
        for title, columns, rows in (
            (ITEM_SHEET, ITEM_COLUMNS, item_rows),
            (MATERIAL_SHEET, MATERIAL_COLUMNS, material_rows),
        )
    ]
