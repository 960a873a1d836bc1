"""The push's backlog and failures, for the hall-wide roles."""

from django.shortcuts import render

from onewindow.exchange import services
from onewindow.org.access import permission_required


@permission_required("exchange.view_outbox")
def outbox(request):
    return render(
        request,
        "exchange/outbox.html",
        {
            "backlog": services.backlog(),
            "failing": services.failing(),
            "url": services.endpoint(),
            "sms": services.sms_backlog(),
        },
    )
