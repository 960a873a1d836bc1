"""Template tags of the wording templates (see onewindow.documents.wording): {% para %} and the
Chinese date filter."""

import re

from django import template
from django.template.base import TextNode

from onewindow.documents.dates import cn_date as _cn_date
from onewindow.documents.wording import KEY, STYLES, Para

register = template.Library()
_TEMPLATE_BREAK = re.compile(r"\s*\n\s*")


@register.filter
def cn_date(value, blank: str = ""):
    """{{ day|cn_date }} → 2026年11月8日; {{ day|cn_date:"（未定）" }} for a missing date."""
    return _cn_date(value, blank)


class ParaNode(template.Node):
    def __init__(self, nodelist, style, gap):
        self.nodelist, self.style, self.gap = nodelist, style, gap

    def render(self, context):
        autoescape, context.autoescape = context.autoescape, False
        try:
            text = self.nodelist.render(context).strip()
        finally:
            context.autoescape = autoescape
        found = context.get(KEY)
        if found is not None:
            found.append(Para(text, self.style.resolve(context), float(self.gap.resolve(context))))
        return ""


@register.tag
def para(parser, token):
    """{% para [style] [gap=mm] %}text{% endpara %}: one paragraph of the document."""
    bits = token.split_contents()[1:]
    style, gap = '"body"', "0"
    for bit in bits:
        if bit.startswith("gap="):
            gap = bit[4:]
        else:
            style = bit
    nodelist = parser.parse(("endpara",))
    parser.delete_first_token()
    for node in nodelist.get_nodes_by_type(TextNode):
        node.s = _TEMPLATE_BREAK.sub("", node.s)
    style_expr, gap_expr = parser.compile_filter(style), parser.compile_filter(gap)
    literal = style.strip("\"'")
    if style[0] in "\"'" and literal not in STYLES:
        raise template.TemplateSyntaxError(f"para: unknown style {literal!r}, use one of {STYLES}")
    return ParaNode(nodelist, style_expr, gap_expr)
