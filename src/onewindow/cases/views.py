"""Case pages: the window workbench, the team leader's queue, the department workbench and the
case page with its timeline, actions and notices. Thin: parse, call a service, redirect."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onewindow.cases import notices, selectors, services
from onewindow.cases.models import CaseMaterial, Channel
from onewindow.cases.workflow import MOVES, moves_from
from onewindow.catalog import selectors as catalog_selectors
from onewindow.catalog.models import SPECIAL_PROCEDURES, Item
from onewindow.documents import download
from onewindow.org.access import role_required
from onewindow.org.roles import ALL_UNITS, UNIT_BOUND, RoleCode
from onewindow.org.selectors import user_unit_id

READERS = (*ALL_UNITS, *UNIT_BOUND)
WINDOW = (RoleCode.WINDOW_CLERK, RoleCode.TEAM_LEADER, RoleCode.WINDOW_SUPERVISOR)


@role_required(*WINDOW)
def workbench(request):
    """The window: find an item (name or pinyin initials), the online queue, today's cases."""
    query = request.GET.get("q", "").strip()[:50]
    posts = list(selectors.posts_of(request.user))
    unit_ids = {u.pk for p in posts for u in p.units.all()}
    items = []
    if query:
        qs = catalog_selectors.public_items().filter(unit_id__in=unit_ids)
        items = catalog_selectors.item_search(qs, query)[:20]
    today = timezone.localdate()
    mine = selectors.case_list_for_user(user=request.user).filter(received_on=today)[:50]
    return render(
        request,
        "cases/workbench.html",
        {
            "query": query,
            "items": items,
            "queue": selectors.online_queue(user=request.user)[:50],
            "today_cases": mine,
            "posts": posts,
        },
    )


@role_required(*WINDOW)
def application_new(request, item_id: int):
    item = get_object_or_404(Item.objects.prefetch_related("materials"), pk=item_id)
    errors: dict = {}
    if request.method == "POST":
        applicant = {
            k: request.POST.get(k, "")
            for k in (
                "applicant_kind",
                "applicant_name",
                "applicant_id",
                "phone",
                "agent_name",
                "agent_id",
            )
        }
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
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        except PermissionDenied as exc:
            errors = {"__all__": [str(exc)]}
    return render(
        request,
        "cases/application_new.html",
        {
            "item": item,
            "errors": errors,
            "post": request.POST,
            "statuses": [
                (CaseMaterial.Status.PAPER, "已收纸质"),
                (CaseMaterial.Status.SHARED, "共享获取"),
                (CaseMaterial.Status.MISSING, "缺少"),
                (CaseMaterial.Status.DEFECTIVE, "不符合要求"),
            ],
        },
        status=400 if errors else 200,
    )


@role_required(*READERS)
def case_detail(request, case_id: int):
    case = selectors.case_get_for_user(case_id, user=request.user)
    today = timezone.localdate()
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
            "remaining": selectors.remaining_workdays(case, today),
            "procedures": SPECIAL_PROCEDURES.items(),
            "today": today,
        },
    )


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@require_POST
@role_required(*UNIT_BOUND)
def case_act(request, case_id: int, action: str):
    """Every action form of the case page posts here; the service decides whether it may."""
    case = selectors.case_get_for_user(case_id, user=request.user)
    p, user = request.POST, request.user
    version = int(p["version"]) if p.get("version", "").isdigit() else None
    common = {"acting_user": user, "case": case, "expected_version": version}
    try:
        if action == "accept":
            post = selectors.posts_of(user).filter(pk=p.get("window_post") or 0).first()
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
        elif action == "suspend":
            days = int(p["expected_days"]) if p.get("expected_days", "").isdigit() else 0
            services.case_suspend(
                procedure=p.get("procedure", ""),
                expected_days=days,
                reason=p.get("reason", ""),
                **common,
            )
        elif action == "resume":
            services.case_resume(**common)
        elif action == "extend":
            days = int(p["days"]) if p.get("days", "").isdigit() else 0
            services.case_extend(
                days=days, approver=p.get("approver", ""), reason=p.get("reason", ""), **common
            )
        elif action == "supplement":
            services.case_supplement(**common)
        elif action == "attach":
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationError("请选择要上传的文件。")
            services.case_attach(material_id=int(p.get("material", 0)), upload=upload, **common)
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
            services.case_deliver(mode=p.get("mode", ""), detail=detail, **common)
        elif action in ("withdraw", "terminate"):
            services.case_end(action=action, reason=p.get("reason", ""), **common)
        else:
            raise Http404("没有这个操作。")
        messages.success(request, f"已{MOVES[action].label}。")
    except (ValidationError, PermissionDenied) as exc:
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(
            request, f"未能{MOVES.get(action).label if action in MOVES else '办理'}：{text}"
        )
    return redirect("cases:detail", case.pk)


@role_required(*READERS)
def case_notice(request, case_id: int, kind: str):
    case = selectors.case_get_for_user(case_id, user=request.user)
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
        if _date(due) and last.isdigit():
            after = (_date(due), int(last))
    rows = selectors.department_page(unit_id=unit_id, after=after)
    today = timezone.localdate()
    for case in rows:
        case.remaining = selectors.remaining_workdays(case, today)
    more = f"{rows[-1].due_date.isoformat()},{rows[-1].pk}" if len(rows) == 50 else ""
    return render(request, "cases/department.html", {"cases": rows, "more": more, "today": today})
