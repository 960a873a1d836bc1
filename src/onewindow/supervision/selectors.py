"""Reads of supervision records, scoped by the user: supervisors and hall-wide roles read all;
unit staff their own unit's."""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from onewindow.cases.models import Case
from onewindow.cases.workflow import State
from onewindow.org.models import User
from onewindow.org.permissions import scope_to_unit
from onewindow.supervision.models import Anomaly, Message, Order, Rating, Ticket, Warning


def messages_of(user: User) -> QuerySet[Message]:
    return Message.objects.filter(user=user).select_related("warning__case")


def warning_list_for_user(*, user: User) -> QuerySet[Warning]:
    return scope_to_unit(Warning.objects.select_related("case__item", "unit"), user)


def order_list_for_user(*, user: User) -> QuerySet[Order]:
    return scope_to_unit(Order.objects.select_related("case", "unit", "issued_by", "warning"), user)


def order_get_for_user(order_id: int, *, user: User) -> Order:
    order = order_list_for_user(user=user).filter(pk=order_id).first()
    if order is None:
        raise Http404("没有找到该督办，或您无权查看。")
    return order


def anomaly_list_for_user(*, user: User) -> QuerySet[Anomaly]:
    return scope_to_unit(Anomaly.objects.select_related("case__item", "unit"), user)


def anomaly_get_for_user(anomaly_id: int, *, user: User) -> Anomaly:
    anomaly = anomaly_list_for_user(user=user).filter(pk=anomaly_id).first()
    if anomaly is None:
        raise Http404("没有找到该记录，或您无权查看。")
    return anomaly


def warning_by_pk(pk: int | None) -> Warning | None:
    """A warning and its case, for the supervisor's new order (every unit's)."""
    return Warning.objects.select_related("case").filter(pk=pk).first() if pk else None


def case_by_pk(pk: int | None) -> Case | None:
    """A case, for the supervisor's new order (every unit's)."""
    return Case.objects.filter(pk=pk).first() if pk else None


def ticket_list_for_user(*, user: User) -> QuerySet[Ticket]:
    return scope_to_unit(Ticket.objects.select_related("rating__case__item", "unit"), user)


def ticket_get_for_user(ticket_id: int, *, user: User) -> Ticket:
    ticket = ticket_list_for_user(user=user).filter(pk=ticket_id).first()
    if ticket is None:
        raise Http404("没有找到该差评整改，或您无权查看。")
    return ticket


def ratings_by_case(case_ids) -> dict[int, list[Rating]]:
    """The ratings of the given cases with their tickets, for the applicant's own pages."""
    found: dict[int, list[Rating]] = {}
    for rating in Rating.objects.filter(case_id__in=list(case_ids)).select_related("ticket"):
        found.setdefault(rating.case_id, []).append(rating)
    return found


def sms_rated_case(cases: QuerySet[Case], number: str) -> Case | None:
    """The case an SMS rating reply names, among those the gateway's key may rate."""
    return cases.select_related("unit__region", "window_post").filter(number=number).first()


# --- work queues (supervision.queues) -------------------------------------------------------

# A warning is handled once a 督办 names it, or once its case is no longer being handled.
HANDLING = [State.RECEIVED, State.CORRECTING, State.ACCEPTED, State.TRANSFERRED, State.SUSPENDED]


def unhandled_warnings(*, user: User) -> QuerySet[Warning]:
    """Warnings on cases still being handled that no 督办 names yet, newest first."""
    named = Order.objects.filter(warning_id=OuterRef("pk"))
    return warning_list_for_user(user=user).filter(case__state__in=HANDLING).exclude(Exists(named))


def orders_in(*, user: User, states: list[str]) -> QuerySet[Order]:
    return order_list_for_user(user=user).filter(state__in=states)
