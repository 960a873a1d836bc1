"""The one PDF style sheet: every style on the embedded CJK font, sized from the text size."""

from reportlab.lib.enums import TA_CENTER, TA_RIGHT

from onewindow.documents import FONT_NAME, pdf
from onewindow.documents.tests import pdftext


def test_every_style_uses_the_cjk_font_and_the_sheet_is_made_once():
    s = pdf.styles(13)
    for name in ("title", "plain", "body", "right", "small", "cell"):
        assert getattr(s, name).fontName == FONT_NAME, name
    assert pdf.styles(13) is s
    assert s.title.alignment == TA_CENTER and s.right.alignment == TA_RIGHT
    assert s.body.firstLineIndent == 26 and s.plain.firstLineIndent == 0
    assert s.plain.fontSize == 13 and s.title.fontSize > s.plain.fontSize
    assert pdf.styles(10, cell=8).cell.fontSize == 8


def test_grid_and_build_draw_cells_verbatim_and_embed_the_font():
    s = pdf.styles(12)
    rows = [["序号", "名称"], ["1", pdftext.HOSTILE]]
    document = pdf.build(
        [pdf.paragraph("标题", s.title), pdf.grid(rows, style=s.cell)], landscape=True
    )
    assert b"FontFile2" in document
    pdftext.assert_verbatim(document, expected_images=0, texts=("标题", "序号", pdftext.HOSTILE))


def test_no_seal_means_the_signature_lines_alone():
    class Unit:
        seal = None

    lines = [pdf.paragraph("某局（行政审批专用章）", pdf.styles(13).right)]
    assert pdf.seal_image(Unit()) is None
    assert pdf.signed(lines, Unit()) == lines
