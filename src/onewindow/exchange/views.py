"""The push's backlog and failures, for the hall-wide roles."""

from django.shortcuts import render

from onewindow.exchange import services
from onewindow.exchange.models import Outbox
from onewindow.org.access import role_required
from onewindow.org.roles import ALL_UNITS


@role_required(*ALL_UNITS)
def outbox(request):
    failing = Outbox.objects.filter(sent_at__isnull=True, attempts__gt=0).order_by("id")[:100]
    return render(
        request,
        "exchange/outbox.html",
        {
            "backlog": services.backlog(),
            "failing": failing,
            "url": services.endpoint(),
            "sms": services.sms_backlog(),
        },
    )
