"""省统一身份认证: the account for the province's verified claims, and the release of an ID number
that a self-registered account held when its verified owner signs in (review #4)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from onewindow.accounts import codes
from onewindow.accounts.models import Membership, Person
from onewindow.accounts.services import (
    applicant_create,
    clean_id_number,
    clean_name,
    log,
)
from onewindow.common import crypto
from onewindow.common.validators import normalize_id_number, normalize_mobile
from onewindow.org.models import User

RELEASED_NOTICE = (
    "该账号的身份证号码已由本人通过省统一身份认证核验并启用新账号，原网上注册的账号已停用，"
    "不能再用密码登录。如您是该身份证号码的本人，请点击“省统一身份认证登录”；"
    "如有疑问，请携身份证到政务服务中心总咨询台办理。"
)


def identity_release(*, person: Person) -> int:
    """The ID number of a self-registered (mobile-assured) account is taken over by its verified
    owner: the number and digest leave the account, its password becomes unusable (which ends
    its sessions: their auth hash no longer matches), its memberships end, and the row stays as
    the record (released_at, the old digest for the next sign-in attempt's message). In the
    caller's transaction. Returns how many memberships ended."""
    now = timezone.now()
    old = person.user
    digest = person.id_digest
    person.released_id_digest = digest
    person.released_at = now
    person.id_number = ""
    person.save()
    old.identity_digest = ""
    old.set_unusable_password()
    old.save(update_fields=["identity_digest", "password", "password_change_required"])
    return Membership.objects.filter(user=old, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=old
    )


def released_notice(username: str) -> str:
    """For a failed sign-in: the message when the ID number or mobile typed is a released
    account's (its ID number was taken over), else ""."""
    number = normalize_id_number(username or "")
    if len(number) == 18:
        rows = Person.objects.filter(released_id_digest=crypto.digest(number))
    else:
        mobile = normalize_mobile(username or "")
        if len(mobile) != 11:
            return ""
        rows = Person.objects.filter(mobile_digest=crypto.digest(mobile))
        if rows.filter(released_at__isnull=True).exists():
            return ""  # the mobile still signs someone in: their wrong password, not a release
        rows = rows.filter(released_at__isnull=False)
    return RELEASED_NOTICE if rows.exists() else ""


def oidc_user(*, issuer: str, claims: dict, id_claim: str) -> User:
    """The account for verified ID token claims: the one linked to (issuer, sub), else the one
    with that resident ID (linked now) when it is verified (at a hall desk, or by the province),
    else a new applicant account (no password: it signs in through the province). A
    self-registered account of the number (assurance "mobile") is taken over: kept and verified
    when its name and mobile are the claims', else its number is released (identity_release) and
    the new account gets it. ValidationError (Chinese) when the claims lack what we need."""
    from onewindow.accounts.models import OidcLink

    sub = str(claims.get("sub") or "")
    raw_id = claims.get(id_claim)
    if not sub or not isinstance(raw_id, str) or not raw_id.strip():
        raise ValidationError(
            "省统一身份认证未提供您的身份证号码，无法完成实名登录。请在统一身份认证平台完成实名认证后再试，或在本平台个人注册。",
            code="oidc_no_id",
        )
    try:
        number = clean_id_number(raw_id)
    except ValidationError:
        raise ValidationError(
            "省统一身份认证提供的身份证号码未通过校验，无法登录。请联系统一身份认证平台核实。",
            code="oidc_bad_id",
        ) from None
    digest = crypto.digest(number)
    try:
        name = clean_name(str(claims.get("name") or ""))
    except ValidationError:
        name = ""
    try:
        mobile = codes.checked_mobile(str(claims.get("phone_number") or ""))
    except ValidationError:
        mobile = ""
    now = timezone.now()
    with transaction.atomic():
        link = OidcLink.objects.select_related("user").filter(issuer=issuer, sub=sub).first()
        if link is not None:
            if link.user.identity_digest != digest:
                raise ValidationError(
                    "统一身份认证账号与本平台账号的身份证号码不一致，无法登录。请到政务服务中心总咨询台核实。",
                    code="oidc_mismatch",
                )
            user = link.user
        else:
            person = (
                Person.objects.select_for_update()
                .select_related("user")
                .filter(id_digest=digest)
                .first()
            )
            taken_from = None
            if person is not None and not person.verified:
                # Self-registered: only its mobile was proven. The province's verified login
                # takes the number over, keeping the account when it is plainly the same person
                # (the name and the mobile as the province knows them).
                same = bool(name and mobile) and (
                    person.name == name and person.mobile_digest == crypto.digest(mobile)
                )
                if same:
                    person.assurance = Person.Assurance.PROVINCE
                    person.save(update_fields=["assurance"])
                else:
                    if not name:
                        raise ValidationError(
                            "省统一身份认证未提供有效的姓名，无法创建账号。"
                            "请联系统一身份认证平台核实。",
                            code="oidc_no_name",
                        )
                    taken_from, person = person, None
            user = person.user if person else None
            if user is None and taken_from is None:
                user = User.objects.filter(identity_digest=digest).first()
            if user is None:
                if not name:
                    raise ValidationError(
                        "省统一身份认证未提供有效的姓名，无法创建账号。请在本平台个人注册。",
                        code="oidc_no_name",
                    )
                dropped = 0
                if taken_from is not None:
                    # The number leaves the old account first (the digest is unique).
                    dropped = identity_release(person=taken_from)
                user = applicant_create(
                    name=name,
                    id_number=number,
                    mobile=mobile,
                    source=Person.Source.OIDC,
                    password=None,
                    assurance=Person.Assurance.PROVINCE,
                )
                if taken_from is not None:
                    # The record, with account ids only (no name, no number).
                    log.warning(
                        "identity released: self-registered account %s lost its ID number to "
                        "province-verified account %s; its password made unusable, %d "
                        "membership(s) ended",
                        taken_from.user_id,
                        user.pk,
                        dropped,
                    )
            elif person is None:
                # Verified earlier at a desk (only the digest was kept): the number is known now.
                Person.objects.create(
                    user=user,
                    name=name or user.display_name or user.username,
                    id_number=number,
                    mobile=mobile,
                    source=Person.Source.OIDC,
                    assurance=Person.Assurance.PROVINCE,
                    created_at=now,
                )
            link = OidcLink.objects.create(issuer=issuer, sub=sub, user=user, created_at=now)
        OidcLink.objects.filter(pk=link.pk).update(last_login_at=now)
    if not user.is_active:
        raise ValidationError("该账号已停用，请到政务服务中心总咨询台办理。", code="inactive")
    return user
