"""Organisation pages. Thin: read through selectors, render."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onewindow.common.paging import page_of
from onewindow.common.parsing import query_int
from onewindow.org import cover, selectors, services
from onewindow.org.access import permission_required
from onewindow.org.forms import LeaveForm, StaffChangeForm
from onewindow.org.models import Leave
from onewindow.org.permissions import allows


def form_errors(form, exc: ValidationError) -> list[str]:
    """Put a service's field errors on the form; return those that belong to no form field."""
    if not hasattr(exc, "error_dict"):
        return exc.messages
    loose = []
    for field, errors in exc.message_dict.items():
        if field in form.fields:
            for e in errors:
                form.add_error(field, e)
        else:
            loose.extend(errors)
    return loose


@permission_required("org.view_org")
def unit_list(request):
    units = selectors.unit_list_for_user(user=request.user)
    query = request.GET.get("q", "").strip()
    if query:
        units = units.filter(Q(name__contains=query) | Q(short_name__contains=query))
    page = page_of(units.order_by("id"), request.GET)
    return render(request, "org/unit_list.html", {"page": page, "query": query})


@permission_required("org.view_org")
def unit_detail(request, unit_id: int):
    unit = selectors.unit_get_for_user(unit_id, user=request.user)
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "sections": selectors.section_list_for_user(user=request.user, unit_id=unit.pk),
            "staff_list": selectors.staff_list_for_user(user=request.user, unit_id=unit.pk),
            "posts": selectors.window_post_list_for_user(user=request.user, unit_id=unit.pk),
        },
    )


@permission_required("org.view_own_unit")
def my_unit(request):
    unit_id = selectors.user_unit_id(request.user)
    if unit_id is None:
        return render(request, "org/no_unit.html", status=403)
    return unit_detail(request, unit_id)


@permission_required("org.view_org")
def staff_list(request):
    """Everyone the user may see, 50 a page, narrowed by unit and by a part of the name."""
    unit_id = query_int(request.GET, "unit", label="单位")
    query = request.GET.get("q", "").strip()[:50]
    staff = selectors.staff_list_for_user(user=request.user, unit_id=unit_id)
    if query:
        staff = staff.filter(name__contains=query)
    return render(
        request,
        "org/staff_list.html",
        {
            "page": page_of(staff.order_by("unit_id", "id"), request.GET),
            "units": selectors.unit_choices_for_user(user=request.user),
            "unit_id": unit_id,
            "query": query,
        },
    )


@permission_required("org.view_org")
def window_list(request):
    posts = selectors.window_post_list_for_user(user=request.user)
    return render(request, "org/window_list.html", {"posts": posts})


@permission_required("org.view_own_windows")
def my_windows(request):
    """The window workbench's home: the posts I hold and who backs me up."""
    staff = getattr(request.user, "staff", None)
    held = selectors.window_posts_held(staff=staff) if staff else []
    unit_posts = []
    if allows(request.user, "org.view_unit_posts"):
        unit_posts = selectors.window_post_list_for_user(
            user=request.user, unit_id=selectors.user_unit_id(request.user)
        )
    return render(
        request, "org/my_windows.html", {"staff": staff, "held": held, "unit_posts": unit_posts}
    )


@permission_required("org.view_hall")
def hall_overview(request):
    posts = list(selectors.window_post_list_for_user(user=request.user))
    return render(
        request,
        "org/hall_overview.html",
        {
            "halls": selectors.hall_list_for_user(user=request.user),
            "posts": posts,
            "posts_without_b": [p for p in posts if p.active and p.staff_b_id is None],
            "today": timezone.localdate(),
        },
    )


@permission_required("org.view_reform")
def reform_units(request):
    """S1 at a glance: which units have named their leader in charge and lead section."""
    units = selectors.unit_list_for_user(user=request.user).filter(in_reform=True)
    missing = selectors.units_missing_s1(user=request.user)
    return render(request, "org/reform_units.html", {"units": units, "missing": missing})


# --- leave, cover and staff changes (S12) -------------------------------------------------


@permission_required("org.request_leave")
def my_leave(request):
    """A window person asks for leave; it is decided at once by the AB cover rule."""
    staff = getattr(request.user, "staff", None)
    if staff is None:
        return render(request, "org/no_unit.html", status=403)
    form = LeaveForm(request.POST or None)
    gaps, loose = [], []
    if request.method == "POST" and form.is_valid():
        try:
            leave, gaps = services.leave_request(
                acting_user=request.user, staff=staff, **form.cleaned_data
            )
            if leave.status == Leave.Status.APPROVED:
                messages.success(request, "请假已批准：" + leave.decision)
                return redirect("org:my_leave")
        except ValidationError as exc:
            loose = form_errors(form, exc)
    return render(
        request,
        "org/my_leave.html",
        {
            "form": form,
            "gaps": gaps,
            "loose_errors": loose,
            "page": page_of(selectors.leaves_of(staff), request.GET),
            "posts": selectors.window_posts_held(staff=staff),
        },
        status=400 if request.method == "POST" else 200,
    )


@permission_required("org.view_hall")
def hall_cover(request):
    """Today's cover per window post: who is on duty, and the posts with nobody present."""
    day = _day(request.GET.get("day")) or timezone.localdate()
    posts = selectors.window_post_list_for_user(user=request.user).filter(active=True)
    rows = cover.cover_on(day, posts)
    leaves = selectors.leaves_on(day)
    return render(
        request,
        "org/hall_cover.html",
        {
            "day": day,
            "rows": rows,
            "empty": [r for r in rows if r.on_duty is None],
            "leaves": leaves,
        },
    )


def _day(text):
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@permission_required("org.view_staff_changes")
def staff_changes(request):
    """Units notify transfers and withdrawals in advance; the hall manager confirms handovers."""
    staff_qs = selectors.staff_list_for_user(user=request.user).filter(active=True)
    can_notify = allows(request.user, "org.notify_staff_change")
    form = StaffChangeForm(request.POST or None, staff_qs=staff_qs) if can_notify else None
    loose: list[str] = []
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.staff_change_notify(acting_user=request.user, **form.cleaned_data)
            messages.success(request, "人员调整已报备，待政务服务中心确认交接。")
            return redirect("org:staff_changes")
        except ValidationError as exc:
            loose = form_errors(form, exc)
    changes = selectors.staff_change_list_for_user(user=request.user)
    return render(
        request,
        "org/staff_changes.html",
        {
            "form": form,
            "page": page_of(changes.order_by("-notified_at", "-id"), request.GET),
            "loose_errors": loose,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@permission_required("org.decide_staff_change")
def staff_change_decide(request, change_id: int):
    change = selectors.staff_change_get(change_id)
    try:
        services.staff_change_decide(
            acting_user=request.user,
            change=change,
            confirm=request.POST.get("confirm") == "1",
            decision=request.POST.get("decision", ""),
        )
        messages.success(request, "已处理。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("org:staff_changes")
