"""Subscriptions and the outbox rows of a case event.

A department system subscribes with its own API key to its own unit's case events
(`subscription_create`; the secret is returned once). Each case event then writes one `Delivery`
per live subscription of the case's unit, in the move's transaction (`on_case_event`, a listener
of cases' `event_written`): none for a move rolled back, none lost for one committed. `sending`
sends them.

The move's cost when a unit has no subscription is one set lookup: each process keeps the set of
units that have any (`live_units`), read again at once in the process that changes a
subscription, in every process on the machine when the stamp file (under ONEWINDOW_VAR_DIR) is
replaced at the change's commit (one stat() per move), and at least every REFRESH_SECONDS (other
machines of one deployment). A unit in the set costs one INSERT … SELECT over the live
subscriptions, so a set stale by a removed subscription writes nothing wrong; one stale by a new
subscription made on another machine misses that unit's moves for at most REFRESH_SECONDS.
"""

import logging
import os
import secrets
import threading
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from onewindow.cases.models import ApiClient, Case, CaseEvent
from onewindow.org.models import Unit, User
from onewindow.webhooks.addresses import check_url
from onewindow.webhooks.models import Delivery, Subscription

log = logging.getLogger("onewindow.webhooks")

REFRESH_SECONDS = 10.0
MAX_PER_CLIENT = 5  # live subscriptions of one system


# --- subscriptions -----------------------------------------------------------------------------


def subscription_create(
    *, client: ApiClient, url: str, unit_id: int | None = None
) -> tuple[Subscription, str]:
    """Subscribe `client` (a department system) to the case events of the unit it acts for.
    Returns the subscription and its signing secret, which is shown this once."""
    if client.unit_id is None:
        raise PermissionDenied(
            f"{client.name}未绑定单位，不能订阅办件推送；只有绑定单位的部门系统可以订阅本单位的办件。"
        )
    unit_id = client.unit_id if unit_id is None else unit_id
    if unit_id != client.unit_id:
        other = Unit.objects.filter(pk=unit_id).values_list("name", flat=True).first()
        raise PermissionDenied(
            f"{client.name}只代表{client.unit}，不能订阅{other or f'编号为{unit_id}的单位'}的办件。"
        )
    url = check_url(url)
    with transaction.atomic():
        live = Subscription.objects.select_for_update().filter(client=client, active=True)
        urls = [s.url for s in live]
        if url in urls:
            raise ValidationError({"url": "本系统已用该地址订阅，无须重复订阅。"})
        if len(urls) >= MAX_PER_CLIENT:
            raise ValidationError(
                f"每个部门系统最多{MAX_PER_CLIENT}个有效订阅；请先取消不再使用的订阅。"
            )
        secret = "whsec_" + secrets.token_urlsafe(32)
        subscription = Subscription.objects.create(
            client=client, unit_id=unit_id, url=url, secret=secret
        )
        _changed()
    log.info("webhook subscription %d made by %s", subscription.pk, client.name)
    return subscription, secret


def subscription_end(*, client: ApiClient, subscription: Subscription) -> Subscription:
    """Cancel a subscription (its system's own act). Deliveries not yet sent stay, unsent."""
    if subscription.client_id != client.pk:
        raise PermissionDenied("只能取消本系统的订阅。")
    if subscription.active:
        subscription.active = False
        subscription.ended_at = timezone.now()
        subscription.save(update_fields=["active", "ended_at"])
        _changed()
    return subscription


# --- the per-process set of units with a live subscription ----------------------------------

# (units, when read, the stamp file's identity then)
_live: tuple[frozenset[int] | None, float, tuple[int, int] | None] = (None, 0.0, None)
_lock = threading.Lock()
STAMP_NAME = "webhook-subscriptions.stamp"


def _stamp() -> tuple[int, int] | None:
    """The stamp file's identity (inode, modification time): replaced at each committed change
    of a subscription, so the other processes on this machine see the change on their next move
    for the price of one stat()."""
    try:
        found = os.stat(settings.VAR_DIR / STAMP_NAME)
    except OSError:
        return None
    return found.st_ino, found.st_mtime_ns


def _touch_stamp() -> None:
    path = settings.VAR_DIR / STAMP_NAME
    try:
        spare = path.with_name(f"{STAMP_NAME}.{os.getpid()}.{threading.get_ident()}")
        spare.write_text(str(time.time_ns()))
        os.replace(spare, path)  # a new inode: a change is seen even within the clock's tick
    except OSError:
        log.warning(
            "webhooks: cannot write %s; other processes see the change in %ss",
            path,
            REFRESH_SECONDS,
        )


def live_units() -> frozenset[int]:
    """The units with any live subscription, as this process last read them."""
    global _live
    units, read_at, seen = _live
    now, stamp = time.monotonic(), _stamp()
    if units is None or now - read_at >= REFRESH_SECONDS or stamp != seen:
        with _lock:
            units = frozenset(
                Subscription.objects.filter(active=True).values_list("unit_id", flat=True)
            )
            _live = (units, now, stamp)
    return units


def forget_live_units() -> None:
    """The next move reads the set again."""
    global _live
    _live = (None, 0.0, None)


def _committed() -> None:
    forget_live_units()
    _touch_stamp()


def _changed() -> None:
    # Now, for the rest of this transaction, and again at commit (with the stamp, for the other
    # processes), so that a move read between the two does not keep the old set.
    forget_live_units()
    transaction.on_commit(_committed)


# --- the outbox rows of a case event ---------------------------------------------------------


def payload(case: Case, event: CaseEvent) -> dict[str, Any]:
    """What a department system learns of the event: no applicant and no personal number; it
    reads those with its key from the case API (`case.href`)."""
    item = case.item
    return {
        "case": {"id": case.pk, "number": case.number, "href": f"/api/cases/{case.pk}"},
        "unit": {"id": case.unit_id, "name": case.unit.name},
        "item": {
            "name": item.name,
            "implementation_code": item.implementation_code,
            "basic_code": item.basic_code,
            "local_implementation_code": item.local_implementation_code,
            "local_basic_code": item.local_basic_code,
        },
        "event": {
            "seq": event.seq,
            "action": event.action,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "at": timezone.localtime(event.at).isoformat(),
            "channel": event.channel,
        },
    }


_insert_sql: str | None = None
_INSERTED = ["case_id", "seq", "action", "payload", "created_at", "attempts", "last_error"]


def _build_insert() -> str:
    qn = connection.ops.quote_name
    fields = [Delivery._meta.get_field(name) for name in _INSERTED]
    # PostgreSQL types a parameter of a SELECT list by itself: cast each to its column's type.
    pg = connection.vendor == "postgresql"
    values = [f"CAST(%s AS {f.cast_db_type(connection)})" if pg else "%s" for f in fields]
    sub, client = Subscription._meta, ApiClient._meta
    # A system whose key was switched off gets nothing (its subscriptions stay, to come back);
    # nor does one whose key now acts for another unit (`onewindow api_client NAME --unit`):
    # a subscription follows its unit only while its system is bound to that unit.
    return (
        f"INSERT INTO {qn(Delivery._meta.db_table)} "
        f"({', '.join(qn(f.column) for f in fields)}, {qn('claim_token')}, "
        f"{qn('subscription_id')}) "
        f"SELECT {', '.join(values)}, '', s.{qn('id')} FROM {qn(sub.db_table)} s "
        f"JOIN {qn(client.db_table)} c ON c.{qn('id')} = s.{qn('client_id')} "
        f"WHERE s.{qn('unit_id')} = %s AND c.{qn('unit_id')} = s.{qn('unit_id')} "
        f"AND s.{qn('active')} AND c.{qn('active')}"
    )


def on_case_event(sender, *, case: Case, event: CaseEvent, **kwargs) -> None:
    """One delivery per live subscription of the case's unit, in the move's transaction."""
    if case.unit_id not in live_units():
        return
    global _insert_sql
    if _insert_sql is None:
        _insert_sql = _build_insert()
    row = Delivery(
        case_id=case.pk,
        seq=event.seq,
        action=event.action,
        payload=payload(case, event),
        created_at=timezone.now(),
        attempts=0,
        last_error="",
    )
    params = [
        Delivery._meta.get_field(name).get_db_prep_save(getattr(row, name), connection)
        for name in _INSERTED
    ]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql, [*params, case.unit_id])


def delivery_redeliver(*, acting_user: User, delivery: Delivery) -> Delivery:
    """Try an unsent delivery again at the job's next turn, with a fresh count of attempts (重新
    投递); the later events of its case follow it."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.sent_at is not None:
            raise ValidationError("该推送已送达，无须重新投递。")
        delivery.attempts = 0
        delivery.next_attempt_at = None
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    log.info("webhook delivery %d queued again by user %d", delivery.pk, acting_user.pk)
    return delivery
