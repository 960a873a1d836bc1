"""Regenerate src/onewindow/reform/templates/reform/report.docx, the Word layout of the unit's
self-inspection report (深化审批服务“三集中三到位”改革自查报告), for docxtpl.

The wording is not here: it is reform/report/report.txt, whose paragraphs the template prints in
the style each names (title, plain, body, right). This file only decides fonts, indents and
alignment. The .docx may also be edited in Word instead: keep the {%p ... %} lines and the
{{r p.text }} fields as they are.

    .venv/bin/python scripts/report_docx_template.py
"""

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from onewindow.documents.docx import paragraph_loop

TARGET = (
    Path(__file__).resolve().parent.parent / "src/onewindow/reform/templates/reform/report.docx"
)


def _style(doc, name: str, *, size=16, bold=False, align=None, indent=None):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.font.size = Pt(size)
    style.font.bold = bold
    if align is not None:
        style.paragraph_format.alignment = align
    if indent is not None:
        style.paragraph_format.first_line_indent = indent
    return style


def build() -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "FangSong"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    normal.font.size = Pt(16)  # 三号, as official documents are set (GB/T 9704)
    styles = {
        "title": _style(doc, "OW Title", size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER),
        "body": _style(doc, "OW Body", indent=Pt(32)),
        "right": _style(doc, "OW Right", align=WD_ALIGN_PARAGRAPH.RIGHT),
        "plain": _style(doc, "OW Plain"),
    }
    paragraph_loop(doc, styles)
    return doc


if __name__ == "__main__":
    build().save(TARGET)
    print(TARGET)
