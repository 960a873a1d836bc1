"""What a spreadsheet program would see in an exported workbook: formulas or plain text."""

import io
import zipfile

from openpyxl import load_workbook

from onewindow.documents.xlsx import FORMULA_STARTS

# Strings a spreadsheet would run as formulas if they were not written as text.
FORMULAS = [
    '=HYPERLINK("http://x","点")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
]


def assert_text_not_formulas(data: bytes, expected=FORMULAS) -> None:
    """No formula anywhere; every risky string is a quoted text cell; each expected value is
    present exactly as written."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    values = []
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
                values.append(cell.value)
    for text in expected:
        assert any(isinstance(v, str) and text in v for v in values), text
