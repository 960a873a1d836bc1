"""Supervision's work queues, counted for the navigation (`web.queues` adds them up) and shown
as tabs on their pages:

- the inspector (电子监察): new warnings — on cases still being handled, no 督办 issued from
  them yet (supervision:warnings, ?queue=new); 督办 awaiting the unit's answer and answered ones
  awaiting the inspector's closing (supervision:orders, ?queue=waiting / answered);
- the unit's responders (window supervisor, team leader, reviewer): their unit's 督办 awaiting
  an answer, as a tab of the 督办 page (not counted in the navigation)."""

from django.db.models import QuerySet

from onewindow.common.paging import CAP
from onewindow.org.models import User
from onewindow.org.roles import RoleCode
from onewindow.supervision import selectors
from onewindow.supervision.models import Order, Warning
from onewindow.supervision.permissions import RESPONDERS

WARNINGS, ORDERS = "supervision:warnings", "supervision:orders"
WAITING = [Order.State.ISSUED, Order.State.ESCALATED]  # the unit's answer
ANSWERED = [Order.State.ANSWERED]  # the inspector's closing
ORDER_QUEUES = {"waiting": ("待反馈", WAITING), "answered": ("待审核办结", ANSWERED)}


def inspects(user: User) -> bool:
    return RoleCode.SUPERVISOR in user.role_codes


def new_warnings(user: User) -> QuerySet[Warning]:
    return selectors.unhandled_warnings(user=user)


def new_warning_count(user: User) -> int:
    """The new warnings, counted up to CAP + 1 (more than CAP): they grow with the open cases
    (16,891 at 1,000,000 cases: 48 ms to count them all on every page; issue 22)."""
    return new_warnings(user).order_by().values("pk")[: CAP + 1].count()


def shown(count: int) -> str:
    return f"{CAP:,}+" if count > CAP else str(count)


def orders(user: User, key: str) -> QuerySet[Order]:
    return selectors.orders_in(user=user, states=ORDER_QUEUES[key][1])


def order_keys(user: User) -> list[str]:
    """The order queues waiting for the user: both for the inspector, the answer for a unit."""
    if inspects(user):
        return ["waiting", "answered"]
    if user.role_codes & set(RESPONDERS):
        return ["waiting"]
    return []


def counts(user: User, url_names: set[str]) -> dict[str, int]:
    """The inspector's queues, for the navigation. (A unit's 督办 to answer are a tab of the 督办
    page and an in-app message, not a navigation count: one query less on every page of theirs.)"""
    if not inspects(user):
        return {}
    found = {}
    if WARNINGS in url_names:
        found[WARNINGS] = new_warning_count(user)
    if ORDERS in url_names:
        found[ORDERS] = selectors.orders_in(user=user, states=[*WAITING, *ANSWERED]).count()
    return found
