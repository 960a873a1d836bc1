"""Public pages: service guides (办事指南) anyone may open without logging in."""

import segno
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from onewindow.cases import selectors as case_selectors
from onewindow.cases.models import Case
from onewindow.cases.notices import SALT
from onewindow.catalog import selectors
from onewindow.catalog.codes import ItemType
from onewindow.catalog.models import LifeEvent, Material
from onewindow.supervision import ratings as ratings_service
from onewindow.supervision.models import Rating


def guide_home(request):
    events = list(selectors.life_events_with_counts())
    return render(
        request,
        "portal/guide_home.html",
        {
            "person_events": [e for e in events if e.audience == LifeEvent.Audience.PERSON],
            "company_events": [e for e in events if e.audience == LifeEvent.Audience.COMPANY],
            "units": selectors.units_with_public_items(),
            "types": ItemType.choices,
            "combined": selectors.public_combined(),
        },
    )


def guide_search(request):
    """Search by name, keyword or pinyin initials, and browse by unit, type or life event."""
    query = request.GET.get("q", "").strip()[:50]
    items = selectors.item_filter(selectors.public_items(), params=request.GET)
    items = selectors.item_search(items, query) if query else items.order_by("unit_id", "name")
    combined = []
    if query or request.GET.get("event"):
        combined_qs = selectors.public_combined()
        if request.GET.get("event"):
            combined_qs = combined_qs.filter(life_events__code=request.GET["event"])
        combined = selectors.item_search(combined_qs, query) if query else list(combined_qs)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/guide_search.html",
        {
            "page": page,
            "combined": combined,
            "query": query,
            "heading": _heading(request.GET),
        },
    )


def _heading(params) -> str:
    if params.get("event"):
        event = LifeEvent.objects.filter(code=params["event"]).first()
        return f"主题：{event.name}" if event else "主题"
    if params.get("unit"):
        unit = selectors.units_with_public_items().filter(pk=params["unit"]).first()
        return f"部门：{unit.name}" if unit else "部门"
    if params.get("type") in ItemType.values:
        return f"类型：{ItemType(params['type']).label}"
    return "全部事项"


def guide_item(request, code: str):
    item = selectors.public_item_get(code)
    url = request.build_absolute_uri()
    return render(
        request,
        "portal/guide_item.html",
        {"item": item, "qr_svg": segno.make(url, error="m").svg_inline(scale=3), "url": url},
    )


@cache_control(public=True, max_age=3600)
def guide_item_qr(request, code: str):
    """The item page's QR code as an SVG file, to print on hall signs and leaflets."""
    item = selectors.public_item_get(code)
    url = request.build_absolute_uri(reverse("portal:item", args=[item.implementation_code]))
    response = HttpResponse(content_type="image/svg+xml")
    segno.make(url, error="m").save(response, kind="svg", scale=8, border=2)
    return response


def guide_combined(request, service_id: int):
    service = selectors.combined_get(service_id, public=True)
    return render(
        request,
        "portal/guide_combined.html",
        {"service": service, "merged": selectors.merged_materials(service)},
    )


def material_file(request, material_id: int, which: str):
    """A published item's blank form or sample file."""
    if which not in ("blank_form", "sample"):
        raise Http404("没有这种文件。")
    material = get_object_or_404(
        Material.objects.select_related("item"), pk=material_id, item__status="published"
    )
    field = getattr(material, which)
    if not field:
        raise Http404("该材料没有上传此文件。")
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=field.name.rsplit("/", 1)[-1]
    )


def progress(request, token: str):
    """A case's progress for the applicant, reached from the QR code on any notice: state, dates
    and the steps, with the name masked and no identifiers."""
    try:
        case_id = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise Http404("查询码无效，请扫描通知书上的二维码。") from None
    case = get_object_or_404(Case.objects.select_related("item", "unit"), pk=case_id)
    name = case.applicant_name
    masked = name[0] + "*" * (len(name) - 1) if len(name) > 1 else name
    ratings = list(Rating.objects.filter(case=case).select_related("ticket"))
    can_rate = case.state in ratings_service.RATEABLE and not any(
        r.channel == Rating.Channel.QR for r in ratings
    )
    return render(
        request,
        "portal/progress.html",
        {
            "case": case,
            "masked": masked,
            "events": case_selectors.timeline(case),
            "ratings": ratings,
            "can_rate": can_rate,
            "rate_url": reverse("portal:rate", args=[token]),
            "levels": Rating.Level.choices,
            "tags": Rating.TAGS,
        },
    )


@require_POST
def rate(request, token: str):
    """The applicant's rating from the QR code on the notice (扫码评价)."""
    try:
        case_id = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise Http404("查询码无效，请扫描通知书上的二维码。") from None
    case = get_object_or_404(Case.objects.select_related("unit__region"), pk=case_id)
    try:
        ratings_service.rate(
            case=case,
            channel=Rating.Channel.QR,
            level=int(request.POST.get("level") or 0),
            tags=request.POST.getlist("tags"),
            text=request.POST.get("text", ""),
        )
        messages.success(request, "感谢您的评价。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("portal:progress", token)
