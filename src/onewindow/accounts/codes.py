"""SMS verification codes: six digits sent through the SMS outbox, kept only as a salted keyed
hash, valid for ten minutes, five wrong tries, used once; a new one no sooner than a minute after
the last, and a cap per mobile and per address so the page cannot be used to text strangers.
Neither the code nor the whole mobile number is ever logged."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from onewindow.accounts.models import PhoneCode
from onewindow.common import crypto, ratelimit
from onewindow.common.validators import normalize_mobile, validate_mobile
from onewindow.exchange.services import sms_enqueue

CODE_LENGTH = 6
VALID = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5
RESEND_AFTER = datetime.timedelta(seconds=60)

TEXTS = {
    "register": "【一窗通办】您正在注册一窗通办账号，验证码{code}，10分钟内有效。"
    "请勿将验证码告诉他人；如非本人操作，请忽略本短信。",
    "reset": "【一窗通办】您正在重设一窗通办账号的密码，验证码{code}，10分钟内有效。"
    "请勿将验证码告诉他人；如非本人操作，请忽略本短信。",
}


def _limits() -> tuple[tuple[str, int, int], ...]:
    # (scope, how many, per seconds): per mobile, and per client address.
    return (
        ("sms-code-mobile", settings.ONEWINDOW_SMS_CODE_PER_MOBILE, 3600),
        ("sms-code-address", settings.ONEWINDOW_SMS_CODE_PER_ADDRESS, 3600),
    )


def _hash(salt: str, code: str) -> str:
    return salted_hmac(f"onewindow.accounts.code.{salt}", code, algorithm="sha256").hexdigest()


def checked_mobile(mobile: str) -> str:
    mobile = normalize_mobile(mobile)
    validate_mobile(mobile)
    return mobile


def code_send(*, mobile: str, address: str | None, purpose: str = "register") -> PhoneCode:
    """Queue a new code for `mobile` in the SMS outbox. ValidationError (Chinese) when the
    number is malformed, when the last code went out less than a minute ago, or when the mobile
    or the address asked too often this hour."""
    mobile = checked_mobile(mobile)
    digest = crypto.digest(mobile)
    now = timezone.now()
    last = PhoneCode.objects.filter(mobile_digest=digest, purpose=purpose).first()
    if last and now - last.sent_at < RESEND_AFTER:
        wait = int((RESEND_AFTER - (now - last.sent_at)).total_seconds()) + 1
        raise ValidationError(
            "验证码已发送，请查看短信；如未收到，请在%(s)d秒后重新获取。",
            code="code_resend_wait",
            params={"s": wait},
        )
    names = {"sms-code-mobile": [digest], "sms-code-address": [address or "unknown"]}
    for scope, limit, _window in _limits():
        if ratelimit.exceeded(scope, names[scope], limit):
            what = "该手机号码" if scope == "sms-code-mobile" else "您所在的网络"
            raise ValidationError(
                "%(what)s获取验证码的次数过多，请1小时后再试。",
                code="code_rate_limited",
                params={"what": what},
            )
    for scope, _limit, window in _limits():
        ratelimit.count(scope, names[scope], window)
    code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
    salt = secrets.token_hex(16)
    with transaction.atomic():
        row = PhoneCode.objects.create(
            purpose=purpose,
            mobile_digest=digest,
            salt=salt,
            code_hash=_hash(salt, code),
            sent_at=now,
            expires_at=now + VALID,
        )
        sms_enqueue([(mobile, TEXTS[purpose].format(code=code))])
    return row


def code_check(*, mobile: str, code: str, purpose: str = "register") -> PhoneCode:
    """The newest unused code of `mobile` if `code` is it and still valid; a wrong code counts
    as a try (committed at once). ValidationError in Chinese says what to do next. The caller
    uses the returned row with `code_use` in its own transaction."""
    mobile = normalize_mobile(mobile)
    code = "".join((code or "").split())
    row = PhoneCode.objects.filter(
        mobile_digest=crypto.digest(mobile), purpose=purpose, used_at__isnull=True
    ).first()
    if row is None:
        raise ValidationError("请先点击“获取验证码”，再填写短信中的6位验证码。", code="code_none")
    if timezone.now() >= row.expires_at:
        raise ValidationError("验证码已过期（10分钟内有效），请重新获取。", code="code_expired")
    if row.attempts >= MAX_ATTEMPTS:
        raise ValidationError("验证码输入错误次数过多，已失效，请重新获取。", code="code_too_many")
    if not (code.isascii() and code.isdigit() and len(code) == CODE_LENGTH):
        raise ValidationError("验证码应为6位数字，请核对短信。", code="code_format")
    if not constant_time_compare(_hash(row.salt, code), row.code_hash):
        PhoneCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
        left = MAX_ATTEMPTS - row.attempts - 1
        if left <= 0:
            raise ValidationError(
                "验证码不正确，且错误次数已达5次，验证码已失效，请重新获取。",
                code="code_too_many",
            )
        raise ValidationError(
            "验证码不正确，还可以再试%(n)d次。", code="code_wrong", params={"n": left}
        )
    return row


def code_count_try(row: PhoneCode) -> None:
    """A refusal after a right code counts as a wrong try on it (five spend it)."""
    PhoneCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)


def code_use(row: PhoneCode) -> None:
    """Mark the checked code used, inside the caller's transaction; a code used meanwhile (two
    submissions at once) is refused."""
    used = PhoneCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not used:
        raise ValidationError("该验证码已使用，请重新获取。", code="code_used")


def purge() -> int:
    """Delete the codes that expired more than a day ago (the periodic job)."""
    deleted, _ = PhoneCode.objects.filter(
        expires_at__lt=timezone.now() - datetime.timedelta(days=1)
    ).delete()
    return deleted
