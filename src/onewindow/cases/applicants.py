"""Whom a signed-in applicant acts for, and which cases that reaches: their own identity and
the organisations they may act for now (accounts.identities.acting_for). The same rule decides
what 我的办事 lists, whose notices they download and who may make the applicant's moves
(cases.permissions, Who.APPLICANT); `scope` (a filter) and `reaches` (one case in hand) say it
twice, alike, and the tests hold them to each other.

- A verified identity (checked at a hall desk or by the province's unified identity; a verified
  organisation) reaches every case filed under it. An account registered by SMS alone proves a
  mobile number, not that the ID number is the registrant's: it reaches only the cases it filed
  on the portal itself (`Case.filed_by`), never a case the real person files at a window.
- An organisation's cases are reached only through a live membership (经办人 or administrator):
  the agent route (`Case.agent_id_digest`, the cases one filed as someone's agent) serves only
  cases whose applicant is a person, so an operator whose authorisation was revoked no longer
  reaches the company's cases he filed for it."""

from dataclasses import dataclass

from django.db.models import Q

from onewindow.accounts.identities import ORGANISATION, PERSON, acting_for
from onewindow.accounts.models import Membership
from onewindow.org.models import User
from onewindow.org.roles import RoleCode


@dataclass(frozen=True)
class Grant:
    """One identity the user acts for: its digest, person or organisation, and whether it is
    verified (every case under it) or not (only the cases this account filed)."""

    digest: str
    kind: str
    verified: bool


def grants_for(user: User | None) -> tuple[Grant, ...]:
    """The identities the user acts for as an applicant; empty for anyone else."""
    if user is None or not user.is_authenticated or RoleCode.APPLICANT not in user.role_codes:
        return ()
    # Read once per user object (a request's user: the page, its list and its moves ask alike).
    cached = getattr(user, "_applicant_grants", None)
    if cached is not None:
        return cached
    found = {}
    for i in acting_for(user):
        if i.digest and i.digest not in found:
            found[i.digest] = Grant(i.digest, i.kind, bool(i.verified))
    user._applicant_grants = tuple(found.values())
    return user._applicant_grants


def digests_for(user: User | None) -> frozenset[str]:
    """The digests the user acts for as an applicant; empty for anyone else."""
    return frozenset(g.digest for g in grants_for(user))


def scope(user: User | None, grants: tuple[Grant, ...] | None = None) -> Q | None:
    """The cases the applicant reaches, as a filter; None when none."""
    grants = grants_for(user) if grants is None else grants
    where = Q()
    for g in grants:
        if g.kind == ORGANISATION:
            here = Q(applicant_id_digest=g.digest, applicant_kind=ORGANISATION)
        else:
            here = Q(applicant_id_digest=g.digest, applicant_kind=PERSON) | (
                Q(agent_id_digest=g.digest) & Q(applicant_kind=PERSON)
            )
        if not g.verified:
            here &= Q(filed_by=user)
        where |= here
    return where if grants else None


def reaches(user: User | None, grants: tuple[Grant, ...], case) -> bool:
    """Whether the case is within `scope(user, grants)`, read off the case in hand."""
    for g in grants:
        if g.verified or (user is not None and case.filed_by_id == user.pk):
            if g.kind == ORGANISATION:
                ok = case.applicant_kind == ORGANISATION and case.applicant_id_digest == g.digest
            else:
                ok = case.applicant_kind == PERSON and g.digest in (
                    case.applicant_id_digest,
                    case.agent_id_digest,
                )
            if ok:
                return True
    return False


def has_account(case) -> bool:
    """Whether someone reads the case on the portal (我的办事): the active account that filed it
    there, or an active account that reaches it by a verified identity (its own, or an
    organisation's it acts for)."""
    if case.filed_by_id and User.objects.filter(pk=case.filed_by_id, is_active=True).exists():
        return True
    digest = case.applicant_id_digest
    if not digest:
        return False
    users = User.objects.filter(is_active=True).filter(
        Q(identity_digest=digest)
        | Q(
            pk__in=Membership.objects.filter(
                organisation__credit_code_digest=digest, revoked_at__isnull=True
            ).values("user_id")
        )
    )
    return any(reaches(u, grants_for(u), case) for u in users[:20])
