"""Whom a signed-in applicant acts for, as the identifier digests cases are filed under: their own
verified identity and the organisations they may act for (accounts.identities.acting_for). The
same digests decide what 我的办事 lists and who may make the applicant's moves
(cases.permissions, Who.APPLICANT)."""

from onewindow.accounts.identities import acting_for
from onewindow.accounts.models import Membership
from onewindow.org.models import User
from onewindow.org.roles import RoleCode


def digests_for(user: User | None) -> frozenset[str]:
    """The digests the user acts for as an applicant; empty for anyone else."""
    if user is None or not user.is_authenticated or RoleCode.APPLICANT not in user.role_codes:
        return frozenset()
    found = {i.digest for i in acting_for(user) if i.digest}
    if user.identity_digest:  # a verified identity without an accounts record (linked by a clerk)
        found.add(user.identity_digest)
    return frozenset(found)


def has_account(digest: str) -> bool:
    """Whether someone can read a case filed under `digest` on the portal: an active applicant
    account with that verified identity, or someone acting for the organisation."""
    if not digest:
        return False
    if User.objects.filter(identity_digest=digest, is_active=True).exists():
        return True
    return Membership.objects.filter(
        organisation__credit_code_digest=digest, revoked_at__isnull=True, user__is_active=True
    ).exists()
