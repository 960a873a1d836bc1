"""Where a case stands against its due date, for any list row or page: the one answer of
`selectors.time_left` (with `cases/_due_date.html` and `cases/_time_left.html`)."""

import datetime

from django import template
from django.utils import timezone

from onewindow.cases import selectors

register = template.Library()


@register.simple_tag
def time_left(case, today: datetime.date | None = None):
    """{% time_left case as standing %}: None before acceptance or once ended undecided."""
    return selectors.time_left(case, today or timezone.localdate())
