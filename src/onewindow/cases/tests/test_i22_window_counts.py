"""Issue 22: the window's queue counts (every page a clerk opens, in the navigation) read the
window-work index alone. At 1,000,000 cases a comprehensive window serving 36 units read 25,376
rows from the table — mostly other windows' mailed results awaiting the courier's receipt — to
count 3,616 (83 ms); from case_window_work, which now holds every column the queues and the
clerk's scope test, it is an index-only scan (3.7 ms)."""

import re

import pytest
from django.db import connection
from django.utils import timezone

from onewindow.cases.actions import queues
from onewindow.cases.models import Case, Channel
from onewindow.cases.workflow import State
from onewindow.testing.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _index(name: str) -> set[str]:
    index = next(i for i in Case._meta.indexes if i.name == name)
    names = [*index.fields, *index.include]
    return {Case._meta.get_field(f).column for f in names}


def _counted(user) -> tuple[dict, str, list]:
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        counts = queues.tab_counts("cases:workbench", user, timezone.localdate())
    sql, params = next((s, p) for s, p in reversed(seen) if "COUNT(" in s)
    return counts, sql, params


def test_i22_the_window_counts_read_only_the_window_work_index(desk):
    CaseFactory(desk=desk, channel=Channel.ONLINE)  # online, to accept
    CaseFactory(desk=desk, state=State.DECIDED)  # to deliver
    mailed = CaseFactory(desk=desk, state=State.CLOSED)
    Case.objects.filter(pk=mailed.pk).update(delivery_mode=Case.DeliveryMode.MAIL)
    counts, sql, _ = _counted(desk.clerk)
    assert (counts["online"], counts["deliver"], counts["mailed"]) == (1, 1, 1)
    # Every column of cases_case the count reads is in the index (key or INCLUDE), and it asks
    # for no id: what lets PostgreSQL answer from the index without visiting the rows.
    read = set(re.findall(r'"cases_case"\."(\w+)"', sql))
    assert read and read <= _index("case_window_work"), read - _index("case_window_work")
    assert 'COUNT("cases_case"."id")' not in sql


def test_i22_the_window_counts_plan_is_an_index_only_scan(desk):
    if connection.vendor != "postgresql":
        pytest.skip("the plans are PostgreSQL's")
    CaseFactory(desk=desk, channel=Channel.ONLINE)
    CaseFactory(desk=desk, state=State.DECIDED)
    _, sql, params = _counted(desk.clerk)
    with connection.cursor() as cursor:
        # A few rows, not vacuumed: without these the planner would read them from the table.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using case_window_work" in plan, plan
