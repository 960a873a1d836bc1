"""{{ bytes|size_text }}: a file's size as people read it, "56 KB" under 1 MB, "2.4 MB" from
there on (the upload page's script says it the same way)."""

from django import template

register = template.Library()


@register.filter
def size_text(value) -> str:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return ""
    if n < 1048576:
        return f"{int(n / 1024 + 0.5) or min(n, 1)} KB"  # half up, as upload.js; a few bytes: 1 KB
    return f"{n / 1048576:.1f}".removesuffix(".0") + " MB"
