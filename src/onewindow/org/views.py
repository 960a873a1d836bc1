"""Organisation pages. Thin: read through selectors, render."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onewindow.org import cover, selectors, services
from onewindow.org.access import role_required
from onewindow.org.forms import LeaveForm, StaffChangeForm
from onewindow.org.models import Leave, StaffChange
from onewindow.org.roles import ALL_UNITS, UNIT_BOUND, RoleCode

UNIT_READERS = (*ALL_UNITS, *UNIT_BOUND)


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


@role_required(*UNIT_READERS)
def unit_list(request):
    units = selectors.unit_list_for_user(user=request.user)
    query = request.GET.get("q", "").strip()
    if query:
        units = units.filter(Q(name__contains=query) | Q(short_name__contains=query))
    return render(request, "org/unit_list.html", {"units": units, "query": query})


@role_required(*UNIT_READERS)
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


@role_required(
    RoleCode.WINDOW_SUPERVISOR, RoleCode.TEAM_LEADER, RoleCode.DEPT_REVIEWER, RoleCode.WINDOW_CLERK
)
def my_unit(request):
    unit_id = selectors.user_unit_id(request.user)
    if unit_id is None:
        return render(request, "org/no_unit.html", status=403)
    return unit_detail(request, unit_id)


@role_required(*UNIT_READERS)
def staff_list(request):
    staff = selectors.staff_list_for_user(user=request.user)
    return render(request, "org/staff_list.html", {"staff_list": staff})


@role_required(*UNIT_READERS)
def window_list(request):
    posts = selectors.window_post_list_for_user(user=request.user)
    return render(request, "org/window_list.html", {"posts": posts})


@role_required(*UNIT_BOUND)
def my_windows(request):
    """The window workbench's home: the posts I hold and who backs me up."""
    staff = getattr(request.user, "staff", None)
    held = selectors.window_posts_held(staff=staff) if staff else []
    unit_posts = []
    if request.user.has_role(RoleCode.TEAM_LEADER, RoleCode.WINDOW_SUPERVISOR):
        unit_posts = selectors.window_post_list_for_user(
            user=request.user, unit_id=selectors.user_unit_id(request.user)
        )
    return render(
        request, "org/my_windows.html", {"staff": staff, "held": held, "unit_posts": unit_posts}
    )


@role_required(RoleCode.HALL_MANAGER, RoleCode.SUPERVISOR)
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


@role_required(RoleCode.REFORM_OFFICE, RoleCode.SUPERVISOR)
def reform_units(request):
    """S1 at a glance: which units have named their leader in charge and lead section."""
    units = selectors.unit_list_for_user(user=request.user).filter(in_reform=True)
    missing = selectors.units_missing_s1(user=request.user)
    return render(request, "org/reform_units.html", {"units": units, "missing": missing})


# --- leave, cover and staff changes (S12) -------------------------------------------------


@role_required(*UNIT_BOUND)
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
            "leaves": staff.leaves.all()[:30],
            "posts": selectors.window_posts_held(staff=staff),
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(RoleCode.HALL_MANAGER, RoleCode.SUPERVISOR)
def hall_cover(request):
    """Today's cover per window post: who is on duty, and the posts with nobody present."""
    day = _day(request.GET.get("day")) or timezone.localdate()
    posts = selectors.window_post_list_for_user(user=request.user).filter(active=True)
    rows = cover.cover_on(day, posts)
    leaves = (
        Leave.objects.filter(status=Leave.Status.APPROVED, start__lte=day, end__gte=day)
        .select_related("staff__unit")
        .order_by("staff__unit_id")
    )
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


@role_required(RoleCode.WINDOW_SUPERVISOR, RoleCode.HALL_MANAGER, RoleCode.REFORM_OFFICE)
def staff_changes(request):
    """Units notify transfers and withdrawals in advance; the hall manager confirms handovers."""
    staff_qs = selectors.staff_list_for_user(user=request.user).filter(active=True)
    can_notify = request.user.has_role(RoleCode.WINDOW_SUPERVISOR, RoleCode.SYSADMIN)
    form = StaffChangeForm(request.POST or None, staff_qs=staff_qs) if can_notify else None
    loose: list[str] = []
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.staff_change_notify(acting_user=request.user, **form.cleaned_data)
            messages.success(request, "人员调整已报备，待政务服务中心确认交接。")
            return redirect("org:staff_changes")
        except ValidationError as exc:
            loose = form_errors(form, exc)
    changes = StaffChange.objects.select_related("staff__unit", "successor", "decided_by")
    if not request.user.sees_all_units:
        changes = changes.filter(staff__unit_id=selectors.user_unit_id(request.user))
    return render(
        request,
        "org/staff_changes.html",
        {
            "form": form,
            "changes": changes[:100],
            "loose_errors": loose,
            "can_decide": request.user.has_role(RoleCode.HALL_MANAGER, RoleCode.SYSADMIN),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@role_required(RoleCode.HALL_MANAGER)
def staff_change_decide(request, change_id: int):
    change = StaffChange.objects.filter(pk=change_id).first()
    if change is None:
        raise Http404("没有找到该报备。")
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
