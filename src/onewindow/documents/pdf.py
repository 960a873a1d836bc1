"""PDFs with ReportLab: one style sheet on the embedded CJK font, paragraphs of plain text, grids,
the approval seal and the A4 document itself.

Every string is data. ReportLab's Paragraph reads its text as markup (<a href>, <img src>, <font>,
entities), so a name such as `<img src="/etc/passwd"/>` would add a link, embed a server file or
break the document. Paragraphs are made here, from plain text only."""

import io
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape

from django.conf import settings

from onewindow.documents import cjk_font, files


def markup(text: object) -> str:
    """Plain text as ReportLab paragraph markup that shows exactly that text; line breaks kept."""
    value = "" if text is None else str(text)
    lines = escape(value.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    return "<br/>".join(lines)


def paragraph(text: object, style):
    """A ReportLab Paragraph showing `text` verbatim (never interpreted as markup)."""
    from reportlab.platypus import Paragraph

    return Paragraph(markup(text), style)


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of every document: a centred title, a plain line, a body paragraph
    (first line indented two characters), a right-aligned line (signature, date), small print
    and table cells."""

    title: object
    plain: object
    body: object
    right: object
    small: object
    cell: object


@cache
def styles(size: float = 13, cell: float = 9) -> Styles:
    """The style sheet for text of `size` points (notices 13, letters 12, reports 10) and table
    cells of `cell` points, on the CJK font (registered once)."""
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    font = cjk_font()
    plain = ParagraphStyle("plain", fontName=font, fontSize=size, leading=round(size * 1.8))
    return Styles(
        title=ParagraphStyle(
            "title",
            fontName=font,
            fontSize=round(size * 1.5),
            leading=round(size * 2.3),
            alignment=TA_CENTER,
        ),
        plain=plain,
        body=ParagraphStyle("body", parent=plain, firstLineIndent=2 * size),
        right=ParagraphStyle("right", parent=plain, alignment=TA_RIGHT),
        small=ParagraphStyle("small", fontName=font, fontSize=9, leading=12),
        cell=ParagraphStyle("cell", fontName=font, fontSize=cell, leading=round(cell * 1.35)),
    )


def gap(mm_: float):
    """Empty space of `mm_` millimetres between flowables."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    return Spacer(1, mm_ * mm)


def page_break():
    from reportlab.platypus import PageBreak

    return PageBreak()


def grid(rows, *, style, widths_mm=None, header=True):
    """A table of plain-text cells with ruled lines; the first row is the header, shaded and
    repeated on every page when `header`."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    data = [[paragraph(v, style) if isinstance(v, str) else v for v in row] for row in rows]
    widths = [w * mm for w in widths_mm] if widths_mm else None
    table = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke))
    table.setStyle(TableStyle(commands))
    return table


def seal_image(unit, size_mm: float = 36):
    """The unit's approval seal as an image to print beside the signature, or None: no seal,
    not enabled, no impression, or one stored before uploads were limited (left out rather
    than decoded whole)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Image

    seal = getattr(unit, "seal", None)
    if seal is None or not seal.enabled or not seal.impression:
        return None
    if not files.image_fits(seal.impression, getattr(settings, "SEAL_IMAGE_MAX_SIDE", 2000)):
        return None
    return Image(seal.impression.path, size_mm * mm, size_mm * mm)


def signed(signature: list, unit) -> list:
    """The signature lines, with the unit's seal beside them when it has one to print."""
    from reportlab.platypus import Table

    seal = seal_image(unit)
    if seal is None:
        return list(signature)
    return [Table([[signature, seal]])]


def build(story, *, title: str = "", landscape: bool = False, margin_mm: float = 25) -> bytes:
    """The story as an A4 PDF (portrait or landscape) with the given side margins."""
    from reportlab.lib import pagesizes
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    size = pagesizes.landscape(pagesizes.A4) if landscape else pagesizes.A4
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=size, title=title, leftMargin=margin_mm * mm, rightMargin=margin_mm * mm
    ).build(story)
    return out.getvalue()
