"""Reads of organisation data, each scoped to what the user may see.

Roles in ALL_UNITS read every unit; unit-bound roles read their own unit's rows; anyone else
(applicants, accounts without a staff record) reads none.
"""

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from onewindow.org.models import (
    Hall,
    Leave,
    Region,
    Section,
    Staff,
    StaffChange,
    Unit,
    User,
    WindowPost,
)

# user_unit_id lives with the permissions; many readers import it from here.
from onewindow.org.permissions import scope_to_unit, user_unit_id


def unit_list_for_user(*, user: User) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("region", "leader_in_charge", "lead_section").annotate(
        staff_count=Count("staff", filter=Q(staff__active=True), distinct=True),
    )
    return scope_to_unit(qs, user, field="pk")


def unit_get_for_user(unit_id: int, *, user: User) -> Unit:
    """The unit, or 404 when it does not exist or lies outside the user's scope."""
    unit = unit_list_for_user(user=user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404("没有找到该单位，或您无权查看。")
    return unit


def unit_choices_for_user(*, user: User) -> QuerySet[Unit]:
    """The units a list may be narrowed to: ids and names only, in the county's order."""
    return scope_to_unit(
        Unit.objects.only("pk", "name", "short_name").order_by("id"), user, field="pk"
    )


def section_list_for_user(*, user: User, unit_id: int | None = None) -> QuerySet[Section]:
    qs = Section.objects.select_related("unit", "head")
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return scope_to_unit(qs, user)


def staff_list_for_user(*, user: User, unit_id: int | None = None) -> QuerySet[Staff]:
    qs = Staff.objects.select_related("unit", "section", "user")
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return scope_to_unit(qs, user)


def window_post_list_for_user(*, user: User, unit_id: int | None = None) -> QuerySet[WindowPost]:
    """Window posts: all for hall-wide roles; for unit staff, the posts serving their unit."""
    qs = (
        WindowPost.objects.select_related("hall", "staff_a", "staff_b")
        .prefetch_related("units")
        .order_by("hall_id", "number_key")
    )
    if unit_id is not None:
        qs = qs.filter(units__id=unit_id)
    return scope_to_unit(qs, user, "units__id", also=("staff_a__unit_id", "staff_b__unit_id"))


def window_posts_held(*, staff: Staff) -> QuerySet[WindowPost]:
    """The posts a staff member holds, as A or as B."""
    return (
        WindowPost.objects.filter(Q(staff_a=staff) | Q(staff_b=staff), active=True)
        .select_related("hall", "staff_a", "staff_b")
        .prefetch_related("units")
        .order_by("hall_id", "number_key")
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


def leaves_on(day) -> QuerySet[Leave]:
    """The approved leaves covering `day`, by unit (the hall's cover page)."""
    return (
        Leave.objects.filter(status=Leave.Status.APPROVED, start__lte=day, end__gte=day)
        .select_related("staff__unit")
        .order_by("staff__unit_id")
    )


def leaves_of(staff: Staff) -> QuerySet[Leave]:
    """A staff member's own leaves, the latest first."""
    return staff.leaves.order_by("-start", "-id")


def staff_change_list_for_user(*, user: User) -> QuerySet[StaffChange]:
    qs = StaffChange.objects.select_related("staff__unit", "successor", "decided_by")
    return scope_to_unit(qs, user, field="staff__unit_id")


def staff_change_get(change_id: int) -> StaffChange:
    change = StaffChange.objects.filter(pk=change_id).first()
    if change is None:
        raise Http404("没有找到该报备。")
    return change


# --- plain look-ups for pages whose permission already covers every row -------------------


def unit_by_pk(pk: int | None) -> Unit | None:
    return Unit.objects.filter(pk=pk).first() if pk else None


def units_in_reform() -> QuerySet[Unit]:
    return Unit.objects.filter(in_reform=True).order_by("id")


def hall_by_pk(pk: int | None) -> Hall | None:
    return Hall.objects.filter(pk=pk).first() if pk else None


def halls() -> QuerySet[Hall]:
    return Hall.objects.order_by("id")


def window_post_by_pk(pk: int | None) -> WindowPost | None:
    return WindowPost.objects.filter(pk=pk).first() if pk else None


def active_window_posts() -> QuerySet[WindowPost]:
    return WindowPost.objects.filter(active=True).select_related("hall")


def units_by_pks(pks) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=list(pks)).order_by("id")


def unit_by_credit_code(code: str) -> Unit | None:
    return Unit.objects.filter(credit_code=code).first()


# --- hall set-up ----------------------------------------------------------------------------

PICK_LIMIT = 20


def pickable_unit_ids(*, user: User, requested: set[int] | None) -> set[int]:
    """The units whose people the user may pick: unit-bound staff only their own unit, whatever
    they ask; hall-wide roles the units the page asks for (a post's units, never "everyone")."""
    if user.sees_all_units:
        return set(requested or ())
    own = user_unit_id(user)
    return {own} if own is not None else set()


def staff_pick(*, unit_ids: set[int], query: str, limit: int = PICK_LIMIT):
    """Active staff of `unit_ids` (already scoped by `pickable_unit_ids`) whose name contains
    `query`, or whose unit's short name equals it: (the first `limit`, how many match)."""
    qs = Staff.objects.filter(active=True, unit_id__in=unit_ids).select_related("unit")
    query = query.strip()[:50]
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(unit__short_name=query))
    qs = qs.order_by("unit_id", "name", "id")
    found = list(qs[:limit])
    total = len(found) if len(found) < limit else qs.count()
    return found, total


def staff_for_picker(*, pk) -> Staff | None:
    try:
        return Staff.objects.select_related("unit").filter(pk=int(pk)).first() if pk else None
    except (TypeError, ValueError):
        return None


def window_post_get(post_id: int) -> WindowPost:
    post = (
        WindowPost.objects.select_related("hall", "staff_a__unit", "staff_b__unit")
        .prefetch_related("units")
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        raise Http404("没有找到该窗口。")
    return post


def setup_changes_of(post: WindowPost, limit: int = 200):
    return post.setup_changes.select_related("by")[:limit]


def hall_hours_changes(hall: Hall, limit: int = 50):
    return hall.setup_changes.filter(post__isnull=True).select_related("by")[:limit]


def all_units() -> QuerySet[Unit]:
    return Unit.objects.order_by("id")


def staff_for_post_form(post: WindowPost | None) -> QuerySet[Staff]:
    """Whom a post's A/B fields accept: active staff, and the post's current people even when
    no longer active (so editing another field does not fail on them; org.setup decides)."""
    keep = Q(active=True)
    if post is not None:
        keep |= Q(pk=post.staff_a_id) | Q(pk=post.staff_b_id or 0)
    return Staff.objects.filter(keep).select_related("unit")


def a_posts_elsewhere(post: WindowPost) -> list[WindowPost]:
    """Other active posts where the post's B person is A: there B must stay at their own window,
    so they cannot cover this one when its A is away (org.cover.leave_gaps)."""
    if not post.staff_b_id:
        return []
    return list(
        WindowPost.objects.filter(staff_a_id=post.staff_b_id, active=True)
        .exclude(pk=post.pk)
        .order_by("hall_id", "number_key")
    )


# --- the county the platform serves (headings, footer, API description) --------------------

COUNTY_CACHE_KEY = "org:county_name"
# How long a process trusts its copy of the name. A region write refreshes the cache of the
# process that made it at once; with a per-process cache (`make run`'s local memory, several
# gunicorn workers) the other workers learn of it when their copy expires, so a renamed county
# shows everywhere within this time instead of alternating with the old name until a restart.
COUNTY_CACHE_SECONDS = 60


def county_name_from(regions: list[tuple[str, int | None]]) -> str:
    """The name the platform goes by, from (name, parent id) of every county-level region: the
    only county's name; for several counties of one city, that city's name (a city running its
    counties on one deployment); else "" (headings then name no place)."""
    if len(regions) == 1:
        return regions[0][0]
    parents = {parent for _name, parent in regions}
    if len(parents) == 1 and None not in parents:
        return Region.objects.filter(pk=parents.pop()).values_list("name", flat=True).first() or ""
    return ""


def _county_name_query() -> str:
    regions = Region.objects.filter(level=Region.Level.COUNTY).values_list("name", "parent_id")
    return county_name_from(list(regions))


def county_name() -> str:
    """The county's own name from its data: at most one small query a minute per process, and
    at once after a region write in this process (county_name_refresh runs on its commit)."""
    name = cache.get(COUNTY_CACHE_KEY)
    if name is None:
        name = _county_name_query()
        cache.set(COUNTY_CACHE_KEY, name, COUNTY_CACHE_SECONDS)
    return name


def county_name_refresh() -> None:
    cache.set(COUNTY_CACHE_KEY, _county_name_query(), COUNTY_CACHE_SECONDS)


def platform_name() -> str:
    """“桃江县一窗通办政务服务平台”, or without a place when no county is loaded."""
    return f"{county_name()}一窗通办政务服务平台"
