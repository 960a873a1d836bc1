"""Public pages: service guides (办事指南) anyone may open without logging in."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from onewindow.cases import actions, notices
from onewindow.cases import selectors as case_selectors
from onewindow.cases import services as case_services
from onewindow.cases.actions import applicant_actions
from onewindow.cases.applicants import grants_for as applicant_grants
from onewindow.cases.material_files import serve_material
from onewindow.cases.models import Case
from onewindow.cases.notices import SALT
from onewindow.cases.permissions import Actor
from onewindow.cases.workflow import State
from onewindow.catalog import selectors
from onewindow.catalog.codes import ItemType
from onewindow.catalog.models import LifeEvent, Material
from onewindow.common.errors import error_dict, error_text
from onewindow.common.parsing import parse_int, query_int
from onewindow.documents import files, qr
from onewindow.documents.dates import cn_date
from onewindow.org import selectors as org_selectors
from onewindow.org.access import permission_required
from onewindow.portal import drafts, tracking
from onewindow.portal import selectors as portal_selectors
from onewindow.supervision import ratings as ratings_service
from onewindow.supervision import selectors as supervision_selectors
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
            "combined": selectors.public_combined_list(),
        },
    )


SEARCH_PAGE = 30  # results per page of the public search


def guide_search(request):
    """Search by name, keyword, pinyin initials or item code, and browse by unit, type or life
    event. The query is cut at 64 characters: a whole local implementation code fits."""
    query = request.GET.get("q", "").strip()[:64]
    items = selectors.item_filter(selectors.public_items(), params=request.GET)
    if query:
        items, total = selectors.item_search_counted(items, query)
    else:
        items = items.order_by("unit_id", "name")
        total = None
    combined = []
    if query or request.GET.get("event"):
        combined_qs = selectors.public_combined_list()
        if request.GET.get("event"):
            combined_qs = combined_qs.filter(life_events__code=request.GET["event"])
        combined = selectors.item_search(combined_qs, query) if query else list(combined_qs)
    page = Paginator(items, SEARCH_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/guide_search.html",
        {
            "page": page,
            "combined": combined,
            "query": query,
            "heading": _heading(request.GET),
            "count_line": portal_selectors.count_line(page, total),
            "capped": page.paginator.count if total and total > page.paginator.count else 0,
        },
    )


def _heading(params) -> str:
    if params.get("event"):
        event = selectors.life_event_by_code(params["event"])
        return f"主题：{event.name}" if event else "主题"
    unit_id = query_int(params, "unit", label="部门")
    if unit_id is not None:
        unit = selectors.units_with_public_items().filter(pk=unit_id).first()
        return f"部门：{unit.name}" if unit else "部门"
    if params.get("type") in ItemType.values:
        return f"类型：{ItemType(params['type']).label}"
    return "全部事项"


def guide_item(request, code: str):
    item = selectors.public_item_get(code)
    # The QR and the link shown name the item by its canonical code, whichever code was used.
    url = request.build_absolute_uri(reverse("portal:item", args=[item.code]))
    return render(
        request,
        "portal/guide_item.html",
        {
            "item": item,
            "qr_svg": qr.svg_inline(url, scale=4, label="本指南的二维码"),
            "url": url,
            "offline_reason": drafts.item_offline_reason(item),
        },
    )


@cache_control(public=True, max_age=3600)
def guide_item_qr(request, code: str):
    """The item page's QR code as an SVG file, to print on hall signs and leaflets."""
    item = selectors.public_item_get(code)
    url = request.build_absolute_uri(reverse("portal:item", args=[item.code]))
    return HttpResponse(qr.svg(url), content_type="image/svg+xml")


def guide_combined(request, service_id: int):
    service = selectors.combined_get(service_id, public=True)
    return render(
        request,
        "portal/guide_combined.html",
        {
            "service": service,
            "merged": selectors.merged_materials(service),
            "offline_reason": drafts.service_offline_reason(service),
        },
    )


def material_file(request, material_id: int, which: str):
    """A published item's blank form or sample file."""
    if which not in ("blank_form", "sample"):
        raise Http404("没有这种文件。")
    material = selectors.public_material_get(material_id)
    field = getattr(material, which)
    if not field:
        raise Http404("该材料没有上传此文件。")
    label = Material._meta.get_field(which).verbose_name
    return files.serve(field, name=f"{material.name}-{label}")


PROBLEM_STATES = ("missing", "defective")


def _masked(name: str) -> str:
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else name


def _case_page(
    request, case: Case, *, channel: str, rate_url: str, template: str, status=200, **extra
):
    """A case's progress in plain words (with the materials to correct while a one-time notice
    is open), its ratings, and the rating form while the channel is unused."""
    ratings = supervision_selectors.ratings_by_case([case.pk]).get(case.pk, [])
    if "problems" not in extra and case.state == State.CORRECTING:
        extra["problems"] = list(case.materials.filter(status__in=PROBLEM_STATES))
    return render(
        request,
        template,
        {
            "case": case,
            "line": tracking.line(case),
            "masked": _masked(case.applicant_name),
            "events": case_selectors.timeline(case),
            "ratings": ratings,
            "can_rate": ratings_service.channel_open(case, ratings, channel),
            "rate_url": rate_url,
            "levels": Rating.Level.choices,
            "tags": Rating.TAGS,
            **extra,
        },
        status=status,
    )


def _rate(request, case: Case, channel: str) -> dict | None:
    """Rate from the posted form: None when saved; else the form as the applicant filled it and
    why it was refused, to show again (never reset to a level they did not choose)."""
    chosen = ratings_service.form_values(request.POST)
    try:
        ratings_service.rate(
            case=case,
            channel=channel,
            level=chosen["level"] or 0,
            tags=chosen["tags"],
            text=chosen["text"],
            by=request.user if request.user.is_authenticated else None,
        )
    except ValidationError as exc:
        return {"chosen": chosen, "rate_error": error_text(exc)}
    messages.success(request, "感谢您的评价。")
    return None


class ProgressLinkExpired(Exception):
    pass


def _case_of_token(token: str) -> Case:
    """The case of a notice's QR code, while the link lasts: PROGRESS_LINK_DAYS after the case
    ended (an open case's link always works)."""
    try:
        case_id = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise Http404("查询码无效，请扫描通知书上的二维码。") from None
    case = portal_selectors.progress_case(case_id)
    ended = case_selectors.ended_on(case)
    if ended is not None:
        expires = ended + datetime.timedelta(days=settings.PROGRESS_LINK_DAYS)
        if timezone.localdate() > expires:
            raise ProgressLinkExpired(expires)
    return case


def _expired(request, exc: ProgressLinkExpired):
    (expires,) = exc.args
    return render(
        request,
        "web/error.html",
        {
            "title": "查询码已过期",
            "message": f"该办件已办结，通知书上的查询码有效期至{cn_date(expires)}，现已过期。"
            "如需查询办理结果，请登录“我的办事”，或携带身份证件到政务服务中心总咨询台查询。",
        },
        status=410,
    )


def progress(request, token: str):
    """A case's progress for the applicant, reached from the QR code on any notice: state, dates
    and the steps, with the name masked and no identifiers."""
    try:
        case = _case_of_token(token)
    except ProgressLinkExpired as exc:
        return _expired(request, exc)
    return _case_page(
        request,
        case,
        channel=Rating.Channel.QR,
        rate_url=reverse("portal:rate", args=[token]),
        template="portal/progress.html",
    )


@require_POST
def rate(request, token: str):
    """The applicant's rating from the QR code on the notice (扫码评价)."""
    try:
        case = _case_of_token(token)
    except ProgressLinkExpired as exc:
        return _expired(request, exc)
    refused = _rate(request, case, Rating.Channel.QR)
    if refused is None:
        return redirect("portal:progress", token)
    return _case_page(
        request,
        case,
        channel=Rating.Channel.QR,
        rate_url=reverse("portal:rate", args=[token]),
        template="portal/progress.html",
        status=400,
        **refused,
    )


@permission_required("portal.view_my_cases")
def my_cases(request):
    """我的办事: every case of the identities the applicant acts for (their own, the organisations
    they are authorised for) and those they filed as an agent, each with where it stands in
    plain words, what it waits for and from whom."""
    page = Paginator(case_selectors.applicant_cases(user=request.user), 20).get_page(
        request.GET.get("page")
    )
    rated = supervision_selectors.ratings_by_case(c.pk for c in page)
    tracking.annotate(page)
    for case in page:
        case.my_ratings = rated.get(case.pk, [])
        case.web_rateable = ratings_service.channel_open(case, case.my_ratings, Rating.Channel.WEB)
    return render(
        request,
        "portal/my_cases.html",
        {
            "page": page,
            "verified": bool(applicant_grants(request.user)),
            # Proven by an SMS code alone: only what the account filed online is listed.
            "own_filings_only": any(
                not g.verified and g.kind == "person" for g in applicant_grants(request.user)
            ),
            "halls": org_selectors.hall_list_for_user(user=request.user),
        },
    )


def _my_case_page(request, case: Case, *, status=200, failed: dict | None = None, **extra):
    """One of the applicant's cases: where it stands, the one-time notice to correct, the
    documents, the timeline, the applicant's own moves (applicant_actions) and the web rating."""
    failed = failed or {}
    materials = list(case.materials.all())
    errors = failed.get("errors", {})
    for m in materials:
        m.error = "；".join(errors.get(f"file_{m.pk}", []))
    offers = [
        o for o in actions.offers(applicant_actions.ACTIONS, Actor(request.user), case) if o.allowed
    ]
    return _case_page(
        request,
        case,
        channel=Rating.Channel.WEB,
        rate_url=reverse("portal:my_case", args=[case.pk]),
        template="portal/my_case.html",
        notices=[(kind, notices.TITLES[kind]) for kind in notices.available(case)],
        materials=materials,
        # Only while a one-time notice is open: a material still to be brought on paper (missing
        # from an online application) is no notice, and no correction is offered for it.
        problems=[m for m in materials if m.status in PROBLEM_STATES]
        if case.state == State.CORRECTING
        else [],
        problem_states=PROBLEM_STATES,
        offers=offers,
        failed=failed,
        # A refusal of a move no longer offered (decided meanwhile) heads the page instead.
        failed_apart=bool(failed) and failed["action"] not in {o.action.name for o in offers},
        upload_limit_mb=case_services.max_upload_bytes() // 1048576,
        status=status,
        **extra,
    )


@permission_required("portal.view_my_cases")
def my_case(request, case_id: int):
    """One of the applicant's cases, rated here on the web channel (网上评价, 一事一评)."""
    case = case_selectors.applicant_case_get(case_id, user=request.user)
    refused = {}
    if request.method == "POST":
        refused = _rate(request, case, Rating.Channel.WEB)
        if refused is None:
            return redirect("portal:my_case", case.pk)
    return _my_case_page(request, case, status=400 if refused else 200, **refused)


@permission_required("portal.view_my_cases")
def my_material_file(request, case_id: int, material_id: int):
    """A file the applicant (or the window) attached to one of the applicant's cases."""
    case = case_selectors.applicant_case_get(case_id, user=request.user)
    return serve_material(case, material_id)


@require_POST
@permission_required("portal.view_my_cases")
def my_case_act(request, case_id: int, action: str):
    """The applicant's move on their case (网上补正, 撤回), through the registry and `move`; a
    refusal shows the page again with the reason, next to the file it concerns."""
    case = case_selectors.applicant_case_get(case_id, user=request.user)
    chosen = applicant_actions.BY_NAME.get(action)
    if chosen is None:
        raise Http404("没有这个操作。")
    try:
        data = actions.read_form(chosen, request.POST, request.FILES, case)
        actions.perform(
            chosen,
            user=request.user,
            subject=case,
            data=data,
            version=parse_int(request.POST.get("version")),
            files=request.FILES,
        )
    except (ValidationError, PermissionDenied) as exc:
        failed = {
            "action": chosen.name,
            "message": f"未能{chosen.label}：{error_text(exc)}",
            "errors": error_dict(exc),
            "reason": request.POST.get("reason", ""),
        }
        return _my_case_page(request, case, status=400, failed=failed)
    messages.success(request, chosen.done_text)
    return redirect("portal:my_case", case.pk)
