"""The provincial push. `enqueue` is called inside the transaction that makes the change, so the
row exists exactly when the change does; `push` sends the backlog in batches to the provincial
endpoint (`ONEWINDOW_PROVINCE_URL`, token `ONEWINDOW_PROVINCE_TOKEN`), oldest first, never a
row before an older unsent row of the same key, and backs off after a failure. The receiver
deduplicates by `event_id`, so a batch resent after a lost reply is counted once."""

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from onewindow.common import rows
from onewindow.exchange.models import Outbox

log = logging.getLogger("onewindow.exchange")
BACKOFF_MAX = 300  # seconds
PUSH_LOCK = 20261126  # the advisory lock key of the pusher


def enqueue(topic: str, key: str, event_id: str, payload: dict[str, Any]) -> None:
    """One row in the caller's transaction (one INSERT, SQL built once: the case hot path)."""
    rows.insert(Outbox(topic=topic, key=key, event_id=event_id, payload=payload))


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


def _ready(now: datetime.datetime, limit: int) -> list[Outbox]:
    """The oldest unsent rows, except those behind an older row of their key that is backing
    off: a case's events reach the platform in order. Rows of one key in one batch go together
    and succeed or fail together."""
    backing_off = Outbox.objects.filter(
        sent_at__isnull=True, key=OuterRef("key"), id__lt=OuterRef("id"), next_attempt_at__gt=now
    )
    qs = (
        Outbox.objects.filter(sent_at__isnull=True)
        .exclude(next_attempt_at__gt=now)
        .exclude(Exists(backing_off))
        .order_by("id")
    )
    return list(qs[:limit])


def _only_pusher() -> bool:
    """One pusher at a time (two would race a case's events past each other): a transaction
    advisory lock on PostgreSQL; SQLite serialises writers anyway."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [PUSH_LOCK])
        return cursor.fetchone()[0]


def endpoint() -> str:
    return getattr(settings, "ONEWINDOW_PROVINCE_URL", "")


def push(batch: int = 500, rounds: int = 100) -> PushResult:
    """Send what is ready, batch by batch, until nothing is or a batch fails."""
    url = endpoint()
    result = PushResult()
    if not url:
        return result
    token = getattr(settings, "ONEWINDOW_PROVINCE_TOKEN", "")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for _ in range(rounds):
        with transaction.atomic():
            if not _only_pusher():
                break
            now = timezone.now()
            ready = _ready(now, batch)
            if not ready:
                break
            body = [{"event_id": o.event_id, "topic": o.topic, **o.payload} for o in ready]
            try:
                reply = _http().post(url, json=body, headers=headers)
                reply.raise_for_status()
                accepted = set(reply.json().get("accepted", [])) | set(
                    reply.json().get("duplicates", [])
                )
            except (httpx.HTTPError, ValueError) as exc:
                _failed(ready, now, f"{type(exc).__name__}: {exc}"[:300])
                result.failed += len(ready)
                result.errors.append(str(exc)[:300])
                break
            done = [o.pk for o in ready if o.event_id in accepted]
            Outbox.objects.filter(pk__in=done).update(sent_at=now, last_error="")
            missing = [o for o in ready if o.event_id not in accepted]
            if missing:
                _failed(missing, now, "省平台未确认接收")
                result.failed += len(missing)
            result.sent += len(done)
    return result


def _failed(rows_: list[Outbox], now: datetime.datetime, error: str) -> None:
    for o in rows_:
        o.attempts += 1
        o.next_attempt_at = now + datetime.timedelta(seconds=min(2**o.attempts, BACKOFF_MAX))
        o.last_error = error
    Outbox.objects.bulk_update(rows_, ["attempts", "next_attempt_at", "last_error"])
    log.warning("provincial push failed for %d rows: %s", len(rows_), error)


def backlog() -> dict[str, Any]:
    unsent = Outbox.objects.filter(sent_at__isnull=True)
    oldest = unsent.order_by("id").values_list("created_at", flat=True).first()
    return {
        "unsent": unsent.count(),
        "failing": unsent.filter(attempts__gt=0).count(),
        "oldest": oldest,
        "sent": Outbox.objects.filter(sent_at__isnull=False).count(),
    }
