"""The provincial push: every case event in the outbox in its own transaction, pushed as its
national records in order per case, idempotent by record id (made from the event id), and
nothing lost or doubled across a receiver outage."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onewindow.cases import services
from onewindow.cases.models import CaseEvent
from onewindow.cases.national import apply_no
from onewindow.cases.tests.conftest import DAY
from onewindow.exchange import services as exchange
from onewindow.exchange.models import Outbox
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def _instant_lifecycle(desk):
    """An instant case of `desk` submitted, accepted and decided at the window: three events."""
    case = CaseFactory(desk=desk, item=desk.instant_item, day=DAY)
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    case = services.case_decide_at_window(
        acting_user=desk.clerk, case=case, result="approved", day=DAY
    )
    return case


def _later(seconds: int):
    """Let the back-off pass without sleeping."""
    Outbox.objects.filter(sent_at__isnull=True).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=seconds)
    )


def test_every_event_is_in_the_outbox_with_the_change(desk):
    case = _instant_lifecycle(desk)
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    rows = list(Outbox.objects.filter(key=f"case-{case.pk}").order_by("id"))
    assert [r.event_id for r in rows] == [f"case-event-{e.pk}" for e in events]
    assert [r.payload["action"] for r in rows] == ["submit", "accept", "decide_at_window"]
    assert rows[-1].payload["case_number"] == case.number and rows[-1].sent_at is None
    # A refused move writes nothing: no event, no outbox row.
    before = Outbox.objects.count()
    with pytest.raises(ValidationError, match="不能窗口即办决定"):
        services.case_decide_at_window(acting_user=desk.clerk, case=case, result="approved")
    assert Outbox.objects.count() == before


def test_push_sends_in_order_once_and_marks_sent(receiver, desk):
    cases = [_instant_lifecycle(desk) for _ in range(3)]
    result = exchange.push(batch=4)
    assert result.sent == 9 and result.failed == 0
    assert not Outbox.objects.filter(sent_at__isnull=True).exists()
    got = receiver.store.records()
    assert result.records == len(got)
    for case in cases:
        mine = [r for r in got if r["apply_no"] == apply_no(case)]
        materials = case.materials.count()
        # Per case, in order: the application with its checklist, acceptance, the decision step.
        assert [r["data_set"] for r in mine] == [
            "application",
            *["application_material"] * materials,
            "acceptance",
            "handling",
        ]
        assert [r["record_id"].split("/")[0] for r in mine[-2:]] == [
            f"case-event-{e.pk}" for e in CaseEvent.objects.filter(case=case).order_by("seq")[1:]
        ]
    assert exchange.push().sent == 0  # nothing left; nothing sent twice


def test_an_outage_loses_nothing_and_sends_nothing_twice(receiver, desk):
    first = _instant_lifecycle(desk)
    receiver.down = True
    result = exchange.push()
    assert result.sent == 0 and result.failed == 3  # the case's three events fail together
    row = Outbox.objects.filter(key=f"case-{first.pk}").first()
    assert row.attempts == 1 and "503" in row.last_error and row.next_attempt_at > timezone.now()
    assert exchange.push().sent == 0  # backing off: not tried again yet
    second = _instant_lifecycle(desk)  # work goes on while the platform is down
    receiver.down = False
    _later(1)
    result = exchange.push()
    assert result.sent == 6
    stored = receiver.store.count()
    assert stored == result.records > 6  # each case: application, materials, acceptance, step
    # A reply lost after the receiver stored a batch: the batch is sent again and counted once.
    Outbox.objects.filter(key=f"case-{second.pk}").update(sent_at=None)
    assert exchange.push().sent == 3 and receiver.store.count() == stored
    assert exchange.backlog()["unsent"] == 0


def test_a_later_event_waits_for_an_earlier_failed_one_of_its_case(receiver, desk):
    case = _instant_lifecycle(desk)
    rows = list(Outbox.objects.filter(key=f"case-{case.pk}").order_by("id"))
    rows[0].next_attempt_at = timezone.now() + datetime.timedelta(minutes=5)
    rows[0].attempts = 1
    rows[0].save()
    assert exchange.push().sent == 0  # the submit event is backing off: its successors wait
    assert receiver.store.count() == 0
    _later(1)
    assert exchange.push().sent == 3


def test_no_endpoint_configured_keeps_everything(settings, desk):
    settings.ONEWINDOW_PROVINCE_URL = ""
    _instant_lifecycle(desk)
    assert exchange.push().sent == 0 and exchange.backlog()["unsent"] == 3


def test_backlog_page_shows_failures(client, receiver, desk):
    _instant_lifecycle(desk)
    receiver.down = True
    exchange.push()
    client.force_login(UserFactory(roles=[RoleCode.SUPERVISOR]))  # 电子监察
    body = client.get("/exchange/outbox/").content.decode()
    assert "推送失败待重试" in body and "503" in body and "case-event-" in body
    client.force_login(desk.clerk)
    assert client.get("/exchange/outbox/").status_code == 403


def test_backlog_page_says_when_the_push_last_succeeded_without_counting_the_log(
    client, receiver, desk
):
    """The page's cost is the backlog's (issue 22): the sent rows of every year are not
    counted; the page says when the last row was pushed instead."""
    client.force_login(UserFactory(roles=[RoleCode.SUPERVISOR]))
    Outbox.objects.update(sent_at=None)  # whatever the demo left: nothing pushed yet
    assert "尚未推送过" in client.get("/exchange/outbox/").content.decode()
    _instant_lifecycle(desk)
    exchange.push()
    last = Outbox.objects.order_by("-id").first().sent_at
    assert last is not None and exchange.backlog()["last_sent"] == last
    body = client.get("/exchange/outbox/").content.decode()
    local = timezone.localtime(last)
    assert f"最近一次推送成功</dt><dd>{local:%Y-%m-%d %H:%M:%S}" in body
    with CaptureQueriesContext(connection) as ctx:
        exchange.backlog()
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1, counts  # one pass over the unsent rows only
    assert counts[0].endswith('WHERE "exchange_outbox"."sent_at" IS NULL')
    assert '"sent_at" IS NOT NULL' not in counts[0]
