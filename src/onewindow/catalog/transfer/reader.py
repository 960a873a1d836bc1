"""Reading an upload: XLSX sheets or the JSON export into numbered raw rows, refusing files
that are too large, not what they claim to be, or not from the template."""

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from onewindow.catalog.elements import ITEM_COLUMNS, ITEM_SHEET, MATERIAL_COLUMNS, MATERIAL_SHEET
from onewindow.common.parsing import JsonRefused, loads_json

MAX_ROWS = 50_000
FORMULA = object()  # a formula cell, already reported; parsing skips it
JSON_FORMAT = "onewindow-catalog"


def max_bytes() -> int:
    return getattr(settings, "CATALOG_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


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


def _file_refused(message: str) -> ImportRefused:
    """The whole file refused, before any row is read."""
    return ImportRefused([RowError("文件", 0, "", message)])


def _too_large(size: int) -> ImportRefused:
    return _file_refused(
        f"文件大小为{size / 1048576:.1f}MB，超过导入上限{max_bytes() / 1048576:.0f}MB，"
        "请分单位或分批导入。"
    )


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
            raise ImportRefused([RowError(sheet, 0, "", f"“{key}”应为对象列表。")])
        out.append([(n, r) for n, r in enumerate(rows, start=1)])
    return out[0], out[1], []


def read_upload(upload) -> dict:
    """An uploaded file (XLSX or JSON, by content) as import_catalogue's keyword arguments."""
    if upload.size > max_bytes():
        raise _too_large(upload.size)
    data = upload.read()
    reader = read_json if data.lstrip()[:1] in (b"{", b"[") else read_xlsx
    items, materials, errors = reader(data)
    return {"item_rows": items, "material_rows": materials, "errors": errors}
