"""Reads of accounts, scoped by the user."""

from django.db.models import F, QuerySet
from django.http import Http404

from onewindow.accounts.models import Membership, Organisation


def memberships_of(*, user) -> QuerySet[Membership]:
    """我的单位: the organisations the user may act for now, with their role."""
    return (
        Membership.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    )


def organisation_get_for_user(organisation_id: int, *, user) -> tuple[Organisation, Membership]:
    """An organisation the user may act for, with the user's membership; 404 otherwise."""
    own = memberships_of(user=user).filter(organisation_id=organisation_id).first()
    if own is None:
        raise Http404("没有找到该单位，或您不是它的管理员或经办人。")
    return own.organisation, own


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    """Everyone who may or could act for the organisation, current first."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user__person", "granted_by", "revoked_by")
        .order_by(F("revoked_at").asc(nulls_first=True), "granted_at", "id")
    )
