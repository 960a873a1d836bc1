"""Jinja2 for the rows of the long work lists (decision 81): a list of 50 cases through the Django
template language cost about 550 Python calls a row (each `{{ }}` resolves through the context
stack, each `{% url %}` reverses through the resolver), two fifths of a department workbench at
1,000,000 cases (issue 22). The same row compiled by Jinja2 is plain Python. The page around it
stays a Django template and includes the rows with `{% jinja "cases/_queue_rows.html" rows=cases %}`
(web/templatetags/lists.py); the rows escape everything as the Django templates do
(autoescape, set by Django's backend)."""

import datetime
import functools

from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext
from jinja2 import Environment

from onewindow.cases.templatetags.case_deadlines import due_date, time_left, time_left_text
from onewindow.cases.workflow import State

_ARG = 987654321  # stands for the argument while a path is reversed once


@functools.lru_cache(maxsize=64)
def _around(name: str, prefix: str) -> tuple[str, str]:
    head, _, tail = reverse(name, args=[_ARG]).partition(str(_ARG))
    return head, tail


def url(pk: int, name: str, *more) -> str:
    """`{{ c.pk|url("cases:detail") }}`: the path of the URL `name` for a whole-number argument
    (a case's id), reversed once per name and script prefix, then joined: a row's `reverse` was
    a quarter of its cost. With `more` arguments, reversed as Django's {% url %} does."""
    if more:
        return reverse(name, args=[pk, *more])
    head, tail = _around(name, get_script_prefix())
    return f"{head}{int(pk)}{tail}"


def local(value: datetime.datetime, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """`{{ e.at|local }}`: the moment in the county's time, as the Django templates' `date`
    filter shows it (`|local("c")`: ISO 8601, for a <time datetime>)."""
    value = timezone.localtime(value)
    return value.isoformat() if pattern == "c" else value.strftime(pattern)


def ymd(value: datetime.date | None) -> str:
    """2026-12-01, or nothing (as the Django templates' `date:"Y-m-d"` of None)."""
    return value.isoformat() if value else ""


def state(value: str) -> str:
    """`{{ c.state|state }}`: the state's name (as `get_state_display`, without its walk through
    every choice)."""
    return str(State(value).label)


def environment(**options) -> Environment:
    """Helpers are filters, not globals: a template calls a filter directly, a global through
    the context's `call` (a fifth of a row's cost)."""
    env = Environment(**options)
    env.filters.update(
        url=url,
        ymd=ymd,
        local=local,
        state=state,
        static=static,
        due_date=due_date,
        time_left=time_left,
        time_left_text=time_left_text,
    )
    env.globals["_"] = gettext
    return env
