"""Template helpers for lists."""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def thousands(value) -> str:
    """1236 → "1,236" (the separator Chinese government pages use), whatever the language."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


@register.simple_tag(takes_context=True)
def jinja(context, name: str, **extra):
    """{% jinja "cases/_queue_rows.html" rows=cases %}: the rows of a long list, from the Jinja2
    template `name` (an app's jinja2/ folder; web/jinja.py), given this page's context and
    `extra`. Jinja2 escapes what it writes (autoescape), so its output is marked safe here."""
    template = engines["jinja2"].get_template(name)
    return mark_safe(template.template.render({**context.flatten(), **extra}))
