"""Pages of the hall devices: the hall manager's register (大厅设备), the clerk's "offer this case
for rating", and the device page itself (/kiosk/), which knows the device by its own cookie and
never by a person's session."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from onewindow.cases import selectors as case_selectors
from onewindow.common.errors import error_dict, error_text
from onewindow.common.parsing import parse_int
from onewindow.org import selectors as org_selectors
from onewindow.org.access import permission_required
from onewindow.supervision import dashboard, kiosks, ratings
from onewindow.supervision.models import Kiosk, Rating


@permission_required("supervision.view_kiosks")
def kiosk_list(request):
    """The hall's devices; the hall manager registers one (its token shown once) or revokes it."""
    errors: dict = {}
    issued = None
    if request.method == "POST":
        p = request.POST
        try:
            kiosk, token = kiosks.kiosk_register(
                acting_user=request.user,
                name=p.get("name", ""),
                purpose=p.get("purpose", ""),
                hall=org_selectors.hall_by_pk(parse_int(p.get("hall"), default=0)),
                window_post=org_selectors.window_post_by_pk(
                    parse_int(p.get("window_post"), default=0)
                ),
            )
            issued = {"kiosk": kiosk, "token": token}
        except (ValidationError, PermissionDenied) as exc:
            errors = error_dict(exc)
    return render(
        request,
        "supervision/kiosks.html",
        {
            "rows": kiosks.kiosk_rows(user=request.user),
            "halls": org_selectors.halls(),
            "posts": org_selectors.active_window_posts(),
            "purposes": Kiosk.Purpose.choices,
            "errors": errors,
            "issued": issued,
            "post": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )


@require_POST
@permission_required("supervision.manage_kiosks")
def kiosk_revoke(request, kiosk_id: int):
    kiosk = kiosks.kiosk_get(kiosk_id, user=request.user)
    kiosks.kiosk_revoke(acting_user=request.user, kiosk=kiosk)
    messages.success(request, f"已停用“{kiosk.name}”，该设备须重新登记才能使用。")
    return redirect("supervision:kiosks")


@require_POST
@permission_required("supervision.open_offer")
def kiosk_offer(request, case_id: int):
    """窗口评价器: the clerk puts the ended case on the tablet of its window for the applicant."""
    case = case_selectors.case_get_for_user(case_id, user=request.user)
    try:
        kiosk = kiosks.kiosk_offer(acting_user=request.user, case=case)
        messages.success(request, f"已推送到“{kiosk.name}”，请申请人在评价器上评价。")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"未能推送：{error_text(exc)}")
    return redirect("cases:detail", case.pk)


def _device(request) -> Kiosk | None:
    return kiosks.kiosk_for_token(request.COOKIES.get(kiosks.COOKIE))


def device(request):
    """/kiosk/: a registered device's page (the rating form or the wall), else enrolment."""
    if request.method == "POST":
        return _enrol(request)
    kiosk = _device(request)
    if kiosk is None:
        return render(
            request,
            "supervision/kiosk_enrol.html",
            {"had_cookie": kiosks.COOKIE in request.COOKIES},
        )
    if kiosk.purpose == Kiosk.Purpose.WALL:
        return _wall(request, kiosk)
    return _tablet(request, kiosk)


def _enrol(request):
    token = request.POST.get("token", "").strip()
    kiosk = kiosks.kiosk_for_token(token)
    if kiosk is None:
        return render(
            request,
            "supervision/kiosk_enrol.html",
            {"error": "设备令牌无效或已停用，请向政务服务中心管理员索取新的令牌。"},
            status=400,
        )
    response = redirect("supervision:kiosk")
    response.set_cookie(
        kiosks.COOKIE,
        token,
        max_age=kiosks.COOKIE_DAYS * 86400,
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _tablet(request, kiosk: Kiosk, *, chosen=None, error="", status=200):
    case = kiosks.kiosk_case(kiosk)
    return render(
        request,
        "supervision/kiosk_tablet.html",
        {
            "kiosk": kiosk,
            "case": case,
            "rate_url": reverse("supervision:kiosk_rate"),
            "rate_case_id": case.pk if case else None,
            "levels": Rating.Level.choices,
            "tags": Rating.TAGS,
            "chosen": chosen or {},
            "rate_error": error,
        },
        status=status,
    )


@require_POST
def device_rate(request):
    """The applicant's tap on the tablet: the offered case's rating (窗口评价器 channel)."""
    kiosk = _device(request)
    if kiosk is None or kiosk.purpose != Kiosk.Purpose.RATING:
        raise PermissionDenied("该设备未登记为窗口评价器，或已被停用。")
    chosen = ratings.form_values(request.POST)
    try:
        kiosks.kiosk_rate(
            kiosk=kiosk,
            case_id=parse_int(request.POST.get("case")),
            level=chosen["level"] or 0,
            tags=chosen["tags"],
            text=chosen["text"],
            by=request.user if request.user.is_authenticated else None,
        )
    except ValidationError as exc:
        return _tablet(request, kiosk, chosen=chosen, error=error_text(exc), status=400)
    messages.success(request, "感谢您的评价！")
    return redirect("supervision:kiosk")


def _wall(request, kiosk: Kiosk):
    data = dashboard.overview(None)  # the hall's wall: every unit, read only
    return render(
        request,
        "supervision/wall.html",
        {**data, "chart": dashboard.chart_data(data), "refresh": True, "kiosk": kiosk},
    )
