"""Word documents from docxtpl templates: the layout lives in a .docx, the words come from a
wording template (onewindow.documents.wording) or the data. Every value is escaped as text."""

import io
from pathlib import Path

from django.conf import settings


def template_path(relative: str, product: Path) -> Path:
    """The county's own copy of a .docx layout under ONEWINDOW_WORDING_DIR when it has one
    (e.g. `mandates/letter.docx`), else the product's."""
    own = Path(settings.WORDING_DIR) / relative
    return own if own.is_file() else product


def styled(paragraphs) -> list[dict]:
    """Wording paragraphs for a layout that loops `{%p for p in paragraphs %}` and prints
    `{{r p.text }}` in the Word style its `p.style` names; line breaks in values are kept."""
    from docxtpl import RichText

    return [{"style": p.style, "text": RichText(p.text)} for p in paragraphs]


def render(template: Path, context: dict) -> bytes:
    """The filled document; values are XML-escaped (a name holding markup is text)."""
    from docxtpl import DocxTemplate

    doc = DocxTemplate(template)
    doc.render(context, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def paragraph_loop(doc, styles: dict) -> None:
    """Write into a python-docx Document the docxtpl loop that `styled` paragraphs fill: one
    paragraph per wording style, each in its Word style (`styles`: wording style → Word
    paragraph style; "plain" is the fallback and must be there)."""
    doc.add_paragraph("{%p for p in paragraphs %}")
    first = True
    for name, style in styles.items():
        if name == "plain":
            continue
        doc.add_paragraph(("{%p if " if first else "{%p elif ") + f'p.style == "{name}" %}}')
        doc.add_paragraph("{{r p.text }}", style=style)
        first = False
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("{{r p.text }}", style=styles["plain"])
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endfor %}")
