"""Whom an account may act for: the one question other apps ask of accounts.

`acting_for(user)` lists the user's own verified identity first, then every organisation the
user administers or was authorised to act for (经办人) and not revoked. `Identity.digest` is the
keyed digest cases carry (`Case.applicant_id_digest`, `User.identity_digest`), so a page can
check a chosen applicant with `may_act_for(user, digest)`.

`Identity.verified` says whether the identity is known to be the user's (or the organisation's)
own: a person verified at a hall desk (a clerk checked the ID card: the user has the digest and
no self-registered Person row, or Person.assurance "hall") or through the province's unified
identity (assurance "province"), an organisation verified by the province's legal-person claim or
by a hall clerk who checked the business licence. A self-registered person (assurance "mobile":
only the mobile was proven) and an organisation 待核验 are not: cases shows such an identity only
the cases its own account filed online, a verified one every case of the identity.
"""

from dataclasses import dataclass, field

from onewindow.accounts.models import Membership, Person

PERSON = "person"
ORGANISATION = "organisation"


@dataclass(frozen=True)
class Identity:
    kind: str  # "person" or "organisation"
    name: str
    digest: str
    label: str  # for a <select>: 本人：张三 / 单位：某某有限公司（经办人）
    organisation_id: int | None = None
    # The whole number (resident ID or credit code) and the account's mobile, for pre-filling an
    # application; never shown whole on a page, never in a repr (logs).
    number: str = field(default="", repr=False, compare=False)
    mobile: str = field(default="", repr=False, compare=False)
    # For an organisation: the user's role in it ("admin" / "operator"); "" for the person.
    role: str = ""
    # Verified at a hall desk or through the province (see the module's docstring).
    verified: bool = False


def _person(user) -> Identity | None:
    if not user.identity_digest:
        return None
    person = Person.objects.filter(user=user, released_at__isnull=True).first()
    name = (person.name if person else "") or user.display_name or user.username
    return Identity(
        kind=PERSON,
        name=name,
        digest=user.identity_digest,
        label=f"本人：{name}",
        number=person.id_number if person else "",
        mobile=person.mobile if person else "",
        # No Person row: the digest was linked by a clerk at a desk (org.services.applicant_verify).
        verified=person.verified if person else True,
    )


def acting_for(user) -> list[Identity]:
    """The user's own identity (when verified), then the organisations they may act for."""
    if not getattr(user, "is_authenticated", False):
        return []
    found = []
    own = _person(user)
    if own:
        found.append(own)
    mobile = own.mobile if own else ""
    rows = (
        Membership.objects.filter(user=user, revoked_at__isnull=True, accepted_at__isnull=False)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    )
    for m in rows:
        org = m.organisation
        found.append(
            Identity(
                kind=ORGANISATION,
                name=org.name,
                digest=org.credit_code_digest,
                label=f"单位：{org.name}（{m.get_role_display()}）",
                organisation_id=org.pk,
                number=org.credit_code,
                mobile=mobile,
                role=m.role,
                verified=org.verified,
            )
        )
    return found


def may_act_for(user, digest: str) -> bool:
    """True when `digest` is the user's own identity or an organisation's they may act for now
    (accepted, not revoked), verified or not."""
    if not digest or not getattr(user, "is_authenticated", False):
        return False
    if digest == user.identity_digest:
        return True
    return Membership.objects.filter(
        user=user,
        revoked_at__isnull=True,
        accepted_at__isnull=False,
        organisation__credit_code_digest=digest,
    ).exists()
