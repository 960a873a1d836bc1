"""Spreadsheet cells for exports: user text is text, never a formula. openpyxl stores any string
that starts with "=" as a formula, and Excel or WPS evaluate text cells starting with "=", "+",
"-" or "@" (and tab or carriage return, OWASP's list) once someone edits them. Such strings are
written as string cells with Excel's quote prefix: the value itself is unchanged, so an exported
catalogue imports back exactly."""

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

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
