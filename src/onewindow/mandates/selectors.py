"""Reads of letters, seals and first-asked records, each scoped to what the user may see."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from onewindow.mandates.models import Enquiry, Letter, Seal
from onewindow.org.models import Staff, User
from onewindow.org.permissions import scope_to_unit


def letters_for_user(user: User) -> QuerySet[Letter]:
    return scope_to_unit(Letter.objects.select_related("unit", "supervisor", "team_leader"), user)


def units_without_letter(units: QuerySet, *, user: User, day: datetime.date) -> QuerySet:
    """Those of `units` with no letter in force on `day` (filed and within its dates)."""
    in_force = letters_for_user(user).filter(
        status=Letter.Status.FILED, valid_from__lte=day, valid_until__gte=day
    )
    return units.exclude(pk__in=in_force.values("unit_id"))


def letter_get_for_user(letter_id: int, *, user: User) -> Letter:
    letter = letters_for_user(user).filter(pk=letter_id).first()
    if letter is None:
        raise Http404("没有找到该授权委托书，或您无权查看。")
    return letter


def letter_powers(letter: Letter):
    """The letter's item powers with their items, by basic code."""
    return letter.powers.select_related("item").order_by("item__basic_code")


def seal_of(unit) -> Seal | None:
    return Seal.objects.filter(unit=unit).first()


def enquiries_of(staff) -> QuerySet[Enquiry]:
    """A window person's own first-asked records, the latest first."""
    if staff is None:
        return Enquiry.objects.none()
    return (
        Enquiry.objects.filter(staff=staff)
        .select_related("item", "guided_to")
        .order_by("-at", "-id")
    )


def enquiry_counts(since: datetime.date):
    return (
        Staff.objects.filter(enquiries__at__date__gte=since)
        .annotate(n=Count("enquiries", filter=Q(enquiries__at__date__gte=since)))
        .select_related("unit")
        .order_by("-n", "unit_id", "id")
    )
