"""The history's cast: for each unit whose window holds powers, its A clerk, the team leader
named in its authorization letter and its reviewer, each with an account."""

import datetime
import itertools
from dataclasses import dataclass

from onewindow.catalog.models import Item
from onewindow.mandates.models import Letter
from onewindow.mandates.powers import Power, may
from onewindow.org.models import Role, Staff, User, WindowPost
from onewindow.org.roles import RoleCode


@dataclass
class Desk:
    """One unit's people in the hall: the A clerk at its window, the team leader named in its
    authorization letter, and its reviewer; `mood` shifts its ratings and punctuality."""

    clerk: User
    post: WindowPost
    leader: User
    reviewer: User
    items: list[Item]
    mood: float


def desks(day: datetime.date) -> list[Desk]:
    """The units whose window holds powers: its A clerk, letter's team leader and reviewer."""
    desks = []
    moods = itertools.cycle([0.0, 0.1, 0.0, 0.4, 0.05, 0.2, 0.0, 0.8])
    letters = Letter.objects.filter(
        status=Letter.Status.FILED, valid_from__lte=day, valid_until__gte=day
    )
    for letter in letters.select_related("unit", "team_leader").order_by("unit_id"):
        post = (
            WindowPost.objects.filter(
                units=letter.unit, kind=WindowPost.Kind.DEPARTMENT, active=True
            )
            .select_related("staff_a")
            .first()
        )
        reviewer = Staff.objects.filter(unit=letter.unit, title="审核员").order_by("id").first()
        if post is None or post.staff_a is None or reviewer is None:
            continue
        items = []
        for item in Item.objects.filter(
            unit=letter.unit, status=Item.Status.PUBLISHED
        ).prefetch_related("materials"):
            need = Power.DECIDE if item.case_kind == Item.CaseKind.INSTANT else Power.ACCEPT
            if may(post.staff_a, item, day) >= need and (
                need == Power.DECIDE or may(letter.team_leader, item, day) >= Power.FIRST_REVIEW
            ):
                items.append(item)
        if items:
            desks.append(
                Desk(
                    clerk=_login(post.staff_a, RoleCode.WINDOW_CLERK),
                    post=post,
                    leader=_login(letter.team_leader, RoleCode.TEAM_LEADER),
                    reviewer=_login(reviewer, RoleCode.DEPT_REVIEWER),
                    items=items,
                    mood=next(moods),
                )
            )
    return desks


def _login(staff: Staff, role: str) -> User:
    """The staff member's account; the history's actors without a demo login get one that
    cannot sign in (no password), so every event names a real person of the unit."""
    if staff.user_id:
        return staff.user
    user = User(username=f"staff{staff.pk}", display_name=staff.name)
    user.set_unusable_password()
    user.save()
    user.roles.set(Role.objects.filter(code=role))
    staff.user = user
    staff.save(update_fields=["user"])
    return user
