"""Where a case stands against its due date, for any list row or page: the one answer of
`selectors.time_left`, and the two cells every list shows of it. Tags, not included templates:
a list of 50 rows included them 100 times, about a fifth of the window's page (issue 22)."""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from onewindow.cases import selectors

register = template.Library()

PROVISIONAL = format_html(
    ' <span class="tag warn" title="{}">暂定</span>',
    "暂定：所跨年度的国务院节假日安排尚未录入，录入后自动重算",
)


@register.simple_tag
def time_left(case, today: datetime.date | None = None):
    """{% time_left case as standing %}: None before acceptance or once ended undecided."""
    return selectors.time_left(case, today or timezone.localdate())


@register.simple_tag
def time_left_text(standing):
    """{% time_left_text standing %}: the time left (red once overdue), or — without one."""
    if not standing:
        return "—"
    if standing.overdue:
        return format_html('<span class="bad">{}</span>', standing.text)
    return format_html("<span>{}</span>", standing.text)


@register.simple_tag
def due_date(case):
    """{% due_date case %}: the promised date, marked 暂定 while a year it crosses has no State
    Council schedule (recomputed once it is entered)."""
    if case.due_date is None:
        return "—"
    if case.due_provisional:
        return format_html("{}{}", case.due_date.isoformat(), PROVISIONAL)
    return case.due_date.isoformat()
