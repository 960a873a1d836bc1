"""The window (find an item, the online queue, today's receipts, a new application), the team
leader's queue, the department's cases and the key projects."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from onewindow.cases import selectors, services
from onewindow.cases.actions import queues
from onewindow.cases.models import CaseMaterial, Channel
from onewindow.catalog import selectors as catalog_selectors
from onewindow.common.errors import error_dict
from onewindow.common.paging import page_of
from onewindow.common.parsing import parse_int
from onewindow.org.access import permission_required
from onewindow.org.selectors import user_unit_id

STATUS_CHOICES = [
    (CaseMaterial.Status.PAPER, "已收纸质"),
    (CaseMaterial.Status.SHARED, "共享获取"),
    (CaseMaterial.Status.MISSING, "缺少"),
    (CaseMaterial.Status.DEFECTIVE, "不符合要求"),
]


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _queue_page(request, url_name: str, today: datetime.date) -> dict:
    """The page's queues as tabs with their counts, and the chosen one's first rows."""
    tabs = queues.tabs(url_name, request.user, today)
    queues.counted_here(request, url_name, tabs)
    current = queues.by_key(url_name, request.GET.get("queue"))
    rows = list(queues.cases(current, request.user, today)[: queues.SHOWN])
    total = next(t.count for t in tabs if t.key == current.key)
    if current.key == "mailed":
        late = queues.mail_overdue_before(today)
        for c in rows:
            c.late = c.closed_on is not None and c.closed_on < late
    elif current.key == "rongque":
        for c in rows:
            c.late = c.rongque_deadline is not None and c.rongque_deadline < today
    return {
        "tabs": tabs,
        "current": current,
        "rows": rows,
        "count_text": queues.count_text(total, len(rows)),
        "today": today,
        "receipt_days": queues.MAIL_RECEIPT_DAYS,
    }


@permission_required("cases.use_workbench")
def workbench(request):
    """The window: find an item (name or pinyin initials), its queues (?queue=: online to accept,
    corrections, 容缺, results to deliver, mailed awaiting receipt), today's cases."""
    query = request.GET.get("q", "").strip()[:50]
    posts = list(selectors.posts_of(request.user))
    unit_ids = {u.pk for p in posts for u in p.units.all()}
    items, services_found = [], []
    if query:
        items = catalog_selectors.window_items(unit_ids, query)
        services_found = catalog_selectors.window_combined(unit_ids, query)
    today = timezone.localdate()
    page = _queue_page(request, "cases:workbench", today)
    combined = []
    if page["current"].key == "online":
        combined = selectors.combined_queue(user=request.user)[:50]
    elif page["current"].key == "deliver":
        combined = selectors.combined_ready(user=request.user)[:50]
    mine = selectors.case_list_for_user(user=request.user, received_on=today)
    mine = mine.select_related(None).select_related("item").only(*selectors.ROW)[:50]
    return render(
        request,
        "cases/workbench.html",
        {
            **page,
            "query": query,
            "items": items,
            "services_found": services_found,
            "combined_queue": combined,
            "today_cases": mine,
            "posts": posts,
        },
    )


@permission_required("cases.use_workbench")
def application_new(request, item_id: int):
    item = catalog_selectors.item_for_application(item_id)
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


@permission_required("cases.view_review_queue")
def review_queue(request):
    # 50 a page: a unit's queue held 396 cases at 1,000,000 (127 ms to list them all; issue 22).
    page = page_of(selectors.review_queue(user=request.user), request.GET)
    return render(request, "cases/review_queue.html", {"cases": page, "page": page})


DEPARTMENT_PAGE = 50  # rows a page of the department's list shows


@permission_required("cases.view_department")
def department(request):
    """The unit's cases under review, by due date, 50 a page (keyset: ?after=<date>,<id>); or
    one of its queues (?queue=decide, suspended, due_soon), paged the same way."""
    unit_id = user_unit_id(request.user)
    if unit_id is None:
        return render(request, "org/no_unit.html", status=403)
    after = None
    raw = request.GET.get("after", "")
    if "," in raw:
        due, _, last = raw.partition(",")
        if _date(due) and parse_int(last) is not None:
            after = (_date(due), parse_int(last))
    today = timezone.localdate()
    tabs = queues.tabs("cases:department", request.user, today)
    queues.counted_here(request, "cases:department", tabs)
    chosen = request.GET.get("queue", "")
    current = next((t.queue for t in tabs if t.key == chosen), None)
    if current is None:
        rows, more = selectors.department_page(unit_id=unit_id, after=after, size=DEPARTMENT_PAGE)
        total = sum(t.count for t in tabs if t.queue.counted)
    else:
        qs = queues.cases(current, request.user, today)
        rows, more = selectors.due_date_page(qs, after=after, size=DEPARTMENT_PAGE)
        total = next(t.count for t in tabs if t.key == current.key)
    first = after is None and current is None
    key = selectors.department_key_projects(unit_id=unit_id) if first else []
    take_over = selectors.awaiting_take_over(unit_id=unit_id, day=today) if first else []
    return render(
        request,
        "cases/department.html",
        {
            "cases": rows,
            "more": more,
            "today": today,
            "key": key,
            "take_over": take_over,
            "tabs": tabs,
            "current": current,
            "show_all": True,
            "all_count": request.waiting["cases:department"],
            "count_text": f"共{total:,}项"
            + (f"，每页{DEPARTMENT_PAGE}项" if total > DEPARTMENT_PAGE else ""),
        },
    )


@permission_required("cases.view_key_projects")
def key_projects(request):
    """重点项目绿色通道: every open key project and where it stands (hall manager)."""
    today = timezone.localdate()
    cases = list(selectors.key_projects())
    return render(
        request,
        "cases/key_projects.html",
        {"cases": cases, "combined": selectors.key_combined(), "today": today},
    )
