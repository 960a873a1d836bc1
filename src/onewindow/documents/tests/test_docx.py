"""Word documents from a docxtpl layout: wording paragraphs in their Word styles, values as text."""

import io

from docx import Document
from docx.enum.style import WD_STYLE_TYPE

from onewindow.documents import docx
from onewindow.documents.tests.pdftext import HOSTILE
from onewindow.documents.wording import Para


def _layout(path) -> None:
    doc = Document()
    styles = {
        name: doc.styles.add_style(f"T {name}", WD_STYLE_TYPE.PARAGRAPH)
        for name in ("title", "right", "plain")
    }
    docx.paragraph_loop(doc, styles)
    doc.add_paragraph("落款：{{ unit }}")
    doc.save(str(path))


def test_paragraphs_take_their_styles_and_values_stay_text(tmp_path):
    _layout(tmp_path / "t.docx")
    paragraphs = [Para("标题", "title"), Para(f"正文{HOSTILE}", "body"), Para("日期", "right")]
    data = docx.render(
        tmp_path / "t.docx", {"paragraphs": docx.styled(paragraphs), "unit": "A&B<县局>"}
    )
    doc = Document(io.BytesIO(data))
    got = [(p.text, p.style.name) for p in doc.paragraphs]
    # "body" has no style of its own in this layout: it falls back to plain.
    assert got == [
        ("标题", "T title"),
        (f"正文{HOSTILE}", "T plain"),
        ("日期", "T right"),
        ("落款：A&B<县局>", "Normal"),
    ]


def test_the_countys_copy_comes_first(settings, tmp_path):
    product = tmp_path / "product.docx"
    settings.WORDING_DIR = tmp_path / "wording"
    assert docx.template_path("x/y.docx", product) == product
    (tmp_path / "wording" / "x").mkdir(parents=True)
    (tmp_path / "wording" / "x" / "y.docx").write_bytes(b"PK")
    assert docx.template_path("x/y.docx", product) == tmp_path / "wording" / "x" / "y.docx"
