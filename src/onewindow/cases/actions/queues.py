"""Work waiting for a user: each queue is the cases on which a registry action is waiting, listed
as a tab of the page the navigation links to, and counted for the navigation (summed per page by
`web.queues`, with the other apps' queues).

- the window (`cases:workbench`): online applications to accept, corrections awaiting the
  applicant, 容缺 awaiting material, results to deliver, mailed results awaiting the receipt;
  the cases of the units the user's window posts serve;
- the team leader (`cases:review`): accepted cases to review and transfer, of the own unit;
- the department (`cases:department`): cases to decide, suspended, due soon (the stored yellow
  date reached: the supervision rule's "临近期限"), of the own unit.

A page's tabs are counted in one query (conditional counts over the page's scope)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from onewindow import workdays
from onewindow.cases import selectors
from onewindow.cases.actions.case_actions import BY_NAME
from onewindow.cases.models import Case, Channel
from onewindow.cases.workflow import State
from onewindow.org.models import User, WindowPost
from onewindow.org.selectors import user_unit_id

# A mailed result with no receipt recorded this many working days after it was sent stands out.
MAIL_RECEIPT_DAYS = 5
SHOWN = 50  # rows a tab lists (keyset pages on the department page)
COMPREHENSIVE = [WindowPost.Kind.COMPREHENSIVE, WindowPost.Kind.GREEN_CHANNEL]
UNDER_REVIEW = [State.TRANSFERRED, State.SUSPENDED]


@dataclass(frozen=True)
class Queue:
    key: str  # the tab: ?queue=<key> on its page
    url_name: str  # the page that lists it (a navigation entry)
    action: str  # the registry action that takes a case off it
    title: str
    where: Callable[[datetime.date], Q]  # within the page's scope
    order: tuple[str, ...]
    date_label: str  # the date the tab shows for each case
    date_field: str
    counted: bool = True  # False: a view of another queue's cases (not counted twice)
    empty: str = "没有办件。"

    @property
    def label(self) -> str:
        return BY_NAME[self.action].label


def _q(**kw):
    return lambda today: Q(**kw)


WINDOW = [
    Queue(
        "online",
        "cases:workbench",
        "accept",
        "网上申请待受理",
        lambda today: (
            Q(state=State.RECEIVED, window_post__isnull=True, parent__isnull=True)
            # a hall application corrected by its applicant online waits here too
            & (~Q(channel=Channel.WINDOW) | Q(corrected_on__isnull=False))
        ),
        ("-key_project", "received_on", "id"),
        "收件日期",
        "received_on",
        empty="没有待受理的网上申请。",
    ),
    Queue(
        "correcting",
        "cases:workbench",
        "resubmit",
        "补正待申请人",
        _q(state=State.CORRECTING),
        ("received_on", "id"),
        "收件日期",
        "received_on",
        empty="没有等待申请人补正的办件。",
    ),
    Queue(
        "rongque",
        "cases:workbench",
        "supplement",
        "容缺待补齐",
        _q(rongque_open=True, state__in=[State.ACCEPTED, *UNDER_REVIEW]),
        ("rongque_deadline", "id"),
        "补齐期限",
        "rongque_deadline",
        empty="没有等待补齐容缺材料的办件。",
    ),
    Queue(
        "deliver",
        "cases:workbench",
        "deliver",
        "待送达",
        # 一件事 children are delivered together, from the 一件事's page (case_deliver).
        _q(state=State.DECIDED, parent__isnull=True),
        ("decided_on", "id"),
        "决定日期",
        "decided_on",
        empty="没有待送达的结果。",
    ),
    Queue(
        "mailed",
        "cases:workbench",
        "confirm_receipt",
        "邮寄待签收",
        _q(
            state=State.CLOSED,
            delivery_mode=Case.DeliveryMode.MAIL,
            mail_received_on__isnull=True,
        ),
        ("closed_on", "id"),
        "寄出日期",
        "closed_on",
        empty="没有等待签收的邮件。",
    ),
]
REVIEW = [
    Queue(
        "review",
        "cases:review",
        "transfer",
        "待组长审核",
        lambda today: (
            Q(state=State.ACCEPTED, parent__isnull=True) & ~Q(window_post__kind__in=COMPREHENSIVE)
        ),
        ("-key_project", "due_date", "id"),
        "受理日期",
        "accepted_on",
        empty="没有待审核的办件。",
    ),
]
DEPARTMENT = [
    Queue(
        "decide",
        "cases:department",
        "decide",
        "待决定",
        _q(state=State.TRANSFERRED),
        ("due_date", "id"),
        "受理日期",
        "accepted_on",
        empty="没有待决定的办件。",
    ),
    Queue(
        "suspended",
        "cases:department",
        "resume",
        "中止中",
        _q(state=State.SUSPENDED),
        ("due_date", "id"),
        "中止日期",
        "suspended_on",
        empty="没有中止中的办件。",
    ),
    Queue(
        "due_soon",
        "cases:department",
        "decide",
        "临近期限",
        lambda today: Q(state=State.TRANSFERRED, yellow_from__lte=today),
        ("due_date", "id"),
        "受理日期",
        "accepted_on",
        counted=False,  # among 待决定
        empty="没有临近或超过期限的办件。",
    ),
]
QUEUES = [*WINDOW, *REVIEW, *DEPARTMENT]
PAGES = {"cases:workbench": WINDOW, "cases:review": REVIEW, "cases:department": DEPARTMENT}


def scope(url_name: str, user: User) -> Q | None:
    """The cases a page's queues are drawn from for the user; None when the user has none."""
    if url_name == "cases:workbench":
        # The served units' cases the user may open: a comprehensive window serving a unit
        # does not work the cases accepted at that unit's own window.
        served = Q(unit_id__in=selectors.served_units(user))
        visible = selectors.case_scope(user)
        return served if visible is None else served & visible
    unit_id = user_unit_id(user)
    return Q(unit_id=unit_id) if unit_id else None


def by_key(url_name: str, key: str | None) -> Queue:
    """The page's queue named `key` (its first when there is none such)."""
    queues = PAGES[url_name]
    return next((q for q in queues if q.key == key), queues[0])


def cases(queue: Queue, user: User, today: datetime.date | None = None) -> QuerySet[Case]:
    """The queue's cases for the user, in the order they should be worked."""
    within = scope(queue.url_name, user)
    if within is None:
        return Case.objects.none()
    return selectors.queue_cases(within, queue.where(today or timezone.localdate()), queue.order)


def tab_counts(url_name: str, user: User, today: datetime.date | None = None) -> dict[str, int]:
    """Each queue of the page with its number of cases, in one query."""
    today = today or timezone.localdate()
    queues = PAGES[url_name]
    within = scope(url_name, user)
    if within is None:
        return {q.key: 0 for q in queues}
    return selectors.queue_counts(within, {q.key: q.where(today) for q in queues})


@dataclass(frozen=True)
class Tab:
    queue: Queue
    count: int

    @property
    def key(self) -> str:
        return self.queue.key

    @property
    def title(self) -> str:
        return self.queue.title


def tabs(url_name: str, user: User, today: datetime.date | None = None) -> list[Tab]:
    """The page's queues as tabs, each with its count."""
    found = tab_counts(url_name, user, today)
    return [Tab(q, found[q.key]) for q in PAGES[url_name]]


def count_text(total: int, shown: int) -> str:
    """How many there are, and how many of them the page shows: 共1,236项，显示前50项."""
    text = f"共{total:,}项"
    return text + (f"，显示前{shown:,}项" if shown < total else "")


def mail_overdue_before(today: datetime.date) -> datetime.date:
    """Mailed before this day and still without a receipt: stands out (MAIL_RECEIPT_DAYS)."""
    day = today
    for _ in range(MAIL_RECEIPT_DAYS):
        day = workdays.previous_workday(day)
    return day


def waiting(url_name: str, found: dict[str, int]) -> int:
    """The navigation's number for a page, from its tab counts: its counted queues summed (a
    case due soon is among those to decide: counted once)."""
    return sum(found[q.key] for q in PAGES[url_name] if q.counted)


def counts(user: User, url_names: set[str]) -> dict[str, int]:
    """Waiting cases per navigation entry, for the entries the user sees: the sum of the page's
    counted queues (one query a page)."""
    today = timezone.localdate()
    return {
        url_name: waiting(url_name, tab_counts(url_name, user, today))
        for url_name in PAGES
        if url_name in url_names
    }


def counted_here(request, url_name: str, tabs: list[Tab]) -> None:
    """Hand the page's own tab counts to the navigation of the same request (web.navigation
    reads `request.waiting`), which then does not count the same cases a second time."""
    found = {t.key: t.count for t in tabs}
    request.waiting = {**getattr(request, "waiting", {}), url_name: waiting(url_name, found)}
