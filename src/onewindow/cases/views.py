"""Case pages: the window workbench, the team leader's queue, the department workbench and the
case page with its timeline, actions and notices. Thin: parse, call a service, redirect."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onewindow.cases import combined, notices, selectors, services
from onewindow.cases.models import CaseMaterial, Channel, TechReview
from onewindow.cases.workflow import MOVES, moves_from
from onewindow.catalog import selectors as catalog_selectors
from onewindow.catalog.models import SPECIAL_PROCEDURES, CombinedService, Item
from onewindow.common.errors import error_dict, error_text
from onewindow.common.parsing import parse_int
from onewindow.documents import download
from onewindow.org.access import role_required
from onewindow.org.roles import ALL_UNITS, UNIT_BOUND, RoleCode
from onewindow.org.selectors import user_unit_id

READERS = (*ALL_UNITS, *UNIT_BOUND)
WINDOW = (RoleCode.WINDOW_CLERK, RoleCode.TEAM_LEADER, RoleCode.WINDOW_SUPERVISOR)


STATUS_CHOICES = [
    (CaseMaterial.Status.PAPER, "已收纸质"),
    (CaseMaterial.Status.SHARED, "共享获取"),
    (CaseMaterial.Status.MISSING, "缺少"),
    (CaseMaterial.Status.DEFECTIVE, "不符合要求"),
]


@role_required(*WINDOW)
def workbench(request):
    """The window: find an item (name or pinyin initials), the online queue, today's cases."""
    query = request.GET.get("q", "").strip()[:50]
    posts = list(selectors.posts_of(request.user))
    unit_ids = {u.pk for p in posts for u in p.units.all()}
    items, services_found = [], []
    if query:
        qs = catalog_selectors.public_items().filter(unit_id__in=unit_ids)
        items = catalog_selectors.item_search(qs, query)[:20]
        # A 一件事 is taken at a window serving every unit it involves (a comprehensive window).
        services_found = [
            s
            for s in catalog_selectors.item_search(catalog_selectors.public_combined_list(), query)
            if {m.item.unit_id for m in s.members.all()} <= unit_ids
        ]
    today = timezone.localdate()
    mine = selectors.case_list_for_user(user=request.user).filter(received_on=today)[:50]
    return render(
        request,
        "cases/workbench.html",
        {
            "query": query,
            "items": items,
            "services_found": services_found,
            "queue": selectors.online_queue(user=request.user)[:50],
            "combined_queue": selectors.combined_queue(user=request.user)[:50],
            "today_cases": mine,
            "posts": posts,
        },
    )


@role_required(*WINDOW)
def application_new(request, item_id: int):
    item = get_object_or_404(Item.objects.prefetch_related("materials"), pk=item_id)
    errors: dict = {}
    if request.method == "POST":
        applicant = {k: request.POST.get(k, "") for k in services.APPLICANT_FIELDS}
        materials = [
            {"material_id": m.pk, "status": request.POST.get(f"m_{m.pk}", "missing")}
            for m in item.materials.all()
        ]
        try:
            case = services.application_submit(
                acting_user=request.user,
                item=item,
                channel=Channel.WINDOW,
                applicant=applicant,
                materials=materials,
            )
            messages.success(request, "已收件。请核对材料后受理、一次性告知或不予受理。")
            return redirect("cases:detail", case.pk)
        except (ValidationError, PermissionDenied) as exc:
            errors = error_dict(exc)
    return render(
        request,
        "cases/application_new.html",
        {
            "item": item,
            "errors": errors,
            "post": request.POST,
            "statuses": STATUS_CHOICES,
        },
        status=400 if errors else 200,
    )


@role_required(*READERS)
def case_detail(request, case_id: int):
    case = selectors.case_get_for_user(case_id, user=request.user)
    today = timezone.localdate()
    reviews = list(case.tech_reviews.all())
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "materials": case.materials.select_related("material"),
            "events": selectors.timeline(case),
            "moves": moves_from(case.state),
            "notices": [(k, notices.TITLES[k]) for k in notices.available(case)],
            "posts": selectors.posts_of(request.user),
            "standing": selectors.time_left(case, today),
            "procedures": SPECIAL_PROCEDURES.items(),
            "today": today,
            "reviews": reviews,
            "open_review": any(r.finished_on is None for r in reviews),
            "review_kinds": TechReview.Kind.choices,
        },
    )


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@require_POST
@role_required(*UNIT_BOUND, RoleCode.HALL_MANAGER)
def case_act(request, case_id: int, action: str):
    """Every action form of the case page posts here; the service decides whether it may."""
    case = selectors.case_get_for_user(case_id, user=request.user)
    p, user = request.POST, request.user
    version = parse_int(p.get("version"))
    common = {"acting_user": user, "case": case, "expected_version": version}
    try:
        if action == "accept":
            post = selectors.posts_of(user).filter(pk=parse_int(p.get("window_post"), default=0))
            post = post.first()
            rongque = None
            if p.get("rongque"):
                rongque = {
                    "commitment": p.get("commitment", ""),
                    "deadline": _date(p.get("deadline", "")),
                }
            services.case_accept(window_post=post, rongque=rongque, **common)
        elif action == "notify_correction":
            problems = {
                m.pk: p.get(f"problem_{m.pk}", "").strip() or "未提供"
                for m in case.materials.all()
                if p.get(f"pick_{m.pk}")
            }
            services.case_notify_correction(problems=problems, **common)
        elif action == "resubmit":
            received = {m.pk: "paper" for m in case.materials.all() if p.get(f"got_{m.pk}")}
            services.case_resubmit(received=received, **common)
        elif action == "refuse":
            services.case_refuse(reason=p.get("reason", ""), **common)
        elif action in ("decide_at_window", "decide"):
            fn = (
                services.case_decide_at_window
                if action == "decide_at_window"
                else services.case_decide
            )
            fn(result=p.get("result", ""), text=p.get("text", ""), **common)
        elif action == "transfer":
            services.case_transfer(opinion=p.get("opinion", ""), **common)
        elif action == "take_over":
            services.case_take_over(opinion=p.get("opinion", ""), **common)
        elif action == "forward":
            services.case_forward(
                handoff=p.get("handoff", ""), opinion=p.get("opinion", ""), **common
            )
        elif action == "papers_collected":
            services.case_papers_collected(**common)
        elif action == "mark_key":
            services.case_mark_key(
                name=p.get("project_name", ""), doc=p.get("project_doc", ""), **common
            )
        elif action == "tech_review":
            days = parse_int(p.get("limit_days"), default=0)
            services.case_tech_review(
                kind=p.get("kind", ""),
                assignee_org=p.get("assignee_org", ""),
                assignee_name=p.get("assignee_name", ""),
                limit_days=days,
                **common,
            )
        elif action == "tech_report":
            services.case_tech_report(
                conclusion=p.get("conclusion", ""), upload=request.FILES.get("file"), **common
            )
        elif action == "suspend":
            days = parse_int(p.get("expected_days"), default=0)
            services.case_suspend(
                procedure=p.get("procedure", ""),
                expected_days=days,
                reason=p.get("reason", ""),
                **common,
            )
        elif action == "resume":
            services.case_resume(**common)
        elif action == "extend":
            days = parse_int(p.get("days"), default=0)
            services.case_extend(
                days=days, approver=p.get("approver", ""), reason=p.get("reason", ""), **common
            )
        elif action == "supplement":
            services.case_supplement(**common)
        elif action == "attach":
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationError("请选择要上传的文件。")
            services.case_attach(
                material_id=parse_int(p.get("material"), default=0), upload=upload, **common
            )
        elif action == "deliver":
            detail = {
                k: p.get(k, "")
                for k in (
                    "recipient",
                    "recipient_id",
                    "receipt_signed",
                    "address",
                    "carrier",
                    "tracking",
                    "fee",
                    "postage",
                )
            }
            services.case_deliver(mode=p.get("mode", ""), detail=detail, **common)
        elif action in ("withdraw", "terminate"):
            services.case_end(action=action, reason=p.get("reason", ""), **common)
        else:
            raise Http404("没有这个操作。")
        messages.success(request, f"已{MOVES[action].label}。")
    except (ValidationError, PermissionDenied) as exc:
        label = MOVES[action].label if action in MOVES else "办理"
        messages.error(request, f"未能{label}：{error_text(exc)}")
    return redirect("cases:detail", case.pk)


@role_required(*READERS, RoleCode.APPLICANT)
def case_notice(request, case_id: int, kind: str):
    case = selectors.case_get_for_reader(case_id, user=request.user)
    if kind not in notices.available(case):
        raise Http404("该办件目前没有这种文书。")
    content = notices.render(case, kind, base_url=request.build_absolute_uri("/"))
    return download(content, f"{notices.TITLES[kind]}-{case.number or case.pk}.pdf", "pdf")


@role_required(RoleCode.TEAM_LEADER, RoleCode.WINDOW_SUPERVISOR)
def review_queue(request):
    return render(
        request, "cases/review_queue.html", {"cases": selectors.review_queue(user=request.user)}
    )


@role_required(RoleCode.DEPT_REVIEWER, RoleCode.WINDOW_SUPERVISOR, RoleCode.TEAM_LEADER)
def department(request):
    """The unit's cases under review, by due date, 50 a page (keyset: ?after=<date>,<id>)."""
    unit_id = user_unit_id(request.user)
    if unit_id is None:
        return render(request, "org/no_unit.html", status=403)
    after = None
    raw = request.GET.get("after", "")
    if "," in raw:
        due, _, last = raw.partition(",")
        if _date(due) and parse_int(last) is not None:
            after = (_date(due), parse_int(last))
    rows = selectors.department_page(unit_id=unit_id, after=after)
    today = timezone.localdate()
    more = f"{rows[-1].due_date.isoformat()},{rows[-1].pk}" if len(rows) == 50 else ""
    key = selectors.department_key_projects(unit_id=unit_id) if after is None else []
    take_over = [] if after else selectors.awaiting_take_over(unit_id=unit_id, day=today)
    return render(
        request,
        "cases/department.html",
        {"cases": rows, "more": more, "today": today, "key": key, "take_over": take_over},
    )


# --- 一件事 ---------------------------------------------------------------------------------


@role_required(*WINDOW)
def combined_new(request, service_id: int):
    """The one form of a 一件事: the applicant once, the merged material list once."""
    service = get_object_or_404(CombinedService, pk=service_id, status="published")
    lines = catalog_selectors.merged_materials(service)
    errors: dict = {}
    if request.method == "POST":
        applicant = {k: request.POST.get(k, "") for k in services.APPLICANT_FIELDS}
        given = {
            line.name: request.POST.get(f"line_{n}", "missing") for n, line in enumerate(lines)
        }
        try:
            parent = combined.combined_submit(
                acting_user=request.user,
                service=service,
                channel=Channel.WINDOW,
                applicant=applicant,
                materials=given,
            )
            messages.success(request, "已收件。请核对材料后一次受理。")
            return redirect("cases:combined_detail", parent.pk)
        except (ValidationError, PermissionDenied) as exc:
            errors = error_dict(exc)
    return render(
        request,
        "cases/combined_new.html",
        {
            "service": service,
            "lines": lines,
            "errors": errors,
            "post": request.POST,
            "statuses": STATUS_CHOICES,
        },
        status=400 if errors else 200,
    )


@role_required(*READERS)
def combined_list(request):
    """The lead unit's 一件事 (and those its unit takes part in); hall-wide roles see all."""
    rows = selectors.combined_list_for_user(user=request.user).order_by("-key_project", "-id")[:200]
    return render(request, "cases/combined_list.html", {"rows": rows})


@role_required(*READERS)
def combined_detail(request, combined_id: int):
    parent = selectors.combined_get_for_user(combined_id, user=request.user)
    today = timezone.localdate()
    overview = selectors.combined_overview(parent, today)
    own = user_unit_id(request.user)
    lines = catalog_selectors.merged_materials(parent.service)
    bad = CaseMaterial.objects.filter(case__parent=parent, status__in=["missing", "defective"])
    short = set(bad.values_list("material_id", flat=True))
    for line in lines:
        line.short = any(m.pk in short for m in line.materials)
    return render(
        request,
        "cases/combined_detail.html",
        {
            "parent": parent,
            "lines": lines,
            **overview,
            "is_lead": own is not None and own == parent.lead_unit_id,
            "posts": selectors.posts_of(request.user),
            "today": today,
        },
    )


@require_POST
@role_required(*UNIT_BOUND, RoleCode.HALL_MANAGER)
def combined_act(request, combined_id: int, action: str):
    parent = selectors.combined_get_for_user(combined_id, user=request.user)
    p, user = request.POST, request.user
    labels = {
        "accept": "受理",
        "refuse": "不予受理",
        "deliver": "一并送达",
        "withdraw": "撤回",
        "mark_key": "标记重点项目",
        "prompt": "催办",
        "notify_correction": "一次性告知补正",
        "resubmit": "登记补正材料",
    }
    if action not in labels:
        raise Http404("没有这个操作。")
    try:
        if action == "accept":
            post = selectors.posts_of(user).filter(pk=parse_int(p.get("window_post"), default=0))
            combined.combined_accept(
                acting_user=user,
                combined=parent,
                window_post=post.first(),
                handoff=p.get("handoff", "online"),
                opinion=p.get("opinion", ""),
            )
        elif action == "refuse":
            combined.combined_refuse(acting_user=user, combined=parent, reason=p.get("reason", ""))
        elif action in ("notify_correction", "resubmit"):
            lines = catalog_selectors.merged_materials(parent.service)
            picked = [(n, line) for n, line in enumerate(lines) if p.get(f"pick_{n}")]
            if action == "notify_correction":
                problems = {line.name: p.get(f"problem_{n}", "").strip() for n, line in picked}
                combined.combined_notify_correction(
                    acting_user=user, combined=parent, problems=problems
                )
            else:
                combined.combined_resubmit(
                    acting_user=user, combined=parent, received=[line.name for _, line in picked]
                )
        elif action == "deliver":
            detail = {
                k: p.get(k, "")
                for k in (
                    "recipient",
                    "recipient_id",
                    "receipt_signed",
                    "address",
                    "carrier",
                    "tracking",
                )
            }
            combined.combined_deliver(
                acting_user=user, combined=parent, mode=p.get("mode", ""), detail=detail
            )
        elif action == "withdraw":
            combined.combined_withdraw(
                acting_user=user, combined=parent, reason=p.get("reason", "")
            )
        elif action == "mark_key":
            combined.combined_mark_key(
                acting_user=user,
                combined=parent,
                name=p.get("project_name", ""),
                doc=p.get("project_doc", ""),
            )
        elif action == "prompt":
            child = parent.children.filter(pk=p.get("case") or 0).first()
            if child is None:
                raise ValidationError("请选择要催办的事项。")
            combined.combined_prompt(acting_user=user, case=child, note=p.get("reason", ""))
        messages.success(request, f"已{labels[action]}。")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"未能{labels[action]}：{error_text(exc)}")
    return redirect("cases:combined_detail", parent.pk)


@role_required(*ALL_UNITS)
def key_projects(request):
    """重点项目绿色通道: every open key project and where it stands (hall manager)."""
    today = timezone.localdate()
    cases = list(selectors.key_projects())
    return render(
        request,
        "cases/key_projects.html",
        {"cases": cases, "combined": selectors.key_combined(), "today": today},
    )
