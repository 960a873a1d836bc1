"""Who may do what with a case, as predicates: the case pages, the API, the navigation, the
move registry (`cases.actions`) and `services.move` itself ask these, so a page never offers a
move the service would refuse for want of authority.

Authority comes from the organisation: the actor's roles, unit, window posts (A or B) and the
powers the letter in force grants them for the item (`mandates.powers.may`). `Actor` reads each of
those once per request, however many moves a page asks about."""

import datetime

import rules
from django.utils import timezone

from onewindow.cases import applicants
from onewindow.cases.workflow import Move, Who
from onewindow.mandates.powers import Power, may, reviewing_items
from onewindow.org.models import Staff, User, WindowPost
from onewindow.org.permissions import page, role
from onewindow.org.roles import ALL_UNITS, UNIT_BOUND, RoleCode
from onewindow.org.selectors import posts_serving

WINDOW_ROLES = (RoleCode.WINDOW_CLERK, RoleCode.TEAM_LEADER, RoleCode.WINDOW_SUPERVISOR)
READERS = (*ALL_UNITS, *UNIT_BOUND)
DEPARTMENT_ROLES = (RoleCode.DEPT_REVIEWER, RoleCode.WINDOW_SUPERVISOR)
LEAD_ROLES = (RoleCode.DEPT_REVIEWER, RoleCode.WINDOW_SUPERVISOR, RoleCode.TEAM_LEADER)

# Pages (the system administrator opens every page).
rules.add_perm("cases.use_workbench", page(*WINDOW_ROLES))
rules.add_perm("cases.view_case", page(*READERS))
# Find any case (issue 17 item 1): whoever reads cases, within what they may read.
rules.add_perm("cases.search_cases", page(*READERS))
rules.add_perm("cases.read_notice", page(*READERS, RoleCode.APPLICANT))
rules.add_perm("cases.act", page(*UNIT_BOUND, RoleCode.HALL_MANAGER))
rules.add_perm("cases.view_review_queue", page(RoleCode.TEAM_LEADER, RoleCode.WINDOW_SUPERVISOR))
# A unit's own page: the administrator, who has no unit, is not let in to be refused there.
rules.add_perm("cases.view_department", role(*LEAD_ROLES))
rules.add_perm("cases.view_key_projects", page(*ALL_UNITS))
# Provincial applications refused on arrival, with the reason (the hall-wide roles).
rules.add_perm("cases.view_province_refused", page(*ALL_UNITS))


def active_staff(user: User | None) -> Staff | None:
    staff = getattr(user, "staff", None) if user is not None else None
    return staff if staff is not None and staff.active else None


class Actor:
    """A user acting on a given day, with what their authority rests on read at most once."""

    def __init__(self, user: User | None, day: datetime.date | None = None):
        self.user = user
        self.day = day or timezone.localdate()
        self.staff = active_staff(user)
        self._powers: dict[int, Power] = {}
        self._posts: dict[int, set[int]] = {}
        self._reviewing: dict[int, set[int]] = {}
        self._grants: tuple[applicants.Grant, ...] | None = None

    def grants(self) -> tuple[applicants.Grant, ...]:
        """The identities the actor acts for as an applicant (cases.applicants)."""
        if self._grants is None:
            self._grants = applicants.grants_for(self.user)
        return self._grants

    def has_role(self, *codes: str) -> bool:
        return self.user is not None and bool(self.user.role_codes & set(codes))

    def power(self, item) -> Power:
        if item.pk not in self._powers:
            self._powers[item.pk] = may(self.staff, item, self.day) if self.staff else Power.NOTHING
        return self._powers[item.pk]

    def hall_posts(self, unit_id: int) -> set[int]:
        """Ids of the active window posts the actor holds (A or B) that serve the unit."""
        if self.staff is None:
            return set()
        if unit_id not in self._posts:
            self._posts[unit_id] = posts_serving(staff_id=self.staff.pk, unit_id=unit_id)
        return self._posts[unit_id]

    def reviewing(self, unit_id: int) -> set[int]:
        """Items the unit's letter in force lets its window review (first review or decision)."""
        if unit_id not in self._reviewing:
            self._reviewing[unit_id] = reviewing_items(unit_id, self.day)
        return self._reviewing[unit_id]

    def green_channel(self, unit_id: int) -> bool:
        """The actor holds the green-channel window (重点项目) among the posts serving the unit."""
        ids = self.hall_posts(unit_id)
        return (
            bool(ids)
            and WindowPost.objects.filter(pk__in=ids, kind=WindowPost.Kind.GREEN_CHANNEL).exists()
        )


def refusal(actor: Actor, case, move: Move) -> str | None:
    """Why the actor may not make `move` on the case, in Chinese; None when they may. The state
    is not asked here (the transition table is), nor the case's own conditions (the services)."""
    if move.who == Who.SYSTEM:
        return f"“{move.label}”由系统按时限自动处理。" if actor.user is not None else None
    if move.who == Who.APPLICANT:
        return applicant_refusal(actor, case, move)
    staff = actor.staff
    if staff is None:
        return "只有在岗工作人员可以办理办件。"
    if move.who == Who.DEPARTMENT:
        if staff.unit_id == case.unit_id and actor.has_role(*DEPARTMENT_ROLES):
            return None
        return f"只有{case.unit}的审查人员可以{move.label}。"
    if move.who == Who.LEAD:
        lead = case.parent.lead_unit_id if case.parent_id else None
        if (
            lead is not None
            and staff.unit_id == lead
            and staff.unit_id != case.unit_id
            and actor.has_role(*LEAD_ROLES)
        ):
            return None
        return "只有一件事牵头部门的审查人员可以催办其他部门的事项。"
    if move.who == Who.HALL:
        if actor.has_role(RoleCode.HALL_MANAGER) or actor.green_channel(case.unit_id):
            return None
        return "只有大厅管理人员或重点项目绿色通道窗口可以标记重点项目。"
    power = actor.power(case.item)
    if power >= move.power:
        return None
    hint = ""
    if move.power >= Power.FIRST_REVIEW and case.item_id not in actor.reviewing(case.unit_id):
        hint = f"授权委托书未授予窗口该事项的审核权，请由{case.unit}的审查人员“部门接办”后决定。"
    return (
        f"您对“{case.item.name}”的权限为“{power.label}”，不能{move.label}"
        f"（需要“{move.power.label}”）。{hint}"
    )


def applicant_refusal(actor: Actor, case, move: Move) -> str | None:
    """The applicant's moves (我的办事): on the cases the applicant reaches, exactly those
    我的办事 lists (cases.applicants: the own and agent's cases of a person, an organisation's
    through a live membership, only the account's own filings for an unverified identity)."""
    if applicants.reaches(actor.user, actor.grants(), case):
        return None
    return f"只有申请人本人或其代理人可以{move.label}，请登录“我的办事”办理。"
