"""The `webhook-send` job: claim ready deliveries (exchange's claim cycle), POST each, signed,
outside any transaction, and mark it sent or failed and backing off. Each POST goes to the
address checked just before it (addresses.target: the host name resolved again, refused if it
now points at the machine itself, link-local, …), not through a proxy from the environment.

Order: a delivery is not claimed while an earlier event of the same case for the same
subscription is unsent and waiting (backing off, claimed by another worker, or given up), and
within a batch a failure holds back the rest of its case. A delivery that failed MAX_ATTEMPTS
times is given up (投递失败) and waits for 重新投递 on the delivery page; its case's later events
wait behind it, other cases go on. A subscription whose endpoint fails is not tried again in the
same run (its rows are not claimed again), so a receiver that is down costs one timeout per run,
not one per case, and holds up no other subscription.
"""

import json
import logging
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from onewindow.common.http_failures import Peer, describe
from onewindow.exchange.services import CLAIM_TIMEOUT, _claim, _mark_failed, _mark_sent, _ready
from onewindow.webhooks import addresses, signing
from onewindow.webhooks.models import Delivery

log = logging.getLogger("onewindow.webhooks")

# With exchange's back-off (2, 4, … 256 s, then 300 s), 16 attempts span about 50 minutes.
MAX_ATTEMPTS = 16
CLAIM_LOCK = 20261202  # the advisory lock key of the webhook claimers (not the push's)


def timeout() -> float:
    return float(getattr(settings, "ONEWINDOW_WEBHOOK_TIMEOUT", 10.0))


def public_url() -> str:
    """The address the department systems reach this platform at (links in the payload)."""
    return getattr(settings, "ONEWINDOW_PUBLIC_URL", "").rstrip("/")


def _serialise_claims() -> None:
    """Claims are taken one at a time, as the provincial push's are (exchange.services), under
    the webhooks' own advisory lock: a push claim and a webhook claim do not wait for each
    other. SQLite serialises writers already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CLAIM_LOCK])


def claim(batch: int = 100, skip: set[int] | frozenset[int] = frozenset()) -> tuple[str, list]:
    """Claim ready deliveries, oldest first, except those of the subscriptions in `skip`."""
    with transaction.atomic():
        _serialise_claims()
        now = timezone.now()
        waiting = Delivery.objects.filter(
            Q(next_attempt_at__gt=now)
            | Q(claimed_at__gt=now - CLAIM_TIMEOUT)
            | Q(attempts__gte=MAX_ATTEMPTS),
            sent_at__isnull=True,
            subscription_id=OuterRef("subscription_id"),
            case_id=OuterRef("case_id"),
            seq__lt=OuterRef("seq"),
        )
        ready = (
            _ready(Delivery, now)
            .filter(
                attempts__lt=MAX_ATTEMPTS,
                subscription__active=True,
                subscription__client__active=True,
                # Its system still acts for the subscription's unit (not re-bound since).
                subscription__client__unit_id=F("subscription__unit_id"),
            )
            .exclude(Exists(waiting))
            .select_related("subscription")
        )
        if skip:
            ready = ready.exclude(subscription_id__in=skip)
        return _claim(ready, now, batch)


def body(delivery: Delivery) -> bytes:
    data = {"delivery_id": delivery.pk, "subscription_id": delivery.subscription_id}
    data.update(delivery.payload)
    case = dict(data["case"])
    case["url"] = public_url() + case["href"]
    data["case"] = case
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def headers(delivery: Delivery, content: bytes) -> dict[str, str]:
    stamp = int(timezone.now().timestamp())
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "OneWindow-Webhook/1",
        signing.HEADER_DELIVERY: str(delivery.pk),
        signing.HEADER_EVENT: delivery.action,
        signing.HEADER_TIMESTAMP: str(stamp),
        signing.HEADER_SIGNATURE: signing.sign(delivery.subscription.secret, stamp, content),
    }


# How the department system is named in the failure sentences (common.http_failures).
RECEIVER = Peer(
    name="接收方", address="接收地址", system="部门系统", credential="签名密钥", request="推送"
)


def failure(exc: Exception | None = None, status: int | None = None) -> str:
    """Why an attempt failed, in words the unit's manager can act on."""
    return describe(exc, status, peer=RECEIVER, timeout=timeout())


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    given_up: int = 0


def send(batch: int = 100, rounds: int = 10) -> SendResult:
    """Send what is ready, batch by batch. No transaction is open while a receiver answers."""
    result = SendResult()
    down: set[int] = set()  # subscriptions whose endpoint failed in this run
    # No proxy from the environment (HTTP_PROXY …): a proxy would connect to whatever the name
    # resolves to there, not to the address checked, and would name the IP, not the host, in TLS.
    with httpx.Client(timeout=timeout(), follow_redirects=False, trust_env=False) as http:
        for _ in range(rounds):
            # A subscription whose endpoint failed waits for the next run; the others go on.
            token, claimed = claim(batch, skip=down)
            if not claimed:
                break
            _send_batch(http, token, claimed, result, down)
    return result


def _post(http: httpx.Client, delivery: Delivery, content: bytes) -> str:
    """POST one delivery to the address checked just now; why it failed, or ""."""
    try:
        # The host name is resolved and checked again (its DNS may have changed since the
        # subscription), and the request goes to the address checked.
        to = addresses.target(delivery.subscription.url, now=True)
    except addresses.Refused as exc:
        return str(exc)
    reply = http.post(
        to.url,
        content=content,
        headers={**headers(delivery, content), **to.headers},
        extensions=to.extensions,
    )
    if not 200 <= reply.status_code < 300:
        return failure(status=reply.status_code)
    return ""


def _release(token: str, ids: list[int]) -> None:
    """Give claimed rows back untried: no attempt counted, no back-off."""
    Delivery.objects.filter(pk__in=ids, claim_token=token).update(claimed_at=None, claim_token="")


def _send_batch(
    http: httpx.Client, token: str, claimed: list[Delivery], result: SendResult, down: set[int]
) -> None:
    held_cases: set[tuple[int, int]] = set()  # (subscription, case) held back in this batch
    for delivery in sorted(claimed, key=lambda d: (d.subscription_id, d.case_id, d.seq)):
        key = (delivery.subscription_id, delivery.case_id)
        if key in held_cases or delivery.subscription_id in down:
            held_cases.add(key)
            _release(token, [delivery.pk])
            continue
        # Renew the claim on this row alone before sending it (a slow batch is not taken over).
        renewed = Delivery.objects.filter(
            pk=delivery.pk, claim_token=token, sent_at__isnull=True
        ).update(claimed_at=timezone.now())
        if not renewed:
            held_cases.add(key)
            continue
        content = body(delivery)
        try:
            error = _post(http, delivery, content)
        except Exception as exc:  # any failure to send (network, TLS, a bad URL): back off
            error = failure(exc)
        if not error:
            result.sent += _mark_sent(Delivery, token, [delivery.pk])
            continue
        _mark_failed(Delivery, token, [delivery.pk], error)
        held_cases.add(key)
        down.add(delivery.subscription_id)
        result.failed += 1
        if delivery.attempts + 1 >= MAX_ATTEMPTS:
            result.given_up += 1
            log.warning("webhook delivery %d given up: %s", delivery.pk, error)
        else:
            log.info("webhook delivery %d failed: %s", delivery.pk, error)
