"""PDF text for ReportLab: every string is data. ReportLab's Paragraph reads its text as markup
(<a href>, <img src>, <font>, entities), so a name such as `<img src="/etc/passwd"/>` would add a
link, embed a server file or break the document. Paragraphs are made here, from plain text only."""

from xml.sax.saxutils import escape


def markup(text: object) -> str:
    """Plain text as ReportLab paragraph markup that shows exactly that text; line breaks kept."""
    value = "" if text is None else str(text)
    lines = escape(value.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    return "<br/>".join(lines)


def paragraph(text: object, style):
    """A ReportLab Paragraph showing `text` verbatim (never interpreted as markup)."""
    from reportlab.platypus import Paragraph

    return Paragraph(markup(text), style)
