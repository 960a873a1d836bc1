"""Regenerate src/onewindow/mandates/templates/mandates/letter.docx, the Word layout of the
authorization letter (审批服务授权委托书), for docxtpl.

The wording is not here: it is mandates/letter/letter.txt, whose paragraphs the template prints
in the style each names (title, plain, body, right, annex). This file only decides fonts,
indents, alignment and the annex table. The .docx may also be edited in Word instead: keep the
{%p ... %} lines and the {{r p.text }} / {{ ... }} fields as they are.

    .venv/bin/python scripts/letter_docx_template.py
"""

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from onewindow.documents.docx import paragraph_loop

TARGET = (
    Path(__file__).resolve().parent.parent / "src/onewindow/mandates/templates/mandates/letter.docx"
)
COLUMNS = 7


def _style(doc, name: str, *, size=12, bold=False, align=None, indent=None, page_break=False):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.font.size = Pt(size)
    style.font.bold = bold
    if align is not None:
        style.paragraph_format.alignment = align
    if indent is not None:
        style.paragraph_format.first_line_indent = indent
    style.paragraph_format.page_break_before = page_break
    return style


def build() -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "SimSun"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    normal.font.size = Pt(12)
    styles = {
        "title": _style(doc, "OW Title", size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER),
        "body": _style(doc, "OW Body", indent=Pt(24)),
        "right": _style(doc, "OW Right", align=WD_ALIGN_PARAGRAPH.RIGHT),
        "annex": _style(doc, "OW Annex", bold=True, page_break=True),
        "plain": _style(doc, "OW Plain"),
    }
    paragraph_loop(doc, styles)
    table = doc.add_table(rows=4, cols=COLUMNS)
    table.style = "Table Grid"
    for n in range(COLUMNS):
        table.rows[0].cells[n].text = f"{{{{ headers[{n}] }}}}"
        table.rows[2].cells[n].text = f"{{{{ row[{n}] }}}}"
    table.rows[1].cells[0].text = "{%tr for row in rows %}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    return doc


if __name__ == "__main__":
    build().save(TARGET)
    print(TARGET)
