"""A unit's webhooks: its subscriptions, each one's recent deliveries, and 重新投递."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onewindow.org.access import permission_required
from onewindow.org.permissions import allows
from onewindow.webhooks import selectors, services
from onewindow.webhooks.sending import MAX_ATTEMPTS


def _subscription(request, subscription_id: int, **kwargs):
    return selectors.subscription_get(subscription_id)


@permission_required("webhooks.view_subscriptions")
def subscriptions(request):
    return render(
        request,
        "webhooks/subscriptions.html",
        {"subscriptions": list(selectors.subscriptions_for_user(request.user))},
    )


@permission_required("webhooks.view_deliveries", fn=_subscription)
def deliveries(request, subscription_id: int):
    subscription = selectors.subscription_get(subscription_id)
    rows = selectors.recent_deliveries(subscription)
    return render(
        request,
        "webhooks/deliveries.html",
        {
            "subscription": subscription,
            "rows": rows,
            "counts": selectors.delivery_counts(subscription),
            "max_attempts": MAX_ATTEMPTS,
            "can_redeliver": allows(request.user, "webhooks.redeliver", subscription),
        },
    )


@require_POST
@permission_required("webhooks.redeliver", fn=_subscription)
def redeliver(request, subscription_id: int, delivery_id: int):
    subscription = selectors.subscription_get(subscription_id)
    delivery = selectors.delivery_of(subscription, delivery_id)
    try:
        services.delivery_redeliver(acting_user=request.user, delivery=delivery)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            f"推送 {delivery.pk} 将在下一轮重新投递，该办件之后的事件随后依次投递。",
        )
    return redirect("webhooks:deliveries", subscription.pk)
