"""Issue 15 item 26: warning SMS go through the outbox. They are queued in the scan's own
transaction (a rolled-back change texts no one), sent by the SMS job, tried again later when the
gateway fails, never sent twice; the number is encrypted in the queue and masked in errors and
logs; the demo history queues none for the past."""

import datetime
import logging
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.test import override_settings

from onewindow.common.masking import mask_mobile
from onewindow.exchange import services as exchange
from onewindow.exchange.models import SmsOutbox
from onewindow.org.roles import RoleCode
from onewindow.supervision import services as supervision
from onewindow.supervision import sms
from onewindow.supervision.models import Message, Warning
from onewindow.supervision.sms import MemorySender
from onewindow.supervision.tests.test_scan import transferred
from onewindow.testing.factories import UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 10, 12, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


class FlakyGateway:
    """Refuses every text while `down`, naming the number as real gateways do."""

    down = True
    sent: list[tuple[str, str]] = []

    def send(self, mobile: str, text: str) -> None:
        if FlakyGateway.down:
            raise ConnectionError(f"gateway busy, {mobile} not sent")
        FlakyGateway.sent.append((mobile, text))


FLAKY = "onewindow.supervision.tests.test_i15_26_sms_outbox.FlakyGateway"


@pytest.fixture
def yellow_case():
    """A case to turn yellow; the staff it warns have mobile numbers."""
    case = transferred()
    MemorySender.sent.clear()
    FlakyGateway.sent.clear()
    FlakyGateway.down = True
    return case


@time_machine.travel(NOW, tick=False)
@override_settings(ONEWINDOW_SMS_SENDER="onewindow.supervision.sms.MemorySender")
def test_i15_26_a_rolled_back_scan_texts_no_one(yellow_case):
    with pytest.raises(RuntimeError), transaction.atomic():
        assert supervision.scan(yellow_case.yellow_from).warnings == 1
        assert SmsOutbox.objects.count() == Message.objects.count() > 0  # queued with them
        raise RuntimeError("the scan's transaction fails after the warnings")
    assert not Warning.objects.exists() and not SmsOutbox.objects.exists()
    assert exchange.sms_send().sent == 0 and MemorySender.sent == []


@time_machine.travel(NOW, tick=False)
@override_settings(ONEWINDOW_SMS_SENDER=FLAKY)
def test_i15_26_a_failing_gateway_is_tried_again_later_and_nothing_twice(yellow_case, caplog):
    supervision.scan(yellow_case.yellow_from)
    queued = list(SmsOutbox.objects.order_by("id"))
    people = Message.objects.filter(warning__case=yellow_case).count()
    assert len(queued) == people > 0
    number = queued[0].mobile
    with connection.cursor() as cursor:  # encrypted at rest
        cursor.execute(
            f"SELECT mobile FROM {SmsOutbox._meta.db_table} WHERE id = %s", [queued[0].pk]
        )
        assert number not in cursor.fetchone()[0]

    with caplog.at_level(logging.INFO):
        failed = exchange.sms_send()
    assert (failed.sent, failed.failed) == (0, people) and FlakyGateway.sent == []
    row = SmsOutbox.objects.get(pk=queued[0].pk)
    assert row.attempts == 1 and row.sent_at is None and row.next_attempt_at > NOW
    assert mask_mobile(number) in row.last_error and number not in row.last_error
    assert number not in caplog.text and mask_mobile(number) in caplog.text
    assert exchange.sms_send().sent == 0  # backing off: not tried again at once

    FlakyGateway.down = False
    with time_machine.travel(NOW + datetime.timedelta(seconds=3), tick=False):
        assert exchange.sms_send().sent == people
        assert sorted(m for m, _ in FlakyGateway.sent) == sorted(o.mobile for o in queued)
        assert exchange.sms_send().sent == 0 and len(FlakyGateway.sent) == people  # not twice
    assert not SmsOutbox.objects.filter(sent_at__isnull=True).exists()


@time_machine.travel(NOW, tick=False)
@override_settings(ONEWINDOW_SMS_SENDER="onewindow.supervision.sms.MemorySender")
def test_the_replayed_past_queues_no_texts(yellow_case):
    with sms.silenced():
        supervision.scan(yellow_case.yellow_from)
    assert Message.objects.filter(warning__case=yellow_case).exists()  # in-app as ever
    assert not SmsOutbox.objects.exists()
    assert exchange.sms_send().sent == 0 and MemorySender.sent == []


@time_machine.travel(NOW, tick=False)
@override_settings(ONEWINDOW_SMS_SENDER="onewindow.supervision.sms.MemorySender")
def test_i15_26_a_dead_senders_claim_is_taken_over_and_a_live_one_is_not(yellow_case):
    supervision.scan(yellow_case.yellow_from)
    token, claimed = exchange.sms_claim()  # a worker claims, then dies before sending
    assert claimed and token
    assert exchange.sms_send().sent == 0  # a live claim is not taken
    with time_machine.travel(NOW + exchange.CLAIM_TIMEOUT + datetime.timedelta(seconds=1)):
        assert exchange.sms_send().sent == len(claimed)
    assert len(MemorySender.sent) == len(claimed)


@time_machine.travel(NOW, tick=False)
@override_settings(ONEWINDOW_SMS_SENDER=FLAKY)
def test_i15_26_the_push_page_shows_the_sms_queue(yellow_case, client):
    supervision.scan(yellow_case.yellow_from)
    failed = exchange.sms_send().failed
    client.force_login(UserFactory(roles=[RoleCode.SUPERVISOR]))  # 电子监察
    body = client.get("/exchange/outbox/").content.decode()
    assert "短信队列" in body and f"{failed} 条" in body and "短信发送失败待重试" in body
    number = SmsOutbox.objects.first().mobile
    assert number not in body  # the page shows counts, never a number


class SlowGateway:
    """Takes 100 s over each text (under the claim timeout, but a batch's texts add up): while it
    sends the second text of the batch, another worker takes over the rest and sends them."""

    sent: list[str] = []
    traveller = None

    def send(self, mobile: str, text: str) -> None:
        SlowGateway.sent.append(text)
        SlowGateway.traveller.shift(datetime.timedelta(seconds=100))
        if len(SlowGateway.sent) == 2:
            exchange.sms_send(rounds=1)  # the other worker takes over the rest of the batch


@override_settings(
    ONEWINDOW_SMS_SENDER="onewindow.supervision.tests.test_i15_26_sms_outbox.SlowGateway"
)
def test_i15_26_a_batch_taken_over_mid_send_is_not_sent_twice(db):
    exchange.sms_enqueue([(f"1380000{n:04d}", f"第{n}条") for n in range(4)])
    SlowGateway.sent = []
    with time_machine.travel(NOW, tick=False) as traveller:
        SlowGateway.traveller = traveller
        exchange.sms_send()
    assert sorted(SlowGateway.sent) == [f"第{n}条" for n in range(4)]  # each exactly once
    assert SmsOutbox.objects.filter(sent_at__isnull=True).count() == 0
