"""找回密码: a code to the registered mobile, then a new password. One answer whether or not the
ID number and the mobile belong together, tries counted per ID number and per address before the
look-up (review #8)."""

import contextlib

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from onewindow.accounts import codes
from onewindow.accounts.models import Person
from onewindow.accounts.services import clean_id_number
from onewindow.common import crypto, ratelimit
from onewindow.common.masking import mask_mobile
from onewindow.org.models import User

# One answer whether or not the ID number and the mobile belong together (the page must not tell
# which mobile is the registered one), and the attempts counted per ID number and per address
# before the look-up, so the hidden digits of a masked mobile cannot be walked.
RESET_SENT = "如信息匹配，验证码已发送至该手机（{mobile}），10分钟内有效。"
RESET_CODE_REFUSED = (
    "验证码不正确或已失效。请核对短信中的验证码，或确认身份证号码和注册时的手机号码后重新获取。"
    "手机号码已不再使用的，请携身份证到政务服务中心总咨询台办理。"
)
RESET_PER_ID = 5  # an hour, sending and resetting together
RESET_PER_ADDRESS = 20
RESET_LIMITED = (
    "找回密码的尝试次数过多，请1小时后再试；如需帮助，请携身份证到政务服务中心总咨询台办理。"
)


def _reset_checked(*, id_number: str, mobile: str, address: str | None) -> tuple[str, str]:
    """The numbers checked for their form, and the try counted (per ID number and address)."""
    try:
        number = clean_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    try:
        mobile = codes.checked_mobile(mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages}) from None
    limits = (
        ("reset-id", crypto.digest(number), RESET_PER_ID),
        ("reset-address", address or "unknown", RESET_PER_ADDRESS),
    )
    for scope, name, limit in limits:
        if ratelimit.exceeded(scope, [name], limit):
            raise ValidationError(RESET_LIMITED, code="reset_rate_limited")
    for scope, name, _limit in limits:
        ratelimit.count(scope, [name], 3600)
    return number, mobile


def _reset_match(number: str, mobile: str) -> Person | None:
    person = (
        Person.objects.select_related("user")
        .filter(id_digest=crypto.digest(number), released_at__isnull=True)
        .first()
    )
    if person is None or person.mobile_digest != crypto.digest(mobile):
        return None
    return person


def reset_code_send(*, id_number: str, mobile: str, address: str | None) -> str:
    """Send a reset code when the pair matches a registered person; the same answer (returned,
    for the page) either way. ValidationError for a malformed number or too many tries."""
    number, mobile = _reset_checked(id_number=id_number, mobile=mobile, address=address)
    if _reset_match(number, mobile) is not None:
        # A resend too soon or the mobile's hourly cap: said to no one (it would tell that the
        # pair matched); the code sent before still works.
        with contextlib.suppress(ValidationError):
            codes.code_send(mobile=mobile, address=address, purpose="reset")
    return RESET_SENT.format(mobile=mask_mobile(mobile))


def password_reset(
    *,
    id_number: str,
    mobile: str,
    code: str,
    password: str,
    password2: str,
    address: str | None = None,
) -> User:
    """Set a new password after the code sent to the registered mobile is confirmed. A pair that
    does not match reads like a wrong code."""
    if password != password2:
        raise ValidationError({"password2": "两次输入的密码不一致，请重新输入。"})
    number, mobile = _reset_checked(id_number=id_number, mobile=mobile, address=address)
    person = _reset_match(number, mobile)
    user = person.user if person else User(username="", display_name="")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    if person is None:
        raise ValidationError({"code": RESET_CODE_REFUSED})
    try:
        row = codes.code_check(mobile=person.mobile, code=code, purpose="reset")
    except ValidationError as exc:
        if exc.code == "code_format":
            raise ValidationError({"code": exc.messages}) from None
        raise ValidationError({"code": RESET_CODE_REFUSED}) from None
    with transaction.atomic():
        try:
            codes.code_use(row)
        except ValidationError:
            raise ValidationError({"code": RESET_CODE_REFUSED}) from None
        user.set_password(password)
        user.save(update_fields=["password", "password_change_required"])
    return user
