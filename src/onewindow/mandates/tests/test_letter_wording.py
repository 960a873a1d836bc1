"""The authorization letter's wording comes from mandates/letter/letter.txt for the PDF, the
DOCX (docxtpl, layout only) and the letter page alike; user text stays text in the DOCX."""

import io

import pytest
from docx import Document

from onewindow.catalog.models import Item
from onewindow.documents.tests import pdftext
from onewindow.mandates import documents
from onewindow.mandates.models import Letter
from onewindow.testing.factories import DeskFactory

pytestmark = pytest.mark.django_db


def _letter() -> Letter:
    """A filed letter of all six clauses granting a new unit's two items."""
    return Letter.objects.select_related("unit", "supervisor", "team_leader").get(
        pk=DeskFactory().letter.pk
    )


def _docx_text(data: bytes) -> tuple[str, list]:
    doc = Document(io.BytesIO(data))
    return "\n".join(p.text for p in doc.paragraphs), doc


def test_docx_paragraphs_in_their_styles_and_the_annex_table():
    letter = _letter()
    text, doc = _docx_text(documents.letter_docx(letter))
    assert "{%" not in text and "{{" not in text
    styles = {p.text: p.style.name for p in doc.paragraphs}
    assert styles["审批服务授权委托书"] == "OW Title"
    assert styles["附：授权事项清单"] == "OW Annex"
    assert styles[f"授权委托机关：{letter.unit.name}"] == "OW Plain"
    for body in documents.paragraphs(letter):
        assert styles[body] == "OW Body"
    annex = doc.tables[0]
    assert [c.text for c in annex.rows[0].cells] == documents.ANNEX_HEADERS
    first = letter.powers.select_related("item").order_by("item__basic_code").first()
    assert annex.rows[1].cells[1].text == first.item.name


def test_docx_keeps_markup_like_text_as_text():
    letter = _letter()
    first = letter.powers.order_by("item__basic_code").first()
    Item.objects.filter(pk=first.item_id).update(name=pdftext.HOSTILE)
    letter.unit.name = pdftext.HOSTILE
    letter.other_tasks = "第一项&<b>第二项</b>"
    text, doc = _docx_text(documents.letter_docx(letter))
    assert f"授权委托机关：{pdftext.HOSTILE}" in text
    assert "：第一项&<b>第二项</b>" in text
    assert doc.tables[0].rows[1].cells[1].text == pdftext.HOSTILE


def test_a_changed_letter_template_changes_the_pdf_the_docx_and_the_page(settings, tmp_path):
    edited = tmp_path / "mandates" / "letter"
    edited.mkdir(parents=True)
    (edited / "letter.txt").write_text(
        '{% load wording %}{% para "title" %}授权委托书（修订）{% endpara %}\n'
        "{% para %}兹授权{{ names }}同志办理下列事项：{% endpara %}\n"
        "{% for clause in clauses %}{% para %}{{ clause.numeral }}、{{ clause.text }}"
        "{% endpara %}{% endfor %}\n"
        '{% para "annex" %}附：授权事项清单{% endpara %}\n',
        encoding="utf-8",
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    letter = _letter()
    names = f"{letter.supervisor.name}、{letter.team_leader.name}"
    pdf_text = pdftext.text(documents.letter_pdf(letter))
    docx_text, _ = _docx_text(documents.letter_docx(letter))
    for text in (pdf_text, docx_text):
        assert "授权委托书（修订）" in text and f"兹授权{names}同志办理下列事项：" in text
        assert "四、负责管理、使用本部门“行政审批专用章”。" in text
        assert "授权委托人负责对被授权人实施的审批服务工作" not in text
    assert documents.paragraphs(letter)[0] == f"兹授权{names}同志办理下列事项："


def test_the_countys_own_word_layout_is_used_when_it_has_one(settings, tmp_path):
    own = Document(str(documents.DOCX_TEMPLATE))
    own.add_paragraph("（县政府办公室监制）")
    (tmp_path / "mandates").mkdir()
    own.save(str(tmp_path / "mandates" / "letter.docx"))
    letter = _letter()
    assert "（县政府办公室监制）" not in _docx_text(documents.letter_docx(letter))[0]
    settings.WORDING_DIR = tmp_path
    text, _ = _docx_text(documents.letter_docx(letter))
    assert "（县政府办公室监制）" in text and f"授权委托机关：{letter.unit.name}" in text
