"""Spreadsheet cells for exports: user text is text, never a formula. openpyxl stores any string
that starts with "=" as a formula, and Excel or WPS evaluate text cells starting with "=", "+",
"-" or "@" (and tab or carriage return, OWASP's list) once someone edits them. Such strings are
written as string cells with Excel's quote prefix: the value itself is unchanged, so an exported
catalogue imports back exactly.

`write_table` lays out every exported table (catalogue, attachment 5, appraisal) the same way."""

import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(ws, value: Any) -> Cell:
    """A cell for `ws` (normal or write-only) holding `value` as data."""
    if isinstance(value, str):
        # Control characters cannot be stored in XLSX at all; openpyxl would raise.
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        c.data_type = "s"
        c.quotePrefix = True
    return c


def row(ws, values) -> list[Cell]:
    """A row for `ws.append(...)`, every string cell safe."""
    return [v if isinstance(v, Cell) else cell(ws, v) for v in values]


@dataclass(frozen=True)
class Column:
    """A table column: its header, its width in characters, and for two header levels the group
    it stands under (consecutive columns with the same group share one merged cell above).
    `fill` shades the header (e.g. a required column in an import template)."""

    header: str
    width: float | None = None
    group: str = ""
    fill: str = ""


THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _merge(ws, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    if (first_row, first_col) == (last_row, last_col):
        return
    ref = CellRange(min_row=first_row, min_col=first_col, max_row=last_row, max_col=last_col).coord
    if hasattr(ws, "merge_cells"):
        ws.merge_cells(ref)
    else:  # a write-only sheet writes the ranges it holds
        ws.merged_cells.add(ref)


def _header_rows(ws, columns: list[Column], top: int, ruled: bool) -> None:
    """One header row, or two when any column has a group: a group's cell spans its columns on
    the first row; a column without a group spans both rows."""
    two = any(c.group for c in columns)
    rows = [[], []] if two else [[]]
    for n, col in enumerate(columns):
        starts_group = col.group and (n == 0 or columns[n - 1].group != col.group)
        if two:
            rows[0].append(col.group if starts_group else (None if col.group else col.header))
            rows[1].append(col.header if col.group else None)
        else:
            rows[0].append(col.header)
    for values in rows:
        cells = []
        for col, value in zip(columns, values, strict=True):
            c = cell(ws, value)
            c.font = Font(bold=True)
            if col.fill:
                c.fill = PatternFill("solid", fgColor=col.fill)
            if ruled:
                c.border, c.alignment = BORDER, CENTRE
            cells.append(c)
        ws.append(cells)
    if not two:
        return
    n = 0
    while n < len(columns):
        col = columns[n]
        if not col.group:
            _merge(ws, top, n + 1, top + 1, n + 1)
            n += 1
            continue
        end = n
        while end + 1 < len(columns) and columns[end + 1].group == col.group:
            end += 1
        _merge(ws, top, n + 1, top, end + 1)
        n = end + 1


def write_table(
    ws,
    columns: list[Column],
    rows,
    *,
    title: str = "",
    subtitle: str = "",
    footer=(),
    footer_gap: int = 1,
    ruled: bool = True,
    freeze: bool = False,
) -> None:
    """A table on an empty sheet (normal or write-only): a title merged over the columns, an
    optional line under it (e.g. 填报单位（盖章）：…), one or two header rows, the data rows (every
    string cell safe from formulas), and a footer row (e.g. 审核领导 / 填报人 / 联系电话) after
    `footer_gap` empty rows. `ruled` draws cell borders with wrapped, centred text; `freeze`
    keeps the header in view."""
    for n, col in enumerate(columns, start=1):
        if col.width:
            ws.column_dimensions[get_column_letter(n)].width = col.width
    top = 1 + bool(title) + bool(subtitle)
    if freeze:  # before the first row: a write-only sheet writes its view first
        levels = 2 if any(c.group for c in columns) else 1
        ws.freeze_panes = f"A{top + levels}"
    if title:
        c = cell(ws, title)
        c.font, c.alignment = Font(bold=True, size=14), Alignment(horizontal="center")
        ws.append([c])
        _merge(ws, 1, 1, 1, len(columns))
    if subtitle:
        ws.append([cell(ws, subtitle)])
    _header_rows(ws, columns, top, ruled)
    for values in rows:
        cells = row(ws, values)
        if ruled:
            for c in cells:
                c.border, c.alignment = BORDER, WRAP
        ws.append(cells)
    if footer:
        for _ in range(footer_gap):
            ws.append([])
        ws.append(row(ws, footer))


def book(title: str, *, write_only: bool = False):
    """A new workbook and its first sheet, named `title`."""
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet(title) if write_only else wb.active
    ws.title = title
    return wb, ws


def save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
