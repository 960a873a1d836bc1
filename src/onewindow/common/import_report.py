"""Import errors a person can act on, for every all-or-nothing spreadsheet import (the
catalogue, the onboarding workbook, …).

An importer collects `Problem`s (sheet, row, column, kind, message) while it checks every row,
and raises `ImportRefused` with them when any is found; nothing is written. The refusal keeps
one message per cell (the product's own words win over Django's stock messages), `summarise`
groups the problems by kind with counts for the page, and `error_workbook` writes the full list
as an XLSX: a copy of the uploaded sheets with the offending cells filled and commented, an
added 错误说明 column, and a summary sheet. `keep_workbook` / `kept_workbook` hold that file for
the person who uploaded, under ONEWINDOW_VAR_DIR, for `IMPORT_ERRORS_HOURS` (24) hours.
"""

import io
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

ERROR_COLUMN = "错误说明"  # added to each copied sheet; readers ignore it on re-upload
SUMMARY_SHEET = "错误汇总"
LIST_SHEET = "错误清单"
FIRST_ROWS = 5  # rows shown per group on a refusal page
FULL_COPY_ROWS = 5_000  # uploads up to this many rows are copied whole into the error workbook

# Django's own validation codes: a message with one of these is Django's stock wording, which a
# product message about the same cell replaces (e.g. the stock length message beside
# "基本编码应为12位，现为14位").
STOCK_KINDS = {
    "max_length": "{column}过长",
    "min_length": "{column}过短",
    "max_value": "{column}超过上限",
    "min_value": "{column}低于下限",
    "step_size": "{column}不是有效数值",
    "max_digits": "{column}位数过多",
    "max_decimal_places": "{column}小数位过多",
    "max_whole_digits": "{column}整数位过多",
    "invalid_choice": "{column}不在可选范围",
    "required": "{column}未填写",
    "blank": "{column}未填写",
    "null": "{column}未填写",
    "invalid": "{column}格式不符",
    "invalid_date": "{column}日期无效",
    "invalid_datetime": "{column}时间无效",
    "invalid_time": "{column}时间无效",
    "invalid_list": "{column}格式不符",
    "null_characters_not_allowed": "{column}含有非法字符",
    "unique": "{column}重复",
    "unique_together": "{column}重复",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One problem of an upload. `row` is the spreadsheet row (0: the whole sheet or file);
    `column` the header text ("" for the whole row); `kind` a short Chinese label the refusal
    groups by ("实施编码格式不符"; blank: "<列名>有误"); `stock` marks Django's stock wording."""

    sheet: str
    row: int
    column: str
    message: str
    kind: str = field(default="", compare=False)
    stock: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        return f"{self.where}：{self.message}"

    @property
    def where(self) -> str:
        where = f"{self.sheet}第{self.row}行" if self.row else self.sheet
        if self.column:
            where += f"“{self.column}”列"
        return where

    @property
    def label(self) -> str:
        """The kind this problem is grouped under."""
        if self.kind:
            return self.kind
        if self.column:
            return f"{self.column}有误"
        return f"{self.sheet}有误" if self.sheet else "文件有误"


def one_per_cell(problems: Iterable[Problem]) -> list[Problem]:
    """Sorted, one problem per cell: of several about one cell the first product message wins
    over Django's stock ones. Row and file problems (no column) are kept, without repeats."""
    kept: dict[tuple, Problem] = {}
    for p in problems:
        key = (p.sheet, p.row, p.column) if p.column else (p.sheet, p.row, "", p.message)
        held = kept.get(key)
        if held is None or (held.stock and not p.stock):
            kept[key] = p
    return sorted(kept.values())


class ImportRefused(Exception):
    """An import refused as a whole: nothing was written. `problems` (also `errors`, the older
    name) holds one problem per cell, sorted by sheet, row and column."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = one_per_cell(problems)
        self.errors = self.problems
        super().__init__("\n".join(str(p) for p in self.problems[:20]))


def from_validation_error(
    exc: ValidationError,
    *,
    sheet: str,
    row: int,
    headers: Mapping[str, str],
    kinds: Mapping[str, str] | None = None,
) -> list[Problem]:
    """A model's ValidationError (full_clean) as problems of one row: field names become column
    headers; a stock message gets a kind from its code ("<列名>过长"), a product message the kind
    `kinds[field]` names, else "<列名>有误"."""
    kinds = kinds or {}
    by_field = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    found = []
    for name, errors in by_field.items():
        column = headers.get(name, "")
        for error in errors:
            for message in error:  # a ValidationError yields its messages, params applied
                stock = error.code in STOCK_KINDS
                if stock:
                    kind = STOCK_KINDS[error.code].format(column=column or sheet)
                else:
                    kind = kinds.get(name, "")
                found.append(Problem(sheet, row, column, str(message), kind, stock))
    return found


@dataclass(frozen=True)
class Group:
    kind: str
    rows: int  # distinct rows with a problem of this kind (row 0 not counted)
    count: int  # problems of this kind
    first: list[Problem]

    @property
    def amount(self) -> str:
        """1,073行 (or 2处 for problems of a whole sheet or file)."""
        return f"{self.rows:,}行" if self.rows else f"{self.count:,}处"

    @property
    def heading(self) -> str:
        """实施编码格式不符：1,073行"""
        return f"{self.kind}：{self.amount}"

    @property
    def more(self) -> int:
        return self.count - len(self.first)


@dataclass(frozen=True)
class Report:
    groups: list[Group]
    total: int  # problems
    rows: int  # distinct rows with any problem (row 0, the whole file, not counted)

    @property
    def heading(self) -> str:
        rows = f"，涉及{self.rows:,}行" if self.rows else ""
        return f"{self.total:,}个错误{rows}"


def summarise(problems: Sequence[Problem], *, first: int = FIRST_ROWS) -> Report:
    """Problems grouped by kind, the largest group first, each with its first `first`."""
    by_kind: dict[str, list[Problem]] = {}
    for p in sorted(problems):
        by_kind.setdefault(p.label, []).append(p)
    groups = [
        Group(kind, len({(p.sheet, p.row) for p in found if p.row}), len(found), found[:first])
        for kind, found in by_kind.items()
    ]
    groups.sort(key=lambda g: -g.count)  # stable: equal groups stay in sheet/row order
    rows = len({(p.sheet, p.row) for p in problems if p.row})
    return Report(groups, len(problems), rows)


# --- the error workbook ---------------------------------------------------------------------


@dataclass(frozen=True)
class SheetCopy:
    """An uploaded sheet to copy into the error workbook: its title, header texts and rows as
    (row number as reported, values in header order). `offset` is added to a row number to get
    the spreadsheet row (0 for an XLSX upload, whose header is row 1; 1 for numbered records)."""

    title: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    offset: int = 0


BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
ROW_FILL = PatternFill("solid", fgColor="FFEB9C")
AUTHOR = "一窗通办"


def _plain(value: Any) -> Any:
    """A cell value the sheet can hold: text, numbers, dates and booleans as they are, anything
    else (a JSON list or object) as its text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return str(value)  # a str subclass (a formula read as text) as plain text
    if hasattr(value, "isoformat"):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


# The rule of documents/xlsx.py, which `common` (the floor below it) may not import: openpyxl
# stores a string starting with "=" as a formula, and Excel or WPS run text starting with "=",
# "+", "-", "@", tab or CR once edited; such text is written as a quote-prefixed string cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(ws, value: Any) -> WriteOnlyCell:
    """A cell holding `value` as data, never as a formula."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # control characters cannot be stored
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        c.data_type = "s"
        c.quotePrefix = True
    return c


def _table(ws, columns: list[tuple[str, int]], rows, *, lines: Sequence[str] = ()) -> None:
    """Lines of text, then a bold header row (kept in view) and the rows."""
    for n, (_header, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = f"A{len(lines) + 2}"
    for line in lines:
        ws.append([_cell(ws, line)])
    header = [_cell(ws, h) for h, _width in columns]
    for c in header:
        c.font = Font(bold=True)
    ws.append(header)
    for values in rows:
        ws.append([_cell(ws, v) for v in values])


def _summary_sheet(wb, report: Report, *, whole: bool) -> None:
    ws = wb.create_sheet(SUMMARY_SHEET)
    columns = [
        ("错误类型", 30),
        ("涉及行数", 10),
        ("错误数", 10),
        ("首个位置", 30),
        ("示例说明", 70),
    ]
    rows = [[g.kind, g.rows, g.count, g.first[0].where, g.first[0].message] for g in report.groups]
    note = f"共{report.total:,}个错误，涉及{report.rows:,}行；一行也未导入。" + (
        "请按“错误清单”或各工作表中标红的单元格（批注为原因）改正后重新上传；"
        f"“{ERROR_COLUMN}”列和本表可保留，导入时不读取。"
        if whole
        else f"上传的表格超过{FULL_COPY_ROWS:,}行，各工作表只复制了有错误的行（行号与原表"
        "一致），请对照标红的单元格在原文件中改正后重新上传。"
    )
    _table(ws, columns, rows, lines=["导入未完成：文件中的错误", note])


def _list_sheet(wb, problems: Sequence[Problem]) -> None:
    ws = wb.create_sheet(LIST_SHEET)
    columns = [("工作表", 12), ("行", 8), ("列", 24), ("错误类型", 24), ("说明", 80)]
    rows = [[p.sheet, p.row or "", p.column, p.label, p.message] for p in problems]
    _table(ws, columns, rows)


def _copy_sheet(wb, sheet: SheetCopy, problems: Sequence[Problem], *, whole: bool) -> None:
    ws = wb.create_sheet(sheet.title)
    by_row: dict[int, list[Problem]] = {}
    index = {h: n for n, h in enumerate(sheet.header)}
    for p in problems:
        if p.sheet == sheet.title and p.row:
            by_row.setdefault(p.row, []).append(p)
    width = len(sheet.header)
    for n in range(width):
        ws.column_dimensions[get_column_letter(n + 1)].width = 18
    ws.column_dimensions[get_column_letter(width + 1)].width = 60
    ws.freeze_panes = "A2"
    header = [_cell(ws, h) for h in [*sheet.header, ERROR_COLUMN]]
    for c in header:
        c.font = Font(bold=True)
    header[-1].fill = BAD_FILL
    ws.append(header)
    written = 1
    for number, values in sorted(sheet.rows, key=lambda r: r[0]):
        if not whole and number not in by_row:
            continue
        target = number + sheet.offset
        while written + 1 < target:  # blank lines of the upload keep their place
            ws.append([])
            written += 1
        cells = [_cell(ws, _plain(v)) for v in list(values)[:width]]
        cells += [_cell(ws, None) for _ in range(width - len(cells))]
        found = sorted(by_row.get(number, []), key=lambda p: index.get(p.column, -1))
        for p in found:
            if p.column in index:
                marked = cells[index[p.column]]
                marked.fill = BAD_FILL
                marked.comment = Comment(p.message, AUTHOR, width=300, height=120)
        note = "；".join(f"“{p.column}”列：{p.message}" if p.column else p.message for p in found)
        last = _cell(ws, note or None)
        if note:
            last.fill, last.alignment = ROW_FILL, Alignment(wrap_text=True, vertical="top")
        ws.append([*cells, last])
        written = max(written, target)


def error_workbook(problems: Sequence[Problem], sheets: Sequence[SheetCopy] = ()) -> bytes:
    """The downloadable error list: a summary of the groups, every problem in a list, and a copy
    of each uploaded sheet with the offending cells marked (fill + comment) and a 错误说明
    column. Every value is written as data: text that looks like a formula stays text. An
    upload of more than FULL_COPY_ROWS rows has only its rows with problems copied."""
    problems = one_per_cell(problems)
    # openpyxl writes some 40,000 cells a second: a large upload keeps only its bad rows.
    whole = sum(len(s.rows) for s in sheets) <= FULL_COPY_ROWS
    wb = Workbook(write_only=True)
    _summary_sheet(wb, summarise(problems), whole=whole)
    _list_sheet(wb, problems)
    for sheet in sheets:
        _copy_sheet(wb, sheet, problems, whole=whole)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- keeping the workbook for the person who uploaded ---------------------------------------

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
KEEP_PER_USER = 10


def _root() -> Path:
    return Path(settings.VAR_DIR) / "import-errors"


def keep_hours() -> int:
    """How long an error workbook is kept (settings.IMPORT_ERRORS_HOURS, 24 by default)."""
    return int(getattr(settings, "IMPORT_ERRORS_HOURS", 24))


def _hours() -> float:
    return float(keep_hours())


def _expired(path: Path, now: float) -> bool:
    return now - path.stat().st_mtime > _hours() * 3600


def keep_workbook(*, user, content: bytes, name: str) -> str:
    """Keep `content` for `user` as `<name>.xlsx`; the token that fetches it back. Expired
    files (older than IMPORT_ERRORS_HOURS) of everyone, and all but the newest few of this
    user, are removed on the way."""
    now = time.time()
    root = _root()
    for folder in root.glob("*/*") if root.exists() else ():
        if folder.is_dir() and _expired(folder, now):
            shutil.rmtree(folder, ignore_errors=True)
    mine = root / str(user.pk)
    if mine.exists():
        held = sorted(mine.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in held[KEEP_PER_USER - 1 :]:
            shutil.rmtree(old, ignore_errors=True)
    token = secrets.token_urlsafe(18)
    folder = mine / token
    folder.mkdir(mode=0o700, parents=True)
    safe = _UNSAFE.sub("_", name).strip(". ") or "导入错误"
    path = folder / f"{safe[:80]}.xlsx"
    path.write_bytes(content)
    # The clock of record (time-machine in tests), not the file system's, dates the file.
    for p in (path, folder):
        p.chmod(0o600 if p.is_file() else 0o700)
        os.utime(p, (now, now))
    return token


def kept_workbook(*, user, token: str) -> tuple[str, bytes] | None:
    """(file name, content) of a workbook kept for `user`, or None: unknown, expired, or kept
    for someone else (the token is looked up under the user's own folder only)."""
    if not _TOKEN.match(token or "") or not getattr(user, "pk", None):
        return None
    folder = _root() / str(user.pk) / token
    files = sorted(folder.glob("*.xlsx")) if folder.is_dir() else []
    if not files or _expired(folder, time.time()):
        return None
    return files[0].name, files[0].read_bytes()


def refusal(
    problems: Sequence[Problem], *, user, sheets: Sequence[SheetCopy] = (), name: str
) -> dict:
    """Everything a refusal page needs, in one call: the context for the template
    `_import_refused.html` (report, download, hours, first). The error workbook is written and
    kept for `user` when there are uploaded sheets to copy (a file refused before any row was
    read has none, and its one or two messages are on the page)."""
    from django.urls import reverse

    problems = one_per_cell(problems)
    download = ""
    if sheets:
        token = keep_workbook(user=user, content=error_workbook(problems, sheets), name=name)
        download = reverse("import_errors", args=[token])
    return {
        "report": summarise(problems),
        "download": download,
        "hours": keep_hours(),
        "first": FIRST_ROWS,
    }
