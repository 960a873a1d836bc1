"""The navigation's counts per role (issue 17 item 2): `web.queues.counts` adds up each app's
queues on the page an entry links to — the window's, the team leader's and the department's
cases, the inspector's new warnings and 督办, the unit's 督办 to answer, the hall manager's posts
without cover today — and each tab of those pages makes the same number of queries with one row
as with a hundred."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.cases.workflow import State
from onewindow.org import cover
from onewindow.org import queues as org_queues
from onewindow.org.models import Leave, WindowPost
from onewindow.org.roles import RoleCode
from onewindow.supervision import orders
from onewindow.supervision import queues as supervision_queues
from onewindow.supervision.models import Warning
from onewindow.testing.factories import (
    CaseFactory,
    DeskFactory,
    WindowPostFactory,
    staff_user,
)
from onewindow.web import queues
from onewindow.web.navigation import nav_for
from onewindow.web.tests.test_query_counts import CASE_LINK, assert_flat, cases

pytestmark = pytest.mark.django_db

PAGES = {
    "cases:workbench",
    "cases:review",
    "cases:department",
    "supervision:warnings",
    "supervision:orders",
    "org:hall_cover",
}
MAIL = {"address": "测试县测试路1号", "carrier": "EMS", "tracking": "1190000000001"}


@pytest.fixture
def inspector():
    return staff_user(RoleCode.SUPERVISOR)


def warn(case, kind=Warning.Kind.RED) -> Warning:
    today = timezone.localdate()
    return Warning.objects.create(
        case=case, unit_id=case.unit_id, kind=kind, due_on=today, raised_on=today
    )


def test_window_team_leader_and_department_counts(desk):
    CaseFactory(desk=desk, state=State.CORRECTING)
    CaseFactory(desk=desk, state=State.DECIDED)
    CaseFactory(desk=desk, state=State.ACCEPTED)
    CaseFactory(desk=desk, state=State.TRANSFERRED)
    CaseFactory(desk=desk, state=State.SUSPENDED)
    assert queues.counts(desk.clerk, PAGES)["cases:workbench"] == 2
    assert queues.counts(desk.teamlead, PAGES)["cases:review"] == 1
    assert queues.counts(desk.reviewer, PAGES)["cases:department"] == 2
    # Only for the entries the user sees.
    assert queues.counts(desk.clerk, {"cases:workbench"}) == {"cases:workbench": 2}


def test_inspector_counts_new_warnings_and_open_orders(desk, inspector):
    running = CaseFactory(desk=desk, state=State.TRANSFERRED)
    other = CaseFactory(desk=desk, state=State.TRANSFERRED)
    done = CaseFactory(desk=desk, state=State.DECIDED)
    warn(running), warn(done)  # the decided case's warning is past handling
    ordered = warn(other, Warning.Kind.YELLOW)
    order = orders.order_issue(
        acting_user=inspector,
        content="请说明超期原因",
        response_days=3,
        case=other,
        warning=ordered,
    )
    found = queues.counts(inspector, PAGES)
    assert found["supervision:warnings"] == 1  # ordered and past-handling ones are not new
    assert found["supervision:orders"] == 1
    # The unit answers: the order waits for the inspector's closing, still counted for them.
    assert [o.pk for o in supervision_queues.orders(desk.winsup, "waiting")] == [order.pk]
    orders.order_respond(acting_user=desk.winsup, order=order, response="已督促办理")
    assert queues.counts(inspector, PAGES)["supervision:orders"] == 1
    assert not supervision_queues.orders(desk.winsup, "waiting").exists()
    assert not supervision_queues.orders(DeskFactory().winsup, "waiting").exists()  # other unit
    # The unit's people see their 督办 as a tab of the page, not as a navigation count.
    assert "supervision:warnings" not in queues.counts(desk.winsup, PAGES)
    assert "supervision:orders" not in queues.counts(desk.winsup, PAGES)


def test_hall_manager_counts_posts_with_nobody_present_today():
    manager = staff_user(RoleCode.HALL_MANAGER)
    before = queues.counts(manager, PAGES)["org:hall_cover"]
    post = WindowPostFactory(staff_b=None)
    today = timezone.localdate()
    Leave.objects.create(
        staff=post.staff_a, start=today, end=today, reason="病假", status=Leave.Status.APPROVED
    )
    assert queues.counts(manager, PAGES)["org:hall_cover"] == before + 1
    covered = WindowPostFactory()  # A away, B present: covered
    Leave.objects.create(
        staff=covered.staff_a, start=today, end=today, reason="事假", status=Leave.Status.APPROVED
    )
    assert queues.counts(manager, PAGES)["org:hall_cover"] == before + 1
    # The one query counts what the hall cover page lists (org.cover).
    posts = WindowPost.objects.filter(active=True)
    listed = [c.post.pk for c in cover.cover_on(today, posts) if c.on_duty is None]
    assert sorted(org_queues.uncovered(posts, today).values_list("pk", flat=True)) == sorted(listed)
    # Not the clerk's queue.
    assert "org:hall_cover" not in queues.counts(staff_user(RoleCode.WINDOW_CLERK), PAGES)


def test_the_navigation_shows_each_roles_counts(client, desk, inspector):
    CaseFactory(desk=desk, state=State.DECIDED)
    warn(CaseFactory(desk=desk, state=State.TRANSFERRED))
    counted = {url: n for _label, url, n in nav_for(desk.clerk)}
    assert counted["/cases/window/"] == 1
    counted = {url: n for _label, url, n in nav_for(inspector)}
    assert counted["/supervision/warnings/"] == 1
    client.force_login(inspector)
    body = client.get("/supervision/warnings/?queue=new").content.decode()
    assert 'href="?queue=new" aria-current="page"' in body and "未督办的在办预警" in body


# --- each tab's queries stay flat ------------------------------------------------------------

# Issue 22: 3 fewer each, as a page view no longer writes the session (SAVEPOINT, UPDATE, RELEASE).
# One fewer again: each page's tab counts serve its own navigation entry (issue 22).
PINNED = {
    "workbench_correcting": 9,
    "workbench_deliver": 10,  # and the 一件事 waiting to be handed over together
    "workbench_mailed": 9,
    "department_suspended": 6,  # no key projects or take-overs above a queue
    "warnings_new": 8,
    "orders_waiting": 9,
}


def test_workbench_tabs_are_flat(client):
    desk = DeskFactory()

    def mailed(n):
        for _ in range(n):
            case = CaseFactory(desk=desk, state=State.DECIDED)
            services.case_deliver(
                acting_user=desk.clerk, case=case, mode=Case.DeliveryMode.MAIL, detail=dict(MAIL)
            )

    for name, add in (
        ("correcting", lambda n: cases(desk, State.CORRECTING, n)),
        ("deliver", lambda n: cases(desk, State.DECIDED, n)),
        ("mailed", mailed),
    ):
        url = f"/cases/window/?queue={name}"
        assert_flat(client, desk.clerk, url, add, CASE_LINK, f"workbench_{name}", PINNED)


def test_department_tab_is_flat(client):
    desk = DeskFactory()
    assert_flat(
        client,
        desk.reviewer,
        "/cases/department/?queue=suspended",
        lambda n: cases(desk, State.SUSPENDED, n),
        CASE_LINK,
        "department_suspended",
        PINNED,
    )


def test_inspector_tabs_are_flat(client, inspector):
    desk = DeskFactory()

    def warned(n):
        for _ in range(n):
            warn(CaseFactory(desk=desk, state=State.ACCEPTED))

    def ordered(n):
        for _ in range(n):
            orders.order_issue(
                acting_user=inspector, content="请反馈", response_days=3, unit=desk.unit
            )

    assert_flat(
        client,
        inspector,
        "/supervision/warnings/?queue=new",
        warned,
        CASE_LINK,
        "warnings_new",
        PINNED,
    )
    assert_flat(
        client,
        inspector,
        "/supervision/orders/?queue=waiting",
        ordered,
        r'href="/supervision/orders/\d+/"',
        "orders_waiting",
        PINNED,
    )


def test_a_day_without_cover_is_today(desk):
    """The count reads today's leaves only: tomorrow's leave leaves today's cover whole."""
    manager = staff_user(RoleCode.HALL_MANAGER)
    before = queues.counts(manager, PAGES)["org:hall_cover"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for staff in (desk.clerk.staff, desk.clerk_b.staff):
        Leave.objects.create(
            staff=staff, start=tomorrow, end=tomorrow, reason="年假", status=Leave.Status.APPROVED
        )
    assert queues.counts(manager, PAGES)["org:hall_cover"] == before


def _case_counts(client, url: str) -> tuple[list[str], str]:
    """The COUNTs over cases a page view makes, and its body."""
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(url).content.decode()
    sql = [q["sql"] for q in ctx.captured_queries]
    return [q for q in sql if "COUNT(" in q and '"cases_case"' in q], body


def test_i22_a_queue_page_counts_its_cases_once_for_its_tabs_and_the_navigation(client, desk):
    """Issue 22: the department's and the window's pages count their queues in one query, which
    the navigation's entry for the same page reuses (request.waiting) instead of counting again;
    the entry shows the same number as before."""
    cases(desk, State.TRANSFERRED, 2)
    cases(desk, State.SUSPENDED, 1)
    cases(desk, State.DECIDED, 4)
    client.force_login(desk.reviewer)
    counted, body = _case_counts(client, "/cases/department/")
    assert len(counted) == 1
    assert 'title="待办3件"' in body and "共3项" in body
    # Another page still counts the entry itself, the same number.
    other, body = _case_counts(client, "/cases/search/")
    assert len(other) == 1 and 'title="待办3件"' in body
    client.force_login(desk.clerk)
    counted, body = _case_counts(client, "/cases/window/?queue=deliver")
    assert len(counted) == 1 and 'title="待办4件"' in body


def test_i22_new_warnings_are_counted_up_to_the_cap(client, desk, inspector, monkeypatch):
    """Issue 22: the inspector's new warnings grow with the open cases (16,891 at 1,000,000
    cases, 48 ms to count on every page): they are counted up to CAP + 1, shown as CAP+."""
    monkeypatch.setattr(supervision_queues, "CAP", 2)
    for _ in range(4):
        warn(CaseFactory(desk=desk, state=State.TRANSFERRED))
    assert supervision_queues.new_warning_count(inspector) == 3
    assert queues.counts(inspector, PAGES)["supervision:warnings"] == 3
    with CaptureQueriesContext(connection) as ctx:
        supervision_queues.new_warning_count(inspector)
    assert "LIMIT 3" in ctx.captured_queries[-1]["sql"]
    client.force_login(inspector)
    body = client.get("/supervision/warnings/?queue=new").content.decode()
    assert '<span class="count some">2+</span>' in body
