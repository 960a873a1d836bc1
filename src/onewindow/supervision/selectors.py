"""Reads of supervision records, scoped by the user: supervisors and hall-wide roles read all;
unit staff their own unit's."""

from django.db.models import QuerySet
from django.http import Http404

from onewindow.org.models import User
from onewindow.org.selectors import user_unit_id
from onewindow.supervision.models import Anomaly, Message, Order, Rating, Ticket, Warning


def messages_of(user: User) -> QuerySet[Message]:
    return Message.objects.filter(user=user).select_related("warning__case")


def _scoped(qs: QuerySet, user: User) -> QuerySet:
    """Supervisors and hall-wide roles read everything; unit staff their own unit's records."""
    if user.sees_all_units:
        return qs
    own = user_unit_id(user)
    return qs.filter(unit_id=own) if own else qs.none()


def warning_list_for_user(*, user: User) -> QuerySet[Warning]:
    return _scoped(Warning.objects.select_related("case__item", "unit"), user)


def order_list_for_user(*, user: User) -> QuerySet[Order]:
    return _scoped(Order.objects.select_related("case", "unit", "issued_by", "warning"), user)


def order_get_for_user(order_id: int, *, user: User) -> Order:
    order = order_list_for_user(user=user).filter(pk=order_id).first()
    if order is None:
        raise Http404("没有找到该督办，或您无权查看。")
    return order


def anomaly_list_for_user(*, user: User) -> QuerySet[Anomaly]:
    return _scoped(Anomaly.objects.select_related("case__item", "unit"), user)


def ticket_list_for_user(*, user: User) -> QuerySet[Ticket]:
    return _scoped(Ticket.objects.select_related("rating__case__item", "unit"), user)


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
