"""Catalogue import and export: XLSX (Chinese headers, labels) and JSON (English keys, codes).

Import reads and checks every row first and writes only when no row has an error, in one
transaction; every error names its sheet, row and column, one message per cell, and a refusal
comes with an error workbook (common/import_report.py). Export → import is the identity.

`reader` turns an upload into numbered rows, `checker` validates them (and builds the check
report's sheet), `writer` exports and writes a checked import.
"""

from onewindow.catalog.transfer.checker import check_xlsx, import_catalogue
from onewindow.catalog.transfer.reader import (
    FORMULA,
    JSON_FORMAT,
    MAX_ROWS,
    Formula,
    ImportRefused,
    RowError,
    max_bytes,
    read_json,
    read_upload,
    read_upload_with_copies,
    read_xlsx,
    sheet_copies,
)
from onewindow.catalog.transfer.writer import (
    ImportResult,
    export_json,
    export_queryset,
    export_xlsx,
    records,
    write_sheet,
)

__all__ = [
    "FORMULA",
    "JSON_FORMAT",
    "MAX_ROWS",
    "Formula",
    "ImportRefused",
    "ImportResult",
    "RowError",
    "check_xlsx",
    "export_json",
    "export_queryset",
    "export_xlsx",
    "import_catalogue",
    "max_bytes",
    "read_json",
    "read_upload",
    "read_upload_with_copies",
    "read_xlsx",
    "records",
    "sheet_copies",
    "write_sheet",
]
