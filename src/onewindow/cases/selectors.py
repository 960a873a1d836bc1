"""Reads of cases, scoped by the user: hall-wide roles read all; unit staff read their unit's
cases and those at the windows they hold; an applicant reads the cases filed under their verified
identity (and anyone with a notice's QR code reads that one case's progress page)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from onewindow import workdays
from onewindow.cases import applicants
from onewindow.cases.models import Case, CaseMaterial, CombinedCase
from onewindow.cases.workflow import ENDED, MOVES, OPEN, RUNNING, State
from onewindow.mandates.powers import reviewing_items_query
from onewindow.org.models import User, WindowPost
from onewindow.org.roles import RoleCode
from onewindow.org.selectors import user_unit_id, window_posts_held


def posts_of(user: User) -> QuerySet[WindowPost]:
    """The active window posts the user holds (A or B); none for users without a staff record."""
    staff = getattr(user, "staff", None)
    return window_posts_held(staff=staff) if staff is not None else WindowPost.objects.none()


def held(user: User) -> QuerySet[WindowPost]:
    """`posts_of` for a subquery (the scopes, the served units): the same rows without the
    joins, prefetch and order a list of posts needs, which each use built and threw away (a
    window clerk's page built them six times: 6,500 Python calls; issue 22)."""
    staff = getattr(user, "staff", None)
    if staff is None:
        return WindowPost.objects.none()
    return WindowPost.objects.filter(Q(staff_a=staff) | Q(staff_b=staff), active=True)


def case_list_for_user(
    *, user: User, state: str | None = None, received_on: datetime.date | None = None
) -> QuerySet[Case]:
    qs = Case.objects.select_related("item", "unit", "window_post")
    if state:
        qs = qs.filter(state=state)
    if received_on:
        qs = qs.filter(received_on=received_on)
    scope = case_scope(user)
    if scope is None:
        return qs
    if user_unit_id(user) is None:
        return qs.none()
    # No DISTINCT: the scope is subqueries, no join, so no case comes twice (a DISTINCT over
    # every column of the case and its item cost the case page a sort and ~8 ms of planning).
    return qs.filter(scope)


def case_scope(user: User) -> Q | None:
    """The cases the user may see, as a filter (subqueries, no query of its own): None for
    hall-wide roles; the own unit's, those at the window posts the user holds, and online
    applications to a unit those posts serve, waiting for a window. Every list of cases offered to
    the user is within it (the work queues too), so no row links to a case page that says 404."""
    if user.sees_all_units:
        return None
    own = user_unit_id(user)
    if own is None:
        return Q(pk__in=[])
    posts = held(user)
    return (
        Q(unit_id=own)
        | Q(window_post__in=posts)
        | Q(state=State.RECEIVED, window_post__isnull=True, unit_id__in=posts.values("units"))
    )


def case_get_for_user(case_id: int, *, user: User) -> Case:
    case = case_list_for_user(user=user).filter(pk=case_id).first()
    if case is None:
        raise Http404("没有找到该办件，或您无权查看。")
    return case


def case_with_item(case_id: int) -> Case:
    """The case as it stands now, with its item (an API answer after a move)."""
    return Case.objects.select_related("item").get(pk=case_id)


def applicant_cases(*, user: User) -> QuerySet[Case]:
    """我的办事: the cases the signed-in applicant reaches (cases.applicants.scope): those filed
    under their own identity and as someone's agent, and those of the organisations they act for
    now; an identity not verified in person reaches only the cases the account filed online."""
    where = applicants.scope(user)
    if where is None:
        return Case.objects.none()
    return Case.objects.filter(where).select_related("item", "unit").order_by("-received_on", "-id")


def applicant_case_get(case_id: int, *, user: User) -> Case:
    case = applicant_cases(user=user).filter(pk=case_id).first()
    if case is None:
        raise Http404("没有找到该办件，或它不是以您的实名身份申请的。")
    return case


def case_get_for_reader(case_id: int, *, user: User) -> Case:
    """A case for its pages and notices: staff within their scope, an applicant their own (by
    verified identity), whichever the user's roles allow; anything else is not found."""
    if user.role_codes - {RoleCode.APPLICANT}:
        try:
            return case_get_for_user(case_id, user=user)
        except Http404:
            if RoleCode.APPLICANT not in user.role_codes:
                raise
    return applicant_case_get(case_id, user=user)


def ended_on(case: Case) -> datetime.date | None:
    """The day the case ended (closed, refused, withdrawn, terminated); None while it is open."""
    if case.state not in ENDED:
        return None
    if case.closed_on:
        return case.closed_on
    last = case.events.order_by("-seq").values_list("at", flat=True).first()
    return timezone.localdate(last) if last else None


def online_queue(*, user: User) -> QuerySet[Case]:
    """Applications that arrived online and wait for a window of a unit the user's posts serve."""
    served = held(user).values("units")
    return (
        Case.objects.filter(
            state=State.RECEIVED,
            window_post__isnull=True,
            unit_id__in=served,
            parent__isnull=True,  # 一件事 children wait in the combined queue, as one
        )
        .filter(~Q(channel="window") | Q(corrected_on__isnull=False))
        .select_related("item", "unit")
        .order_by("-key_project", "received_on", "id")
    )


def awaiting_take_over(*, unit_id: int, day: datetime.date) -> QuerySet[Case]:
    """Accepted cases of the unit that its window may no longer take further (no letter in force
    grants review power for their item): the department's reviewers take them over (部门接办)."""
    return (
        Case.objects.filter(unit_id=unit_id, state=State.ACCEPTED, parent__isnull=True)
        .exclude(window_post__kind__in=["comprehensive", "green_channel"])
        .exclude(item_id__in=reviewing_items_query(unit_id, day))
        .select_related("item")
        .only(*ROW)
        .order_by("-key_project", "due_date", "id")
    )


# What a list row of cases shows (cases/_case_rows.html, _queue_rows.html, the department's
# rows): the number, item name, applicant and channel, the date of each queue, the due date and
# what the time left is counted from. The work lists read these alone (`.only(*ROW)` beside
# select_related("item")), not a case's 60 columns and an item's 30 (decision 80). A field a
# row reads but ROW leaves out costs a query a row: the pinned counts of
# web/tests/test_query_counts.py fail then.
ROW = (
    "id",
    "number",
    "item__name",
    "unit_id",
    "applicant_name",
    "state",
    "channel",
    "source",
    "province_application_id",
    "key_project",
    "received_on",
    "accepted_on",
    "due_date",
    "due_provisional",
    "decided_on",
    "suspended_on",
    "rongque_deadline",
    "closed_on",
    "prompted_on",
)


def review_queue(*, user: User) -> QuerySet[Case]:
    """Accepted cases of the team leader's unit that wait for review and transfer."""
    own = user_unit_id(user)
    return (
        Case.objects.filter(unit_id=own, state=State.ACCEPTED, parent__isnull=True)
        .exclude(window_post__kind__in=["comprehensive", "green_channel"])
        .select_related("item")
        .only(*ROW)
        .order_by("-key_project", "due_date", "id")
    )


def under_review(*, unit_id: int) -> QuerySet[Case]:
    """The unit's cases under review or suspended (the department's queue)."""
    return Case.objects.filter(unit_id=unit_id, state__in=[State.TRANSFERRED, State.SUSPENDED])


def department_page(
    *, unit_id: int, after: tuple[datetime.date, int] | None = None, size: int = 50
) -> tuple[list[Case], str]:
    """One page of the unit's cases under review or suspended, by due date then id; `after` is
    the last row of the previous page (keyset pagination: no OFFSET, one index range scan)."""
    cases = under_review(unit_id=unit_id).select_related("item").only(*ROW)
    return due_date_page(cases, after, size)


def due_date_page(qs: QuerySet[Case], after=None, size: int = 50) -> tuple[list[Case], str]:
    """One keyset page of `qs` by due date then id, after the row `after` (due date, id), and
    the key of the next page ("<due date>,<id>" of this page's last row), "" when no row
    follows: one row more is read to know."""
    if after is not None:
        due, last_id = after
        qs = qs.filter(Q(due_date__gt=due) | Q(due_date=due, id__gt=last_id))
    rows = list(qs.order_by("due_date", "id")[: size + 1])
    if len(rows) <= size:
        return rows, ""
    rows = rows[:size]
    return rows, f"{rows[-1].due_date.isoformat()},{rows[-1].pk}"


@dataclass(frozen=True)
class TimeLeft:
    """Where a case stands against its due date, counted to its own reference day: today while
    it runs, the suspension day while suspended (the clock stops), the decision day once
    decided (办结, as the appraisal counts it)."""

    RUNNING, SUSPENDED, FINISHED = "running", "suspended", "finished"

    status: str
    left: int  # working days from the reference day to the due date (0 once due or past)
    overdue: int  # working days past the due date at the reference day (0 when not past)

    @property
    def text(self) -> str:
        if self.status == self.FINISHED:
            if self.overdue:
                return f"超期{self.overdue}个工作日办结"
            return f"按期办结（提前{self.left}个工作日）" if self.left else "按期办结"
        if self.status == self.SUSPENDED:
            at = f"已超期{self.overdue}" if self.overdue else f"剩余{self.left}"
            return f"中止中，计时暂停（中止时{at}个工作日）"
        if self.overdue:
            return f"已超期{self.overdue}个工作日"
        return f"剩余{self.left}个工作日" if self.left else "今日到期"


def standing(status: str, due: datetime.date, on: datetime.date) -> TimeLeft:
    """`on` against `due`: a day after the due date is late by at least one working day (as
    the lights and the appraisal see it), even when only rest days lie between."""
    if on <= due:
        return TimeLeft(status, workdays.workdays_between(on, due), 0)
    return TimeLeft(status, 0, max(1, workdays.workdays_between(due, on)))


def time_left(case: Case, today: datetime.date) -> TimeLeft | None:
    """The one answer to "how much time is left" for a case, for its page, the lists and the
    API; None before acceptance and for cases ended without a decision."""
    if case.due_date is None:
        return None
    if case.decided_on is not None:
        return standing(TimeLeft.FINISHED, case.due_date, case.decided_on)
    if case.state == State.SUSPENDED and case.suspended_on is not None:
        return standing(TimeLeft.SUSPENDED, case.due_date, case.suspended_on)
    if case.state in RUNNING:
        return standing(TimeLeft.RUNNING, case.due_date, today)
    return None


def timeline(case) -> list:
    """The case's events with Chinese labels for the action and the states."""
    labels = {a: m.label for a, m in MOVES.items()} | {"submit": "收件"}
    states = dict(State.choices)
    rows = list(case.events.select_related("actor").order_by("seq"))
    for e in rows:
        e.label = labels.get(e.action, e.action)
        e.from_label = states.get(e.from_state, "—")
        e.to_label = states.get(e.to_state, e.to_state)
    return rows


def department_key_projects(*, unit_id: int) -> QuerySet[Case]:
    """The unit's key-project cases under review: shown above the workbench's pages."""
    return (
        Case.objects.filter(
            unit_id=unit_id, key_project=True, state__in=[State.TRANSFERRED, State.SUSPENDED]
        )
        .select_related("item")
        .only(*ROW, "project_name", "step_due")
        .order_by("step_due", "due_date", "id")
    )


def key_projects() -> QuerySet[Case]:
    """Every open key-project case, for the hall manager: where each one stands."""
    return (
        Case.objects.filter(key_project=True, state__in=list(OPEN))
        .select_related("item", "unit", "parent")
        .order_by("step_due", "due_date", "id")
    )


def key_combined() -> QuerySet[CombinedCase]:
    open_states = [
        CombinedCase.State.RECEIVED,
        CombinedCase.State.HANDLING,
        CombinedCase.State.READY,
    ]
    return CombinedCase.objects.filter(key_project=True, state__in=open_states).select_related(
        "service", "lead_unit"
    )


# --- 一件事 ---------------------------------------------------------------------------------


def combined_list_for_user(*, user: User) -> QuerySet[CombinedCase]:
    """Hall-wide roles: all; unit staff: the ones their unit leads or takes part in, and those at
    the windows they hold."""
    qs = CombinedCase.objects.select_related("service", "lead_unit", "window_post")
    if user.sees_all_units:
        return qs
    own = user_unit_id(user)
    posts = held(user)
    served = posts.values("units")
    # "A child of its unit" as EXISTS, one probe of the children's index per 一件事, not a join:
    # OR-ed with the other branches, the join to the case table made PostgreSQL read every case
    # (1.1-1.5 s a page at 1,000,000 cases) and needed a DISTINCT.
    return qs.filter(
        Q(lead_unit_id=own)
        | Exists(Case.objects.filter(parent_id=OuterRef("pk"), unit_id=own))
        | Q(window_post__in=posts)
        | Q(
            state__in=[CombinedCase.State.RECEIVED, CombinedCase.State.CORRECTING],
            lead_unit_id__in=served,
        )
    )


def combined_get_for_user(combined_id: int, *, user: User) -> CombinedCase:
    found = combined_list_for_user(user=user).filter(pk=combined_id).first()
    if found is None:
        raise Http404("没有找到该一件事办件，或您无权查看。")
    return found


def combined_queue(*, user: User) -> QuerySet[CombinedCase]:
    """一件事 applications that arrived online and wait for a comprehensive window."""
    served = held(user).values("units")
    return (
        CombinedCase.objects.filter(
            state=CombinedCase.State.RECEIVED, window_post__isnull=True, lead_unit_id__in=served
        )
        .exclude(channel="window")
        .select_related("service", "lead_unit")
        .order_by("-key_project", "received_on", "id")
    )


def post_of(user: User, post_id: int | None) -> WindowPost | None:
    """One of the user's active window posts (None when the id is not one of them)."""
    return posts_of(user).filter(pk=post_id or 0).first()


def combined_child(parent: CombinedCase, case_id: int | None) -> Case | None:
    """One child case of the 一件事 (None when the id is not one of its children)."""
    return parent.children.select_related("item", "unit", "parent").filter(pk=case_id or 0).first()


def short_material_ids(parent: CombinedCase) -> set[int]:
    """Catalogue materials some child of the 一件事 is missing or holds defective."""
    rows = CaseMaterial.objects.filter(case__parent=parent, status__in=["missing", "defective"])
    return set(rows.values_list("material_id", flat=True))


def combined_overview(parent: CombinedCase, today: datetime.date) -> dict:
    """The parent's page: each child with its remaining working days, the child holding the
    whole up, and what a denial or suspension of one child means for the whole."""
    kids = list(parent.children.select_related("item", "unit").order_by("stage", "id"))
    for k in kids:
        k.time_left = time_left(k, today)
    running = [k for k in kids if k.state in OPEN and k.state != State.DECIDED]
    holding = next((k for k in running if k.state == State.SUSPENDED), None)
    if holding is None and running:
        holding = max(running, key=lambda k: (k.due_date or datetime.date.max, k.stage))
    effects = []
    for k in kids:
        if k.result == "denied":
            ended = [x.item.name for x in kids if x.stage > k.stage and x.state == State.TERMINATED]
            if ended:
                effects.append(f"“{k.item.name}”不予许可，后续事项（{'、'.join(ended)}）已终止办理")
            else:
                effects.append(f"“{k.item.name}”不予许可，其余事项照常办理，结果一并送达")
        elif k.state == State.SUSPENDED:
            effects.append(f"“{k.item.name}”中止（特别程序），一件事整体办结时间相应顺延")
    return {
        "children": kids,
        "holding": holding,
        "effect": "；".join(effects),
        "time_left": _combined_time_left(parent, kids, today),
    }


def _combined_time_left(parent: CombinedCase, kids: list[Case], today: datetime.date):
    """The whole 一件事: running while handled, finished when its last result was decided."""
    if parent.due_date is None:
        return None
    if parent.state == CombinedCase.State.HANDLING:
        return standing(TimeLeft.RUNNING, parent.due_date, today)
    decided = [k.decided_on for k in kids if k.decided_on is not None]
    if parent.state in (CombinedCase.State.READY, CombinedCase.State.CLOSED) and decided:
        return standing(TimeLeft.FINISHED, parent.due_date, max(decided))
    return None


# --- work queues (cases.actions.queues declares them; these read them) ----------------------


def served_units(user: User) -> QuerySet:
    """The ids of the units the user's window posts serve (a subquery)."""
    return held(user).values("units")


def queue_cases(within: Q, where: Q, order: tuple[str, ...]) -> QuerySet[Case]:
    return Case.objects.filter(within, where).select_related("item").only(*ROW).order_by(*order)


def queue_counts(within: Q, wheres: dict[str, Q]) -> dict[str, int]:
    """Each named condition's number of cases within `within`, in one query."""
    anyone = Q()
    for where in wheres.values():
        anyone |= where
    found = (
        Case.objects.filter(within)
        .filter(anyone)
        # COUNT(1): the columns the conditions test are in the queues' indexes (case_window_work,
        # case_review_due), and the count asks for no other (Django refuses COUNT(*) with a
        # filter; COUNT(id) would send PostgreSQL to each row for an id it knows is there).
        .aggregate(**{k: Count(Value(1), filter=w) for k, w in wheres.items()})
    )
    return {k: found[k] or 0 for k in wheres}


def combined_ready(*, user: User) -> QuerySet[CombinedCase]:
    """一件事 whose results all came in, to hand over together at a window of the lead unit."""
    return (
        combined_list_for_user(user=user)  # not those accepted at another comprehensive window
        .filter(state=CombinedCase.State.READY, lead_unit_id__in=served_units(user))
        .order_by("id")
    )
