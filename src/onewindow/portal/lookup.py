"""Progress without logging in (办件查询): the case number and the applicant's mobile number lead
to the case's progress page (the page a notice's QR code opens: the name masked, no
identifiers). A wrong number and a wrong mobile read the same, and guessing is slowed down per
address, and per address and case number together (common.ratelimit, Django's cache): wrong
mobiles typed for a case from one address stop that address, never the applicant elsewhere."""

import hmac

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.module_loading import import_string

from onewindow.cases.models import Case
from onewindow.cases.notices import progress_path
from onewindow.common import ratelimit
from onewindow.common.validators import normalize_mobile

NOT_FOUND = "没有找到与该办件编号和手机号码相符的办件，请核对后重新输入。"
TOO_MANY = "查询失败次数过多，为保护申请人信息，请{minutes}分钟后再试，或拨打大厅咨询电话查询。"


def client_address(request) -> str | None:
    """The address the login lockout counts (behind trusted proxies, the one they saw)."""
    return import_string(settings.AXES_CLIENT_IP_CALLABLE)(request)


def _limits() -> tuple[int, int, int, int]:
    """(misses per address, misses per address on one case number, lookups per address, window
    seconds)."""
    return (
        getattr(settings, "ONEWINDOW_PROGRESS_MISSES_PER_ADDRESS", 10),
        getattr(settings, "ONEWINDOW_PROGRESS_MISSES_PER_CASE", 5),
        getattr(settings, "ONEWINDOW_PROGRESS_LOOKUPS_PER_ADDRESS", 60),
        getattr(settings, "ONEWINDOW_PROGRESS_WINDOW_MINUTES", 60) * 60,
    )


def _page(request, *, number="", error="", status=200):
    return render(
        request,
        "portal/progress_lookup.html",
        {"number": number, "error": error},
        status=status,
    )


def progress_lookup(request):
    """GET: the form. POST: the case's progress page when the number and mobile match."""
    if request.method != "POST":
        return _page(request)
    number = request.POST.get("number", "").strip().upper()[:24]
    mobile = normalize_mobile(request.POST.get("mobile", ""))[:20]
    if not number or not mobile:
        message = "请填写办件编号和申请时登记的手机号码。"
        return _page(request, number=number, error=message, status=400)
    per_address, per_case, lookups, window = _limits()
    address = client_address(request) or "unknown"
    checks = [
        ("progress-miss-addr", [address], per_address),
        ("progress-miss-case", [f"{address} {number}"], per_case),
        ("progress-addr", [address], lookups),
    ]
    if any(ratelimit.exceeded(scope, names, limit) for scope, names, limit in checks):
        response = _page(
            request, number=number, error=TOO_MANY.format(minutes=window // 60), status=429
        )
        response["Retry-After"] = str(window)
        return response
    ratelimit.count("progress-addr", [address], window)
    case = Case.objects.filter(number=number).only("id", "phone").first()
    stored = normalize_mobile(case.phone) if case is not None else ""
    if case is None or not hmac.compare_digest(stored.encode(), mobile.encode()):
        ratelimit.count("progress-miss-addr", [address], window)
        ratelimit.count("progress-miss-case", [f"{address} {number}"], window)
        return _page(request, number=number, error=NOT_FOUND, status=404)
    return HttpResponseRedirect(progress_path(case), status=303)
