"""Reads of accounts, scoped by the user."""

from django.db.models import F, QuerySet
from django.http import Http404

from onewindow.accounts.models import Membership, Organisation


def memberships_of(*, user) -> QuerySet[Membership]:
    """我的单位: the organisations the user may act for now (accepted), with their role."""
    return (
        Membership.objects.filter(user=user, revoked_at__isnull=True, accepted_at__isnull=False)
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


def invitations_of(*, user) -> QuerySet[Membership]:
    """The operator invitations waiting for the user's answer."""
    return (
        Membership.objects.filter(user=user, revoked_at__isnull=True, accepted_at__isnull=True)
        .select_related("organisation", "granted_by")
        .order_by("granted_at", "id")
    )


def superseded_claims_of(*, user) -> QuerySet[Organisation]:
    """The user's pending registrations that ended because another registration of the same
    credit code was verified (told on 我的单位)."""
    return Organisation.objects.filter(
        superseded_at__isnull=False, memberships__user=user
    ).distinct()


def pending_claims(credit_code_digest: str) -> QuerySet[Organisation]:
    """Every registration of a credit code, for the hall clerk who checks the business licence:
    the verified one (if any) first, then the pending claims oldest first."""
    return (
        Organisation.objects.filter(credit_code_digest=credit_code_digest)
        .select_related("registered_by__person", "verified_by")
        .order_by(F("verified_at").desc(nulls_last=True), "superseded_at", "created_at", "id")
    )
