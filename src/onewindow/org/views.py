"""Organisation pages. Thin: read through selectors, render."""

from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from onewindow.org import selectors
from onewindow.org.access import role_required
from onewindow.org.roles import ALL_UNITS, UNIT_BOUND, RoleCode

UNIT_READERS = (*ALL_UNITS, *UNIT_BOUND)


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


@role_required(RoleCode.APPLICANT)
def applicant_home(request):
    return render(
        request,
        "org/applicant_home.html",
        {
            "halls": selectors.hall_list_for_user(user=request.user),
        },
    )
