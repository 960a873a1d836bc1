"""The provincial push and the SMS queue: both outboxes (models.Claimed) go through one cycle.
`enqueue` / `sms_enqueue` are called inside the transaction that makes the change, so the row
exists exactly when the change does. A worker then claims ready rows in a short transaction,
sends them outside any transaction (a slow provincial reply or SMS gateway holds no lock a clerk
waits for), and marks them sent, or failed and backing off, in another short transaction. A claim
older than CLAIM_TIMEOUT belongs to a worker that died and is taken over, so nothing is lost; a
live claim is never taken, so two workers never send the same row.

The push goes to `ONEWINDOW_PROVINCE_URL` (token `ONEWINDOW_PROVINCE_TOKEN`) in batches, oldest
first, never a row before an older unsent row of the same key. A row is one event as it
happened (one cheap INSERT on the case's hot path); its national records (datasets/table.py)
are built when it is sent, by the builder its app registered, from the row and the source rows
as they are then. Record ids come from the row's event id, so the receiver deduplicates a batch
resent after a lost reply, and a record refused for bad source data is resent, once fixed,
under the same id."""

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
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from onewindow.common import rows
from onewindow.common.http_failures import Peer, describe
from onewindow.common.masking import mask_mobile
from onewindow.exchange import datasets
from onewindow.exchange.models import Claimed, Outbox, SmsOutbox
from onewindow.exchange.records import (  # noqa: F401 (the apps register through services)
    BUILDERS,
    TOPICS,
    Builder,
    Record,
    build,
    check,
    register,
    topic_label,
)

log = logging.getLogger("onewindow.exchange")
BACKOFF_MAX = 300  # seconds
# Far above the HTTP timeout (10 s) and one SMS: a claim this old has no living worker.
CLAIM_TIMEOUT = datetime.timedelta(seconds=120)
CLAIM_LOCK = 20261126  # the advisory lock key of the claimers
SMS_MAX_ATTEMPTS = 10  # then the text stays in the queue as failed (backoff reached 5 minutes)
HTTP_TIMEOUT = 10.0  # seconds
PROVINCE = Peer(
    name="省平台", address="省平台推送地址", system="省平台", credential="接入令牌", request="推送"
)


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
    """Claim the oldest ready outbox rows, except refused ones and those behind an older row of
    their key that is refused, backing off or claimed by another worker: a case's events reach
    the platform in order. Rows of one key in one batch go together and fail together."""
    with transaction.atomic():
        _serialise_claims()
        now = timezone.now()
        blocked = Outbox.objects.filter(
            Q(next_attempt_at__gt=now)
            | Q(claimed_at__gt=now - CLAIM_TIMEOUT)
            | Q(refused_at__isnull=False),
            sent_at__isnull=True,
            key=OuterRef("key"),
            id__lt=OuterRef("id"),
        )
        ready = _ready(Outbox, now).filter(refused_at__isnull=True)
        return _claim(ready.exclude(Exists(blocked)), now, batch)


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
    refused: int = 0
    records: int = 0  # records the platform took (accepted or already had)
    errors: list[str] = field(default_factory=list)


_client: httpx.Client | None = None


def _http() -> httpx.Client:
    global _client
    if _client is None:
        _client = httpx.Client(timeout=HTTP_TIMEOUT)
    return _client


def endpoint() -> str:
    return getattr(settings, "ONEWINDOW_PROVINCE_URL", "")


def _mark_refused(token: str, reasons: dict[int, str]) -> None:
    now = timezone.now()
    with transaction.atomic():
        rows = list(Outbox.objects.filter(pk__in=list(reasons), claim_token=token))
        for o in rows:
            o.refused_at, o.refusal = now, reasons[o.pk][:300]
            o.claimed_at, o.claim_token = None, ""
        Outbox.objects.bulk_update(rows, ["refused_at", "refusal", "claimed_at", "claim_token"])


def _release(token: str, ids: Iterable[int]) -> None:
    """Give back rows not sent, or not taken, because an earlier row of their key in this batch
    was refused or not confirmed: they wait behind it, not counted as attempts."""
    Outbox.objects.filter(pk__in=list(ids), claim_token=token).update(
        claimed_at=None, claim_token=""
    )


def push(batch: int = 500, rounds: int = 100) -> PushResult:
    """Send what is ready, batch by batch, until nothing is or a batch fails. No transaction is
    open while the platform answers. Each row's national records are built now, from the row
    and its source rows; a row whose records the schema refuses is marked refused (reason kept,
    its key's later rows wait) and not sent; the platform answers per record. A key's rows after
    one the platform refused or did not confirm are given back to wait behind it (not marked
    sent, whatever the platform said of them, and not counted as attempts)."""
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
        now = timezone.now()
        batch_no = f"{datasets.date_time(now)}-{claim_token[:8]}"
        try:
            built = build(ready, batch_no, now)
        except Exception as exc:  # a defect in a builder: the rows back off, nothing is lost
            error = f"组装记录出错：{type(exc).__name__}"
            _mark_failed(Outbox, claim_token, [o.pk for o in ready], error)
            log.exception("provincial push: building %d rows failed", len(ready))
            result.failed += len(ready)
            result.errors.append(error)
            break
        refused: dict[int, str] = {}
        held: list[int] = []
        waiting: set[str] = set()
        to_send: list[Outbox] = []
        for o in ready:  # in id order: a key's rows in the order they were written
            if o.key in waiting:
                held.append(o.pk)
                continue
            made = built[o.pk]
            reason = made if isinstance(made, str) else check(made)
            if reason:
                refused[o.pk] = reason
                waiting.add(o.key)
            else:
                to_send.append(o)
        if refused:
            _mark_refused(claim_token, refused)
            log.warning("provincial push: %d rows refused before sending", len(refused))
            result.refused += len(refused)
        if held:
            _release(claim_token, held)
        if not to_send:
            continue
        body = {"batch_no": batch_no, "records": [r for o in to_send for r in built[o.pk]]}
        try:
            reply = _http().post(url, json=body, headers=headers)
            reply.raise_for_status()
            answer = reply.json()
            taken = set(answer.get("accepted", [])) | set(answer.get("duplicates", []))
            platform_refused = {
                r["record_id"]: str(r.get("reason", ""))[:250] for r in answer.get("refused", [])
            }
        except (httpx.HTTPError, ValueError, AttributeError, KeyError, TypeError) as exc:
            # The page and the row say it in Chinese; the raw text (a URL) goes to the log only.
            error = describe(exc, peer=PROVINCE, timeout=HTTP_TIMEOUT)[:300]
            _mark_failed(Outbox, claim_token, [o.pk for o in to_send], error)
            log.warning(
                "provincial push failed for %d rows: %s: %s", len(to_send), type(exc).__name__, exc
            )
            result.failed += len(to_send)
            result.errors.append(error)
            break
        done, missing, refused, behind, waiting = [], [], {}, [], set()
        for o in to_send:  # in id order: after a key's row is refused or lost, the rest wait
            if o.key in waiting:
                behind.append(o.pk)
                continue
            ids = [r["record_id"] for r in built[o.pk]]
            no = next((i for i in ids if i in platform_refused), None)
            if no is not None:
                refused[o.pk] = f"省平台拒收：{platform_refused[no] or '未说明原因'}"
                waiting.add(o.key)
            elif all(i in taken for i in ids):
                done.append(o.pk)
                result.records += len(ids)
            else:
                missing.append(o.pk)
                waiting.add(o.key)
        result.sent += _mark_sent(Outbox, claim_token, done)
        if behind:
            _release(claim_token, behind)
        if refused:
            _mark_refused(claim_token, refused)
            log.warning("provincial push: the platform refused %d rows", len(refused))
            result.refused += len(refused)
        if missing:
            _mark_failed(Outbox, claim_token, missing, "省平台未确认接收")
            log.warning("provincial push: %d rows not confirmed", len(missing))
            result.failed += len(missing)
    return result


@dataclass
class ResendResult:
    queued: int = 0  # their records now meet the schema: they go at the next push
    still: int = 0  # still refused: the source is not fixed yet (reason updated)
    reason: str = ""  # the first of those reasons


def resend(*, ids: Iterable[int] | None = None, chunk: int = 500) -> ResendResult:
    """重新推送: refused rows (all, or those of `ids`) are built anew from their source rows as
    they are now and checked against the schema at once: those that pass go at the next push
    (the platform may still refuse them on rules of its own); those that do not stay refused
    with the current reason, so the person who pressed the button learns at once that the
    source is not fixed yet."""
    qs = Outbox.objects.filter(sent_at__isnull=True, refused_at__isnull=False).order_by("id")
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    result, after = ResendResult(), 0
    while rows := list(qs.filter(id__gt=after)[:chunk]):
        after = rows[-1].pk
        reasons = {}
        try:
            built = build(rows, "recheck", timezone.now())
        except Exception:  # a defect in a builder: queue them; the push backs off and logs it
            log.exception("provincial push: rechecking %d refused rows failed", len(rows))
            built = {}
        for o in rows:
            made = built.get(o.pk, [])
            reason = made if isinstance(made, str) else check(made)
            if reason:
                reasons[o.pk] = reason
        passed = [o.pk for o in rows if o.pk not in reasons]
        with transaction.atomic():
            result.queued += Outbox.objects.filter(
                pk__in=passed, refused_at__isnull=False, sent_at__isnull=True
            ).update(refused_at=None, refusal="", attempts=0, next_attempt_at=None, last_error="")
            still = [o for o in rows if o.pk in reasons]
            for o in still:
                o.refusal = reasons[o.pk][:300]
            Outbox.objects.bulk_update(still, ["refusal"])
        result.still += len(still)
        result.reason = result.reason or next(iter(reasons.values()), "")
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
    """The oldest unsent events that have failed at least once (and are not refused)."""
    return Outbox.objects.filter(
        sent_at__isnull=True, refused_at__isnull=True, attempts__gt=0
    ).order_by("id")[:limit]


def refused(limit: int = 100) -> QuerySet[Outbox]:
    """The oldest refused rows, each waiting for its source to be fixed and a person to resend."""
    return Outbox.objects.filter(sent_at__isnull=True, refused_at__isnull=False).order_by("id")[
        :limit
    ]


def backlog() -> dict[str, Any]:
    """The push page's counts of the unsent rows (read through the small unsent index: the
    cost is the backlog's, not the log's), the oldest unsent row's time and the last push's.
    Sent rows are not counted: their number grows with every event of every year (4.9 million
    at 1,000,000 cases, half a second a page view); the last push's time says the push runs."""
    unsent = Outbox.objects.filter(sent_at__isnull=True)
    counts = unsent.aggregate(
        unsent=Count("id"),
        failing=Count("id", filter=Q(attempts__gt=0, refused_at__isnull=True)),
        refused=Count("id", filter=Q(refused_at__isnull=False)),
    )
    return {
        **counts,
        "oldest": unsent.order_by("id").values_list("created_at", flat=True).first(),
        "last_sent": _last_sent(Outbox),
    }


def _last_sent(model) -> datetime.datetime | None:
    """When the newest sent row was sent: read backwards from the newest id (the rows pushed
    last are the newest but for the few still waiting)."""
    return (
        model.objects.filter(sent_at__isnull=False)
        .order_by("-id")
        .values_list("sent_at", flat=True)
        .first()
    )


def sms_backlog() -> dict[str, Any]:
    unsent = SmsOutbox.objects.filter(sent_at__isnull=True)
    return {
        **unsent.aggregate(
            unsent=Count("id"),
            failing=Count("id", filter=Q(attempts__gt=0, attempts__lt=SMS_MAX_ATTEMPTS)),
            given_up=Count("id", filter=Q(attempts__gte=SMS_MAX_ATTEMPTS)),
        ),
        "last_sent": _last_sent(SmsOutbox),
    }
