"""The building blocks of every permission: predicates (the `rules` package) over the user and,
where it matters, the object. Authority still comes from the organisation: the roles a user
holds, the unit their staff record belongs to, their window posts and the letters in force.

Each app names its own permissions in its `permissions.py` (`rules.add_perm`), built from these;
views (`org.access.permission_required`), the API, templates (`perms.app.name`) and the
navigation all ask the same named permission. No table: nothing to migrate or to drift."""

import rules
from django.db.models import Q, QuerySet

from onewindow.org.roles import ALL_UNITS, UNIT_BOUND, RoleCode

_ROLE_PREDICATES: dict[frozenset[str], rules.Predicate] = {}


def user_unit_id(user) -> int | None:
    """The unit a unit-bound user works for, or None."""
    staff = getattr(user, "staff", None)
    if staff is None or not staff.active or not user.role_codes & UNIT_BOUND:
        return None
    return staff.unit_id


def allows(user, perm: str, obj=None) -> bool:
    """Whether the named permission's rule holds: exactly the predicate, without the blanket
    yes Django's ModelBackend gives a superuser (the system administrator passes where the rule
    names them: every page does). Pages, the navigation and the services ask this; an unknown
    name is a programming error, not a quiet no."""
    if not rules.perm_exists(perm):
        raise KeyError(f"unknown permission {perm!r}")
    return rules.has_perm(perm, user, obj)


def role(*codes: str) -> rules.Predicate:
    """The user holds any of `codes` (the system administrator only where named)."""
    wanted = frozenset(codes)
    if wanted not in _ROLE_PREDICATES:

        def holds(user) -> bool:
            return bool(user.is_authenticated and user.role_codes & wanted)

        holds.__name__ = "role_" + "_or_".join(sorted(wanted))
        _ROLE_PREDICATES[wanted] = rules.predicate(holds)
    return _ROLE_PREDICATES[wanted]


is_sysadmin = role(RoleCode.SYSADMIN)
sees_all_units = role(*ALL_UNITS)
unit_bound = role(*UNIT_BOUND)


def page(*codes: str) -> rules.Predicate:
    """Who may open a page: the roles named, and the system administrator, who opens every page."""
    return role(*codes) | is_sysadmin


@rules.predicate
def active_staff(user) -> bool:
    staff = getattr(user, "staff", None) if user.is_authenticated else None
    return staff is not None and staff.active


@rules.predicate
def has_staff(user) -> bool:
    """The user has a staff record (active or not)."""
    return user.is_authenticated and getattr(user, "staff", None) is not None


@rules.predicate
def has_unit(user) -> bool:
    """The user is unit-bound staff with an active record: `user_unit_id` names a unit."""
    return user_unit_id(user) is not None


@rules.predicate
def staff_of_unit(user, obj) -> bool:
    """The user's staff record (active or not) belongs to the object's unit."""
    staff = getattr(user, "staff", None) if user.is_authenticated else None
    return staff is not None and obj is not None and staff.unit_id == obj.unit_id


@rules.predicate
def own_unit_id(user, unit_id) -> bool:
    """The object is the id of the user's own unit (for acts on a unit, or on a thing not yet
    made for one)."""
    return unit_id is not None and user_unit_id(user) == unit_id


@rules.predicate
def in_own_unit(user, obj) -> bool:
    """The object (anything with a `unit_id`) belongs to the user's own unit."""
    own = user_unit_id(user)
    return own is not None and obj is not None and getattr(obj, "unit_id", None) == own


def visible_unit_ids(user) -> list[int] | None:
    """The units whose rows the user reads: None for every unit (hall-wide roles), else their own
    unit, or none at all."""
    if user is not None and user.is_authenticated and user.sees_all_units:
        return None
    own = user_unit_id(user) if user is not None else None
    return [own] if own is not None else []


def scope_to_unit(qs: QuerySet, user, field: str = "unit_id", *, also: tuple[str, ...] = ()):
    """The one unit-scoping filter: hall-wide roles see every row, unit-bound staff their own
    unit's, everyone else nothing. `field` names the unit column (`lead_unit_id`, …); `also`
    names further columns any of which may match instead (rows then come once each)."""
    ids = visible_unit_ids(user)
    if ids is None:
        return qs
    if not ids:
        return qs.none()
    match = Q(**{field: ids[0]})
    for other in also:
        match |= Q(**{other: ids[0]})
    return qs.filter(match).distinct() if also else qs.filter(match)


# --- the organisation's own permissions ---------------------------------------------------

READERS = (*ALL_UNITS, *UNIT_BOUND)

rules.add_perm("org.view_org", page(*READERS))  # units, staff and window posts, each scoped
# The unit-bound pages: nobody else has a unit of their own to show or leave to ask for.
rules.add_perm("org.view_own_unit", unit_bound)
rules.add_perm("org.request_leave", unit_bound | (is_sysadmin & has_staff))
rules.add_perm("org.view_own_windows", page(*UNIT_BOUND))
rules.add_perm("org.view_unit_posts", role(RoleCode.TEAM_LEADER, RoleCode.WINDOW_SUPERVISOR))
rules.add_perm("org.view_hall", page(RoleCode.HALL_MANAGER, RoleCode.SUPERVISOR))
rules.add_perm("org.view_reform", page(RoleCode.REFORM_OFFICE, RoleCode.SUPERVISOR))
rules.add_perm(
    "org.view_staff_changes",
    page(RoleCode.WINDOW_SUPERVISOR, RoleCode.HALL_MANAGER, RoleCode.REFORM_OFFICE),
)
rules.add_perm("org.notify_staff_change", page(RoleCode.WINDOW_SUPERVISOR))
rules.add_perm("org.decide_staff_change", page(RoleCode.HALL_MANAGER))
rules.add_perm("org.verify_identity", role(RoleCode.APPLICANT))
# Hall set-up (issue 17 item 5): window posts, their A/B people and the opening hours.
rules.add_perm("org.manage_windows", page(RoleCode.HALL_MANAGER))
# The search-as-you-type staff picker: whoever assigns people (the hall manager, for any unit a
# page names; unit staff, within their own unit only: selectors.pickable_unit_ids).
rules.add_perm("org.pick_staff", page(RoleCode.HALL_MANAGER, RoleCode.REFORM_OFFICE) | has_unit)
# Onboarding a county from one workbook (issue 19): units, sections, staff and their logins,
# halls and window posts. The reform office takes the county in; the administrator may too.
rules.add_perm("org.onboard", page(RoleCode.REFORM_OFFICE))
