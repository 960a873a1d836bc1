"""Every write of accounts: registration of a natural person, organisations and the people
authorised to act for them. Services are keyword-only; ValidationError messages are Chinese."""

import logging
import re
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from onewindow.accounts import codes
from onewindow.accounts.models import Membership, Organisation, Person
from onewindow.common import crypto, ratelimit
from onewindow.common.validators import (
    normalize_credit_code,
    normalize_id_number,
    validate_credit_code,
    validate_id_number,
)
from onewindow.org.models import Role, User
from onewindow.org.roles import RoleCode

# Chinese characters (with the extensions people's names use), the middle dot of minority and
# foreign names (·, and the look-alikes typed by IMEs), and Latin letters with spaces.
_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134fA-Za-z·•‧・. ]{2,30}$")
_DOTS = str.maketrans({"•": "·", "‧": "·", "・": "·", ".": "·"})

ID_TAKEN = (
    "该身份证号码已注册，请直接登录（可用身份证号码或手机号码）；"
    "如忘记密码，请用注册的手机号码找回密码。"
)
CODE_TAKEN = (
    "该统一社会信用代码的单位已核验，由该单位的管理员管理，不能再登记。如需为该单位办事，"
    "请联系该单位的管理员把您添加为经办人；如对核验结果有异议，请携营业执照到政务服务中心办理。"
)
CODE_MINE = "您已登记过该统一社会信用代码的单位，请在“我的单位”中查看，无需重复登记。"

log = logging.getLogger("onewindow.accounts")

# Said to a newly registered (mobile-assured) account: what it sees, and how to be verified.
UNVERIFIED_NOTE = (
    "您的身份证号码尚未核验：“我的办事”只显示您本人在网上提交的申请。"
    "通过省统一身份认证登录，或携身份证到政务服务中心窗口核验后，可查看您名下在窗口办理的全部办件。"
)


def clean_name(value: str, *, label: str = "姓名") -> str:
    name = " ".join((value or "").split()).translate(_DOTS)
    if not _NAME.match(name) or name.strip("· ") != name:
        raise ValidationError(
            "%(label)s应为2至30个汉字或字母（少数民族或外国姓名可用“·”分隔），请与身份证件一致。",
            code="name_format",
            params={"label": label},
        )
    return name


def clean_id_number(value: str) -> str:
    number = normalize_id_number(value or "")
    validate_id_number(number)
    return number


def id_registered(number: str) -> bool:
    digest = crypto.digest(number)
    return (
        Person.objects.filter(id_digest=digest).exists()
        or User.objects.filter(identity_digest=digest).exists()
    )


# Checks that apps higher up add (cases: the name and phone on the cases already filed under the
# ID number), each called as check(name=, digest=, mobile=) and returning a Chinese refusal or
# "". Accounts itself knows no cases.
IDENTITY_CHECKS: list = []


def identity_refusal(*, name: str, number: str, mobile: str) -> str:
    digest = crypto.digest(number)
    for check in IDENTITY_CHECKS:
        refusal = check(name=name, digest=digest, mobile=mobile)
        if refusal:
            return refusal
    return ""


def _new_username() -> str:
    # Not the ID number or the mobile: the login name is stored in plain; applicants sign in
    # with either number through backends.IdentityBackend.
    return f"ap_{secrets.token_hex(6)}"


def _applicant_role() -> Role:
    return Role.objects.get_or_create(code=RoleCode.APPLICANT)[0]


def applicant_create(
    *,
    name: str,
    id_number: str,
    mobile: str,
    source: str,
    password: str | None,
    assurance: str = Person.Assurance.MOBILE,
) -> User:
    """A new applicant account with its verified identity, in the caller's transaction."""
    digest = crypto.digest(id_number)
    user = User(username=_new_username(), display_name=name, identity_digest=digest)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    user.roles.add(_applicant_role())
    try:
        with transaction.atomic():
            Person.objects.create(
                user=user,
                name=name,
                id_number=id_number,
                mobile=mobile,
                source=source,
                assurance=assurance,
                created_at=timezone.now(),
            )
    except IntegrityError:
        raise ValidationError({"id_number": ID_TAKEN}) from None
    return user


def verified_at_hall(*, user: User, digest: str) -> None:
    """Staff verified the user's identity (org.services.applicant_verify, the admin's 申请人实名
    认证): the user's self-registered person of that number becomes assurance "hall"."""
    Person.objects.filter(
        user=user, id_digest=digest, released_at__isnull=True, assurance=Person.Assurance.MOBILE
    ).update(assurance=Person.Assurance.HALL)


def person_register(
    *, name: str, id_number: str, mobile: str, code: str, password: str, password2: str
) -> User:
    """Register a natural person (实名注册): every field checked, the SMS code last (a wrong
    code counts as a try). ValidationError maps fields to Chinese messages."""
    errors: dict[str, list] = {}
    try:
        name = clean_name(name)
    except ValidationError as exc:
        errors["name"] = exc.messages
    try:
        id_number = clean_id_number(id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    try:
        mobile = codes.checked_mobile(mobile)
    except ValidationError as exc:
        errors["mobile"] = exc.messages
    if password != password2:
        errors["password2"] = ["两次输入的密码不一致，请重新输入。"]
    else:
        try:
            validate_password(password, User(username="", display_name=name))
        except ValidationError as exc:
            errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    try:
        row = codes.code_check(mobile=mobile, code=code)
    except ValidationError as exc:
        raise ValidationError({"code": exc.messages}) from None
    # After the code, so that no one learns without a code sent to their own mobile whether a
    # number is registered: the refusal counts as a try on the code (five and it is spent).
    if id_registered(id_number):
        codes.code_count_try(row)
        raise ValidationError({"id_number": [ID_TAKEN]})
    # After the code: the mobile is proven to be the registrant's before it is compared. Either
    # mismatch spends the code (one message for both: no name can be guessed on one code).
    refusal = identity_refusal(name=name, number=id_number, mobile=mobile)
    if refusal:
        codes.code_use(row)
        raise ValidationError(refusal, code="identity_mismatch")
    with transaction.atomic():
        try:
            codes.code_use(row)
        except ValidationError as exc:
            raise ValidationError({"code": exc.messages}) from None
        return applicant_create(
            name=name,
            id_number=id_number,
            mobile=mobile,
            source=Person.Source.REGISTERED,
            password=password,
        )


# --- organisations ------------------------------------------------------------------------


def _require_verified(user: User) -> None:
    if not user.identity_digest:
        raise ValidationError(
            "请先完成个人实名注册（或通过省统一身份认证登录），再登记单位。", code="no_person"
        )


def organisation_register(
    *, acting_user: User, name: str, credit_code: str, legal_rep_name: str, legal_rep_id: str
) -> Organisation:
    """Register an organisation, 待核验 (unverified) until the province's legal-person claim or a
    hall clerk verifies it; the registering person becomes its administrator."""
    _require_verified(acting_user)
    errors: dict[str, list] = {}
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= 100:
        errors["name"] = ["单位名称应为2至100个字，请与营业执照或登记证书一致。"]
    try:
        credit_code = normalize_credit_code(credit_code or "")
        validate_credit_code(credit_code)
        # A verified code is taken; unverified (待核验) claims of it do not block another one.
        same = Organisation.objects.filter(credit_code_digest=crypto.digest(credit_code))
        if same.filter(verified_at__isnull=False).exists():
            errors["credit_code"] = [CODE_TAKEN]
        elif same.filter(registered_by=acting_user).exists():
            errors["credit_code"] = [CODE_MINE]
    except ValidationError as exc:
        errors["credit_code"] = exc.messages
    try:
        legal_rep_name = clean_name(legal_rep_name, label="法定代表人姓名")
    except ValidationError as exc:
        errors["legal_rep_name"] = exc.messages
    try:
        legal_rep_id = clean_id_number(legal_rep_id)
    except ValidationError as exc:
        errors["legal_rep_id"] = exc.messages
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    try:
        with transaction.atomic():
            org = Organisation.objects.create(
                name=name,
                credit_code=credit_code,
                legal_rep_name=legal_rep_name,
                legal_rep_id=legal_rep_id,
                registered_by=acting_user,
                created_at=now,
            )
            Membership.objects.create(
                organisation=org,
                user=acting_user,
                role=Membership.Role.ADMIN,
                granted_by=acting_user,
                granted_at=now,
                accepted_at=now,
            )
    except IntegrityError:
        raise ValidationError({"credit_code": [CODE_MINE]}) from None
    return org


def organisation_verify(*, organisation: Organisation, how: str, by: User) -> Organisation:
    """Mark the organisation verified (the province's legal-person claim, or a hall clerk who
    checked the business licence). The other pending claims of its credit code end: their
    memberships are revoked and the claim kept as superseded, so their members are told on
    我的单位. ValidationError when another registration of the code is verified already."""
    now = timezone.now()
    try:
        with transaction.atomic():
            org = Organisation.objects.select_for_update().get(pk=organisation.pk)
            if org.superseded_at is not None:
                raise ValidationError(
                    "该登记已失效（同一统一社会信用代码的另一登记已核验），不能再核验。",
                    code="superseded",
                )
            if org.verified_at is not None:
                return org
            org.verified_at, org.verified_how, org.verified_by = now, how, by
            org.save(update_fields=["verified_at", "verified_how", "verified_by"])
            others = Organisation.objects.filter(
                credit_code_digest=org.credit_code_digest, verified_at__isnull=True
            ).exclude(pk=org.pk)
            Membership.objects.filter(organisation__in=others, revoked_at__isnull=True).update(
                revoked_at=now, revoked_by=by
            )
            ended = others.filter(superseded_at__isnull=True).update(superseded_at=now)
    except IntegrityError:
        raise ValidationError(
            "该统一社会信用代码已有另一登记核验通过，本登记不能再核验。", code="code_verified"
        ) from None
    log.info("organisation %s verified (%s); %d pending claim(s) ended", org.pk, how, ended)
    return org


def organisations_for_claim(*, user: User, credit_codes) -> list[Organisation]:
    """Verify the pending organisations `user` administers whose credit code the province's
    legal-person claim names (省统一身份认证: the user signed in as its legal representative)."""
    digests = set()
    for raw in credit_codes:
        try:
            code = normalize_credit_code(str(raw))
            validate_credit_code(code)
        except ValidationError:
            continue
        digests.add(crypto.digest(code))
    done = []
    pending = Organisation.objects.filter(
        credit_code_digest__in=digests,
        verified_at__isnull=True,
        superseded_at__isnull=True,
        memberships__user=user,
        memberships__role=Membership.Role.ADMIN,
        memberships__revoked_at__isnull=True,
    ).distinct()
    for org in pending:
        try:
            done.append(
                organisation_verify(
                    organisation=org, how=Organisation.Verification.PROVINCE, by=user
                )
            )
        except ValidationError:
            continue
    return done


def _require_admin(acting_user: User, organisation: Organisation) -> None:
    if not Membership.objects.filter(
        organisation=organisation,
        user=acting_user,
        role=Membership.Role.ADMIN,
        revoked_at__isnull=True,
    ).exists():
        raise ValidationError("只有本单位的管理员可以添加或撤销经办人。", code="not_admin")


INVITES_PER_DAY = 10
INVITED = "已向{name}（{id}）发出经办人邀请。对方在其“我的单位”页面接受后，方可代表本单位办事。"


def operator_grant(*, acting_user: User, organisation: Organisation, id_number: str) -> Membership:
    """Invite a registered natural person, found by resident ID number, to act for the
    organisation (经办人). The invitation takes effect when they accept it on their own 我的单位
    page; until then the organisation sees their name and number masked. At most
    INVITES_PER_DAY tries per organisation a day (counted before the look-up)."""
    _require_admin(acting_user, organisation)
    try:
        number = clean_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    scope, name = "operator-invite", str(organisation.pk)
    if ratelimit.exceeded(scope, [name], INVITES_PER_DAY):
        raise ValidationError(
            {
                "id_number": f"本单位今天添加经办人已达{INVITES_PER_DAY}次，请明天再试；"
                "如需一次添加多人，请到政务服务中心办理。"
            }
        )
    ratelimit.count(scope, [name], 86400)
    person = (
        Person.objects.select_related("user")
        .filter(id_digest=crypto.digest(number), released_at__isnull=True)
        .first()
    )
    if person is None:
        raise ValidationError(
            {
                "id_number": "该身份证号码尚未注册一窗通办个人账号。"
                "请对方先注册（或通过省统一身份认证登录一次），再添加为经办人。"
            }
        )
    if Membership.objects.filter(
        organisation=organisation, user=person.user, revoked_at__isnull=True
    ).exists():
        raise ValidationError({"id_number": "此人已是本单位的经办人或已受邀请，无需重复添加。"})
    try:
        with transaction.atomic():
            return Membership.objects.create(
                organisation=organisation,
                user=person.user,
                role=Membership.Role.OPERATOR,
                granted_by=acting_user,
                granted_at=timezone.now(),
            )
    except IntegrityError:
        raise ValidationError({"id_number": "此人刚刚已被添加为经办人。"}) from None


def _own_invitation(acting_user: User, membership: Membership) -> None:
    if (
        membership.user_id != acting_user.pk
        or membership.revoked_at is not None
        or membership.accepted_at is not None
    ):
        raise ValidationError("该邀请已处理或已撤销。", code="not_invited")


def invitation_accept(*, acting_user: User, membership: Membership) -> Membership:
    """The invited person accepts on their own 我的单位 page: from now on they act for it."""
    _own_invitation(acting_user, membership)
    membership.accepted_at = timezone.now()
    membership.save(update_fields=["accepted_at"])
    return membership


def invitation_decline(*, acting_user: User, membership: Membership) -> Membership:
    """The invited person declines: the row ends as revoked by them."""
    _own_invitation(acting_user, membership)
    membership.revoked_at = timezone.now()
    membership.revoked_by = acting_user
    membership.save(update_fields=["revoked_at", "revoked_by"])
    return membership


def operator_revoke(*, acting_user: User, membership: Membership) -> Membership:
    """End an operator's authorisation; the row stays as the record of who could act when."""
    _require_admin(acting_user, membership.organisation)
    if membership.role == Membership.Role.ADMIN:
        raise ValidationError("管理员不能在此撤销；如需更换管理员，请到政务服务中心办理。")
    if membership.revoked_at is not None:
        raise ValidationError("该经办人的授权已经撤销。")
    membership.revoked_at = timezone.now()
    membership.revoked_by = acting_user
    membership.save(update_fields=["revoked_at", "revoked_by"])
    return membership
