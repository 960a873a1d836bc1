"""Reads of supervision records, scoped by the user: supervisors and hall-wide roles read all;
unit staff their own unit's."""

from django.db.models import QuerySet

from onewindow.org.models import User
from onewindow.org.selectors import user_unit_id
from onewindow.supervision.models import Message, Warning


def messages_of(user: User) -> QuerySet[Message]:
    return Message.objects.filter(user=user).select_related("warning__case")


def unread_count(user: User) -> int:
    return Message.objects.filter(user=user, read_at__isnull=True).count()


def warning_list_for_user(*, user: User) -> QuerySet[Warning]:
    qs = Warning.objects.select_related("case__item", "unit")
    if user.sees_all_units:
        return qs
    own = user_unit_id(user)
    return qs.filter(unit_id=own) if own else qs.none()
