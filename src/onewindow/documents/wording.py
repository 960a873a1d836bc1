"""The wording of notices and letters, kept in Django templates so the county can change it
without code. A wording template marks each paragraph:

    {% load wording %}
    {% para "plain" %}{{ case.applicant_name }}：{% endpara %}
    {% para %}你（单位）于{{ case.received_on|cn_date }}提出的……{% endpara %}

Only what stands inside {% para %} is printed; text between paragraphs is a note for the editor.
Inside a paragraph the template's own line breaks and indentation are dropped (a long sentence
may be wrapped over several lines), while a value keeps its line breaks. Values are plain text:
nothing is HTML-escaped here, and the PDF and DOCX writers draw every paragraph as data.

The style names what the document does with the paragraph: "body" (indented, the default),
"plain", "right" (signature, date), "title", "annex" (a new page before it). `gap` is space in
millimetres after the paragraph."""

from dataclasses import dataclass

from django.template.loader import get_template

KEY = "_wording_paragraphs"
STYLES = ("body", "plain", "right", "title", "annex")


@dataclass(frozen=True)
class Para:
    text: str
    style: str = "body"
    gap: float = 0


def paragraphs(template_name: str, context: dict) -> list[Para]:
    """The paragraphs `template_name` yields for `context`, in order."""
    found: list[Para] = []
    get_template(template_name).render({**context, KEY: found})
    return found


def texts(template_name: str, context: dict) -> list[str]:
    return [p.text for p in paragraphs(template_name, context)]
