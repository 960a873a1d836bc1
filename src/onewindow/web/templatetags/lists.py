"""Template helpers for lists."""

from django import template

register = template.Library()


@register.filter
def thousands(value) -> str:
    """1236 → "1,236" (the separator Chinese government pages use), whatever the language."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)
