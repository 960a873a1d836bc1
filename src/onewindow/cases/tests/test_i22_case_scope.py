"""Issue 22: the cases a user may see are read without DISTINCT (the scope is subqueries, no
join): a case that the scope reaches by several branches — the own unit's, at a window post
the user holds, an online application waiting for a window the posts serve — comes once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.cases import selectors
from onewindow.cases.models import Channel
from onewindow.cases.workflow import State
from onewindow.testing.factories import CaseFactory, DeskFactory

pytestmark = pytest.mark.django_db


def test_i22_a_case_reached_by_several_branches_of_the_scope_is_listed_once(client):
    desk = DeskFactory()
    at_window = CaseFactory(desk=desk, state=State.ACCEPTED)  # own unit and the held post
    online = CaseFactory(desk=desk, channel=Channel.ONLINE)  # own unit and a served unit
    assert at_window.window_post_id == desk.post.pk and online.window_post_id is None
    with CaptureQueriesContext(connection) as ctx:
        ids = list(selectors.case_list_for_user(user=desk.clerk).values_list("pk", flat=True))
    assert sorted(ids) == sorted([at_window.pk, online.pk])
    assert "DISTINCT" not in ctx.captured_queries[-1]["sql"]
    client.force_login(desk.clerk)
    for case in (at_window, online):
        assert client.get(f"/cases/{case.pk}/").status_code == 200


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_i22_the_departments_counts_and_take_overs_read_their_small_indexes():
    """On PostgreSQL the department's tab counts read case_review_due alone (the state and the
    yellow date are in it: an index-only scan) and its take-overs the accepted cases' own
    index, not the unit's index of every case it ever had (migration cases 0028)."""
    if connection.vendor != "postgresql":
        pytest.skip("the plans are PostgreSQL's")
    from django.utils import timezone

    from onewindow.cases.actions import queues

    desk = DeskFactory()
    for state in (State.TRANSFERRED, State.SUSPENDED, State.ACCEPTED, State.CLOSED):
        CaseFactory(desk=desk, state=state)
    today = timezone.localdate()
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        queues.tab_counts("cases:department", desk.reviewer, today)
        counted = seen[-1]
        list(selectors.awaiting_take_over(unit_id=desk.unit.pk, day=today))
        take_over = seen[-1]
    plan = _plan(*counted)
    assert "Index Only Scan using case_review_due" in plan, plan
    plan = _plan(*take_over)
    assert "case_accepted" in plan and "case_unit" not in plan, plan


def test_i22_the_case_page_reads_the_technical_reviews_once(client):
    """The page, its offers (an open review decides which moves it offers) and the history all
    read the case's technical reviews: one query, kept on the case."""
    desk = DeskFactory()
    case = CaseFactory(desk=desk, state=State.TRANSFERRED)
    client.force_login(desk.reviewer)
    client.get(f"/cases/{case.pk}/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    reads = [q for q in ctx.captured_queries if 'FROM "cases_techreview"' in q["sql"]]
    assert len(reads) == 1, [q["sql"][:80] for q in reads]
