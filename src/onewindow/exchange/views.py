"""The push's backlog, failures and refusals, for the hall-wide roles; 重新推送 of refused rows."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onewindow.exchange import services
from onewindow.org.access import permission_required


@permission_required("exchange.view_outbox")
def outbox(request):
    refused, failing = list(services.refused()), list(services.failing())
    for o in refused + failing:
        o.topic_label = services.topic_label(o.topic)
    return render(
        request,
        "exchange/outbox.html",
        {
            "backlog": services.backlog(),
            "failing": failing,
            "refused": refused,
            "url": services.endpoint(),
            "sms": services.sms_backlog(),
        },
    )


@require_POST
@permission_required("exchange.resend_outbox")
def resend(request):
    """One refused row (`id`) or every one (`all`): built anew from the source at the next push."""
    if request.POST.get("all"):
        result = services.resend()
    else:
        try:
            ids = [int(request.POST.get("id", ""))]
        except ValueError:
            ids = []
        result = services.resend(ids=ids) if ids else services.ResendResult()
    if result.queued:
        messages.success(
            request,
            f"已将{result.queued}条被拒收的记录重新排队，下一次推送（约5秒内）按修正后的数据发送。",
        )
    if result.still:
        messages.error(
            request,
            f"{result.still}条记录按当前数据仍不符合要求，未重新排队，请先修正源数据：{result.reason}",
        )
    if not result.queued and not result.still:
        messages.error(request, "没有可重新推送的记录：可能已被他人重新推送或已推送成功。")
    return redirect("exchange:outbox")
