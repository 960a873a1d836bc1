"""Reads of organisation data, each scoped to what the user may see.

Roles in ALL_UNITS read every unit; unit-bound roles read their own unit's rows; anyone else
(applicants, accounts without a staff record) reads none.
"""

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from onewindow.org.models import Hall, Section, Staff, Unit, User, WindowPost
from onewindow.org.roles import UNIT_BOUND


def user_unit_id(user: User) -> int | None:
    """The unit a unit-bound user works for, or None."""
    staff = getattr(user, "staff", None)
    if staff is None or not staff.active or not user.role_codes & UNIT_BOUND:
        return None
    return staff.unit_id


def unit_list_for_user(*, user: User) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("region", "leader_in_charge", "lead_section").annotate(
        staff_count=Count("staff", filter=Q(staff__active=True), distinct=True),
    )
    if user.sees_all_units:
        return qs
    unit_id = user_unit_id(user)
    return qs.filter(pk=unit_id) if unit_id else qs.none()


def unit_get_for_user(unit_id: int, *, user: User) -> Unit:
    """The unit, or 404 when it does not exist or lies outside the user's scope."""
    unit = unit_list_for_user(user=user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404("没有找到该单位，或您无权查看。")
    return unit


def section_list_for_user(*, user: User, unit_id: int | None = None) -> QuerySet[Section]:
    qs = Section.objects.select_related("unit", "head")
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if user.sees_all_units:
        return qs
    own = user_unit_id(user)
    return qs.filter(unit_id=own) if own else qs.none()


def staff_list_for_user(*, user: User, unit_id: int | None = None) -> QuerySet[Staff]:
    qs = Staff.objects.select_related("unit", "section", "user")
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if user.sees_all_units:
        return qs
    own = user_unit_id(user)
    return qs.filter(unit_id=own) if own else qs.none()


def window_post_list_for_user(*, user: User, unit_id: int | None = None) -> QuerySet[WindowPost]:
    """Window posts: all for hall-wide roles; for unit staff, the posts serving their unit."""
    qs = (
        WindowPost.objects.select_related("hall", "staff_a", "staff_b")
        .prefetch_related("units")
        .order_by("hall_id", "number")
    )
    if unit_id is not None:
        qs = qs.filter(units__id=unit_id)
    if user.sees_all_units:
        return qs
    own = user_unit_id(user)
    if not own:
        return qs.none()
    return qs.filter(
        Q(units__id=own) | Q(staff_a__unit_id=own) | Q(staff_b__unit_id=own)
    ).distinct()


def window_posts_held(*, staff: Staff) -> QuerySet[WindowPost]:
    """The posts a staff member holds, as A or as B."""
    return (
        WindowPost.objects.filter(Q(staff_a=staff) | Q(staff_b=staff), active=True)
        .select_related("hall", "staff_a", "staff_b")
        .prefetch_related("units")
        .order_by("hall_id", "number")
    )


def held_posts_sql() -> str:
    """FROM and WHERE of the active posts held by %(staff)s (A or B) that serve %(unit)s, with
    the post as `p`: raw SQL for the case workflow's hot path (decision 22)."""
    qn = connection.ops.quote_name
    post, link = qn(WindowPost._meta.db_table), qn(WindowPost.units.through._meta.db_table)
    return (
        f"FROM {post} p JOIN {link} pu ON pu.windowpost_id = p.id "
        "WHERE (p.staff_a_id = %(staff)s OR p.staff_b_id = %(staff)s) "
        "AND p.active = %(yes)s AND pu.unit_id = %(unit)s"
    )


def posts_serving(*, staff_id: int, unit_id: int) -> set[int]:
    """Ids of the active posts a staff member holds that serve the unit, in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id {held_posts_sql()}", {"staff": staff_id, "unit": unit_id, "yes": True}
        )
        return {row[0] for row in cursor.fetchall()}


def hall_list_for_user(*, user: User) -> QuerySet[Hall]:
    """Halls are public facts (addresses and hours); every signed-in user may read them."""
    return Hall.objects.select_related("region", "owner_unit").annotate(
        window_count=Count("window_posts", filter=Q(window_posts__active=True))
    )


def units_missing_s1(*, user: User) -> QuerySet[Unit]:
    """Units that have not yet named a leader in charge or a lead section (S1)."""
    return unit_list_for_user(user=user).filter(
        Q(leader_in_charge__isnull=True) | Q(lead_section__isnull=True), in_reform=True
    )
