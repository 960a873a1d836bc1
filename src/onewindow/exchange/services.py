"""The provincial push and the SMS queue: both outboxes (models.Claimed) go through one cycle.
`enqueue` / `sms_enqueue` are called inside the transaction that makes the change, so the row
exists exactly when the change does. A worker then claims ready rows in a short transaction,
sends them outside any transaction (a slow provincial reply or SMS gateway holds no lock a clerk
waits for), and marks them sent, or failed and backing off, in another short transaction. A claim
older than CLAIM_TIMEOUT belongs to a worker that died and is taken over, so nothing is lost; a
live claim is never taken, so two workers never send the same row.

The push goes to `ONEWINDOW_PROVINCE_URL` (token `ONEWINDOW_PROVINCE_TOKEN`) in batches, oldest
first, never a row before an older unsent row of the same key; the receiver deduplicates by
`event_id`, so a batch resent after a lost reply is counted once."""

import datetime
import logging
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from onewindow.common import rows
from onewindow.common.masking import mask_mobile
from onewindow.exchange.models import Claimed, Outbox, SmsOutbox

log = logging.getLogger("onewindow.exchange")
BACKOFF_MAX = 300  # seconds
# Far above the HTTP timeout (10 s) and one SMS: a claim this old has no living worker.
CLAIM_TIMEOUT = datetime.timedelta(seconds=120)
CLAIM_LOCK = 20261126  # the advisory lock key of the claimers
SMS_MAX_ATTEMPTS = 10  # then the text stays in the queue as failed (backoff reached 5 minutes)


def enqueue(topic: str, key: str, event_id: str, payload: dict[str, Any]) -> None:
    """One row in the caller's transaction (one INSERT, SQL built once: the case hot path)."""
    rows.insert(Outbox(topic=topic, key=key, event_id=event_id, payload=payload))


# --- the claim / send / mark cycle -----------------------------------------------------------


def _serialise_claims() -> None:
    """Claims are taken one at a time (held only for the claim's own short transaction): a
    claimer then sees every earlier claim committed, so it takes neither a row claimed by
    another worker nor a later row of a key whose earlier row another worker is sending. SQLite
    serialises writers already (IMMEDIATE transactions)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CLAIM_LOCK])


def _ready(model: type[Claimed], now: datetime.datetime) -> QuerySet:
    """Unsent rows not backing off and not claimed by a living worker."""
    return (
        model.objects.filter(sent_at__isnull=True)
        .exclude(next_attempt_at__gt=now)
        .exclude(claimed_at__gt=now - CLAIM_TIMEOUT)
    )


def _claim(qs: QuerySet, now: datetime.datetime, limit: int) -> tuple[str, list]:
    """Mark the first `limit` rows of `qs` as ours (the caller holds the claim transaction)."""
    token = uuid.uuid4().hex
    claimed = list(qs.order_by("id")[:limit])
    if claimed:
        qs.model.objects.filter(pk__in=[o.pk for o in claimed]).update(
            claimed_at=now, claim_token=token
        )
    for o in claimed:
        o.claimed_at, o.claim_token = now, token
    return token, claimed


def claim(batch: int = 500) -> tuple[str, list[Outbox]]:
    """Claim the oldest ready outbox rows, except those behind an older row of their key that
    is backing off or claimed by another worker: a case's events reach the platform in order.
    Rows of one key in one batch go together and succeed or fail together."""
    with transaction.atomic():
        _serialise_claims()
        now = timezone.now()
        blocked = Outbox.objects.filter(
            Q(next_attempt_at__gt=now) | Q(claimed_at__gt=now - CLAIM_TIMEOUT),
            sent_at__isnull=True,
            key=OuterRef("key"),
            id__lt=OuterRef("id"),
        )
        return _claim(_ready(Outbox, now).exclude(Exists(blocked)), now, batch)


def _mark_sent(model: type[Claimed], token: str, ids: Iterable[int]) -> int:
    """Only rows still claimed by `token` (a claim taken over is the other worker's to mark)."""
    return model.objects.filter(pk__in=list(ids), claim_token=token).update(
        sent_at=timezone.now(), claimed_at=None, claim_token="", last_error=""
    )


def _mark_failed(model: type[Claimed], token: str, ids: Iterable[int], error: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        failed = list(model.objects.filter(pk__in=list(ids), claim_token=token))
        for o in failed:
            o.attempts += 1
            o.next_attempt_at = now + datetime.timedelta(seconds=min(2**o.attempts, BACKOFF_MAX))
            o.last_error = error[:300]
            o.claimed_at, o.claim_token = None, ""
        model.objects.bulk_update(
            failed, ["attempts", "next_attempt_at", "last_error", "claimed_at", "claim_token"]
        )


# --- the provincial push -----------------------------------------------------------------------


@dataclass
class PushResult:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


_client: httpx.Client | None = None


def _http() -> httpx.Client:
    global _client
    if _client is None:
        _client = httpx.Client(timeout=10.0)
    return _client


def endpoint() -> str:
    return getattr(settings, "ONEWINDOW_PROVINCE_URL", "")


def push(batch: int = 500, rounds: int = 100) -> PushResult:
    """Send what is ready, batch by batch, until nothing is or a batch fails. No transaction is
    open while the platform answers."""
    url = endpoint()
    result = PushResult()
    if not url:
        return result
    token = getattr(settings, "ONEWINDOW_PROVINCE_TOKEN", "")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for _ in range(rounds):
        claim_token, ready = claim(batch)
        if not ready:
            break
        body = [{"event_id": o.event_id, "topic": o.topic, **o.payload} for o in ready]
        try:
            reply = _http().post(url, json=body, headers=headers)
            reply.raise_for_status()
            answer = reply.json()
            accepted = set(answer.get("accepted", [])) | set(answer.get("duplicates", []))
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
            _mark_failed(Outbox, claim_token, [o.pk for o in ready], error)
            log.warning("provincial push failed for %d rows: %s", len(ready), error)
            result.failed += len(ready)
            result.errors.append(str(exc)[:300])
            break
        result.sent += _mark_sent(
            Outbox, claim_token, [o.pk for o in ready if o.event_id in accepted]
        )
        missing = [o.pk for o in ready if o.event_id not in accepted]
        if missing:
            _mark_failed(Outbox, claim_token, missing, "省平台未确认接收")
            log.warning("provincial push: %d rows not confirmed", len(missing))
            result.failed += len(missing)
    return result


# --- SMS -----------------------------------------------------------------------------------------

_SMS_SILENCED: ContextVar[bool] = ContextVar("sms_silenced", default=False)


@contextmanager
def sms_silenced() -> Iterator[None]:
    """No texts are queued inside (the demo history replays the past: nobody is texted)."""
    token = _SMS_SILENCED.set(True)
    try:
        yield
    finally:
        _SMS_SILENCED.reset(token)


def sms_enqueue(messages: Iterable[tuple[str, str]]) -> int:
    """Queue (mobile, text) pairs in the caller's transaction: a change rolled back texts no
    one. The SMS job sends them."""
    if _SMS_SILENCED.get():
        return 0
    queued = [SmsOutbox(mobile=mobile, text=text) for mobile, text in messages if mobile]
    SmsOutbox.objects.bulk_create(queued, batch_size=1000)
    return len(queued)


def sms_sender():
    """The configured gateway adapter (`ONEWINDOW_SMS_SENDER`, a class with `send(mobile, text)`
    that raises when the gateway refuses)."""
    return import_string(settings.ONEWINDOW_SMS_SENDER)()


def sms_claim(batch: int = 100) -> tuple[str, list[SmsOutbox]]:
    with transaction.atomic():
        _serialise_claims()
        now = timezone.now()
        return _claim(_ready(SmsOutbox, now).filter(attempts__lt=SMS_MAX_ATTEMPTS), now, batch)


@dataclass
class SmsResult:
    sent: int = 0
    failed: int = 0


def sms_send(batch: int = 100, rounds: int = 10) -> SmsResult:
    """The SMS job: each text's claim is renewed just before it is sent and the text marked the
    moment the gateway took it, so neither a worker that dies mid-batch nor a slow gateway makes
    more than the text in flight go twice; a refused text backs off and is tried again later
    (up to SMS_MAX_ATTEMPTS times)."""
    result = SmsResult()
    sender = sms_sender()
    for _ in range(rounds):
        token, claimed = sms_claim(batch)
        if not claimed:
            break
        for sms in claimed:
            # Renew the claim on this text alone before sending it: a batch whose texts add up
            # past CLAIM_TIMEOUT is taken over by another worker, which then owns the rest.
            renewed = SmsOutbox.objects.filter(
                pk=sms.pk, claim_token=token, sent_at__isnull=True
            ).update(claimed_at=timezone.now())
            if not renewed:
                continue
            try:
                sender.send(sms.mobile, sms.text)
            except Exception as exc:  # any gateway error: the text waits for its next turn
                masked = mask_mobile(sms.mobile)
                error = f"{type(exc).__name__}: {exc}".replace(sms.mobile, masked)
                _mark_failed(SmsOutbox, token, [sms.pk], error)
                log.warning("SMS %d to %s failed: %s", sms.pk, masked, error)
                result.failed += 1
            else:
                result.sent += _mark_sent(SmsOutbox, token, [sms.pk])
    return result


def failing(limit: int = 100) -> QuerySet[Outbox]:
    """The oldest unsent events that have failed at least once."""
    return Outbox.objects.filter(sent_at__isnull=True, attempts__gt=0).order_by("id")[:limit]


def backlog() -> dict[str, Any]:
    unsent = Outbox.objects.filter(sent_at__isnull=True)
    oldest = unsent.order_by("id").values_list("created_at", flat=True).first()
    return {
        "unsent": unsent.count(),
        "failing": unsent.filter(attempts__gt=0).count(),
        "oldest": oldest,
        "sent": Outbox.objects.filter(sent_at__isnull=False).count(),
    }


def sms_backlog() -> dict[str, int]:
    unsent = SmsOutbox.objects.filter(sent_at__isnull=True)
    return {
        "unsent": unsent.count(),
        "failing": unsent.filter(attempts__gt=0, attempts__lt=SMS_MAX_ATTEMPTS).count(),
        "given_up": unsent.filter(attempts__gte=SMS_MAX_ATTEMPTS).count(),
        "sent": SmsOutbox.objects.filter(sent_at__isnull=False).count(),
    }
