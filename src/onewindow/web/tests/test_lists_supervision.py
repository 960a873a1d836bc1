"""Issue 17 item 8 on supervision's lists and the push's outbox: each says how many and pages
at 50; warnings and anomalies count only up to a cap; kiosks and the appraisal's equal scores
sort naturally."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from onewindow.cases.workflow import State
from onewindow.common.paging import page_of
from onewindow.exchange.models import Outbox
from onewindow.org.roles import RoleCode
from onewindow.supervision import appraisal, kiosks, orders
from onewindow.supervision.models import Anomaly, Kiosk, Message, Order, Rating, Ticket, Warning
from onewindow.testing.factories import CaseFactory, UnitFactory, staff_user
from onewindow.web.tests.test_query_counts_more import case_copies, copies

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


@pytest.fixture
def case(desk):
    return CaseFactory(desk=desk, state=State.ACCEPTED)


def _warnings(case, n):
    Warning.objects.bulk_create(
        Warning(
            case=case,
            unit=case.unit,
            kind=Warning.Kind.RED,
            due_on=_today() - datetime.timedelta(days=i),
            raised_on=_today(),
        )
        for i in range(n)
    )


def test_warnings_page_and_count(client, desk, case):
    _warnings(case, 51)
    client.force_login(desk.winsup)
    body = client.get("/supervision/warnings/?kind=red").content.decode()
    assert "共51项，显示第1–50项" in body
    assert "?kind=red&amp;page=2" in body
    assert (
        "共51项，显示第51–51项"
        in client.get("/supervision/warnings/?kind=red&page=2").content.decode()
    )


def test_a_capped_count_says_more_than(desk, case):
    _warnings(case, 5)
    page = page_of(Warning.objects.filter(case=case).order_by("-id"), {}, per_page=2, cap=3)
    assert page.paginator.capped and page.paginator.count == 3
    assert page.paginator.num_pages == 2 and len(page) == 2
    exact = page_of(Warning.objects.filter(case=case), {}, cap=5)
    assert not exact.paginator.capped and exact.paginator.count == 5


def test_anomalies_page(client, desk, case):
    anomaly = Anomaly.objects.create(
        rule=Anomaly.Rule.FAST_PROMISED,
        case=case,
        unit=desk.unit,
        evidence={"minutes": 2},
        detected_on=_today(),
    )
    others = iter(case_copies(case, 50))
    copies(anomaly, 50, case_id=lambda i: next(others).pk)
    client.force_login(staff_user(RoleCode.SUPERVISOR))
    body = client.get("/supervision/anomalies/?rule=fast_promised").content.decode()
    total = Anomaly.objects.filter(rule=Anomaly.Rule.FAST_PROMISED).count()
    assert f"共{total}项，显示第1–50项" in body


def test_messages_page_newest_first(client, desk):
    Message.objects.bulk_create(
        Message(user=desk.winsup, text=f"第{i}条消息", role="窗口主管") for i in range(51)
    )
    client.force_login(desk.winsup)
    body = client.get("/supervision/messages/").content.decode()
    assert "共51项，显示第1–50项" in body
    assert "第50条消息" in body and "第0条消息" not in body
    assert "第0条消息" in client.get("/supervision/messages/?page=2").content.decode()


def test_orders_page(client, desk, case):
    inspector = staff_user(RoleCode.SUPERVISOR)
    order = orders.order_issue(
        acting_user=inspector, content="请说明办理进度", response_days=3, case=case
    )
    copies(order, 50)
    client.force_login(desk.winsup)
    body = client.get("/supervision/orders/").content.decode()
    assert "共51项，显示第1–50项" in body
    assert len(re.findall(r'href="/supervision/orders/\d+/"', body)) == 50
    assert Order.objects.filter(unit=desk.unit).count() == 51


def test_tickets_page(client, desk):
    closed = CaseFactory(desk=desk, state=State.CLOSED)
    rating = Rating.objects.create(
        case=closed,
        channel=Rating.Channel.WEB,
        level=Rating.Level.DISSATISFIED,
        text="等候时间太长",
        unit=desk.unit,
        region=desk.unit.region.code if desk.unit.region_id else "",
    )
    ticket = Ticket.objects.create(
        rating=rating, unit=desk.unit, due_on=_today(), opened_on=_today()
    )
    cases = iter(case_copies(closed, 50))
    ratings = iter(copies(rating, 50, case_id=lambda i: next(cases).pk))
    copies(ticket, 50, rating_id=lambda i: next(ratings).pk)
    client.force_login(desk.winsup)
    body = client.get("/supervision/tickets/").content.decode()
    assert "共51项，显示第1–50项" in body
    assert "共51项，显示第51–51项" in client.get("/supervision/tickets/?page=2").content.decode()


def test_kiosks_sort_naturally(client, desk):
    manager = staff_user(RoleCode.HALL_MANAGER)
    for name in ["评价器10", "评价器2", "评价器1"]:
        kiosks.kiosk_register(
            acting_user=manager,
            name=name,
            purpose=Kiosk.Purpose.RATING,
            hall=desk.hall,
            window_post=desk.post,
        )
    client.force_login(manager)
    body = client.get("/supervision/kiosks/").content.decode()
    assert body.index("评价器1<") < body.index("评价器2<") < body.index("评价器10<")
    assert f"共{Kiosk.objects.count()}项" in body


def test_appraisal_equal_scores_sort_naturally():
    units = [UnitFactory(name=f"排序测试{n}号局", sections=False) for n in (10, 2, 1)]
    rates = {"on_time": 100, "early": 0, "satisfaction": 100, "rectified": 100}
    rows = [appraisal.Row(key=u.pk, score=Decimal(90), rates=rates) for u in units]
    rows.append(appraisal.Row(key=units[0].pk, score=Decimal(95), rates=rates))
    names = [line[0] for line in appraisal.table(rows, "unit")]
    assert names == ["排序测试10号局", "排序测试1号局", "排序测试2号局", "排序测试10号局"]


def test_outbox_says_how_many_failures_it_lists(client):
    Outbox.objects.bulk_create(
        Outbox(
            topic="case_event",
            key=f"case-{i}",
            event_id=f"list-count-{i}",
            payload={},
            attempts=1,
            last_error="连接超时",
        )
        for i in range(101)
    )
    client.force_login(staff_user(RoleCode.HALL_MANAGER))
    body = client.get("/exchange/outbox/").content.decode()
    failing = Outbox.objects.filter(sent_at__isnull=True, attempts__gt=0).count()
    assert f"共{failing:,}项，显示前100项" in body
