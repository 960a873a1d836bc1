"""Reads of subscriptions and deliveries, scoped to the reader's unit."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from onewindow.cases.workflow import MOVES
from onewindow.org.permissions import scope_to_unit
from onewindow.webhooks.models import Delivery, Subscription
from onewindow.webhooks.sending import MAX_ATTEMPTS

RECENT = 100  # deliveries on a subscription's page
# Events that are not moves of the transition table.
LABELS = {"submit": "收件（新办件）"}


def subscriptions_for_user(user) -> QuerySet[Subscription]:
    """The subscriptions of the units the user reads, with their unsent and given-up counts."""
    unsent = Q(deliveries__sent_at__isnull=True)
    return (
        scope_to_unit(Subscription.objects.all(), user)
        .select_related("client", "unit")
        .annotate(
            unsent=Count("deliveries", filter=unsent),
            given_up=Count("deliveries", filter=unsent & Q(deliveries__attempts__gte=MAX_ATTEMPTS)),
        )
        .order_by("-active", "unit__name", "id")
    )


def subscription_get(subscription_id: int) -> Subscription:
    """One subscription (the permission is asked on it by the view), or 404."""
    return get_object_or_404(
        Subscription.objects.select_related("client", "unit"), pk=subscription_id
    )


@dataclass(frozen=True)
class Row:
    delivery: Delivery
    state: str
    tag: str  # ok / warn / bad: the colour of the state
    action_label: str
    redeliverable: bool


def state(delivery: Delivery, subscription: Subscription) -> tuple[str, str]:
    if delivery.sent_at is not None:
        return "已送达", "ok"
    if delivery.attempts >= MAX_ATTEMPTS:
        return f"投递失败（已尝试{delivery.attempts}次，停止重试）", "bad"
    if not subscription.active:
        return "订阅已取消，不再投递", "warn"
    if not subscription.client.active:
        return "部门系统的密钥已停用，暂停投递", "warn"
    if delivery.attempts:
        return "失败，等待重试", "warn"
    return "待投递", ""


def recent_deliveries(subscription: Subscription, limit: int = RECENT) -> list[Row]:
    """The latest deliveries of a subscription, newest first, each with its state in words."""
    rows = []
    for d in subscription.deliveries.order_by("-id")[:limit]:
        text, tag = state(d, subscription)
        move = MOVES.get(d.action)
        rows.append(
            Row(
                delivery=d,
                state=text,
                tag=tag,
                action_label=move.label if move else LABELS.get(d.action, d.action),
                redeliverable=d.sent_at is None and d.attempts > 0 and subscription.active,
            )
        )
    return rows


def delivery_counts(subscription: Subscription) -> dict[str, int]:
    qs = Delivery.objects.filter(subscription=subscription)
    unsent = qs.filter(sent_at__isnull=True)
    return {
        "total": qs.count(),
        "unsent": unsent.count(),
        "failing": unsent.filter(attempts__gt=0, attempts__lt=MAX_ATTEMPTS).count(),
        "given_up": unsent.filter(attempts__gte=MAX_ATTEMPTS).count(),
    }


def delivery_of(subscription: Subscription, delivery_id: int) -> Delivery:
    return get_object_or_404(Delivery, pk=delivery_id, subscription=subscription)
