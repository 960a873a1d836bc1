"""Validators for the national identifiers and for sums of money, with specific Chinese
messages.

Check characters follow GB 32100-2015 (unified social credit code) and GB 11643-1999
(resident identity number), computed by python-stdnum.
"""

import datetime
import re
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from stdnum import exceptions as stdnum_exc
from stdnum import numdb
from stdnum.cn import ric, uscc

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_REGION = re.compile(r"^\d{12}$")


# Full-width digits and letters typed by an IME are folded to ASCII before checking, and its
# full-width space (U+3000, the space bar in full-width mode) to a space.
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: " "}


def _ascii(value: str) -> str:
    return value.translate(_FOLD).strip()


def _compact(value: str) -> str:
    """Folded, upper-cased, without any whitespace (spaces, tabs, a pasted line break)."""
    return "".join(_ascii(value).upper().split())


def normalize_credit_code(value: str) -> str:
    return _compact(value)


def validate_credit_code(value: str) -> None:
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            "统一社会信用代码应为18位，当前为%(n)d位，请核对后重新输入。",
            code="credit_code_length",
            params={"n": len(code)},
        )
    try:
        uscc.validate(code)
    except stdnum_exc.InvalidChecksum:
        raise ValidationError(
            "统一社会信用代码“%(code)s”的校验位不正确（应为%(check)s），请核对营业执照或登记证书。",
            code="credit_code_checksum",
            params={"code": code, "check": uscc.calc_check_digit(code[:17])},
        ) from None
    except stdnum_exc.ValidationError:
        raise ValidationError(
            "统一社会信用代码“%(code)s”格式不正确：前8位应为数字，其余为数字或大写字母（不含I、O、Z、S、V），请核对。",
            code="credit_code_format",
            params={"code": code},
        ) from None


def normalize_id_number(value: str) -> str:
    return _compact(value)


def validate_id_number(value: str) -> None:
    """Resident identity number: 18 characters, valid check character, birth date not in future."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            "居民身份证号码应为18位，当前为%(n)d位，请核对后重新输入。",
            code="id_length",
            params={"n": len(number)},
        )
    # ASCII digits only: "²" passes str.isdigit() and then breaks int() and the check digit.
    if not (number.isascii() and number[:17].isdigit()) or not (
        number[17].isdigit() or number[17] == "X"
    ):
        raise ValidationError(
            "居民身份证号码前17位应为数字，最后一位为数字或X，请核对。", code="id_format"
        )
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            "居民身份证号码中的出生日期“%(d)s”不存在，请核对。",
            code="id_birth_date",
            params={"d": number[6:14]},
        ) from None
    if birth > timezone.localdate():
        raise ValidationError(
            "居民身份证号码中的出生日期%(d)s晚于今天，请核对。",
            code="id_future_birth",
            params={"d": birth.isoformat()},
        )
    if number[17] != ric.calc_check_digit(number):
        raise ValidationError(
            "居民身份证号码的校验位不正确，请核对证件上的号码。", code="id_checksum"
        )
    # The address code is the one in force when the number was issued, which may be years
    # after birth (桃江县 became 430922 in 1994), so any code that ever existed is accepted;
    # stdnum's own check also requires it to have existed in the birth year.
    if not any(props.get("county") for _part, props in numdb.get("cn/loc").info(number[:6])):
        raise ValidationError(
            "居民身份证号码前6位地址码“%(c)s”不是有效的行政区划代码，请核对。",
            code="id_birth_place",
            params={"c": number[:6]},
        )


# The checks' messages without any part of the number (the messages above name its birth date,
# its address code, the credit code and its check character): for what is kept or sent beyond
# the person who typed it.
_QUIET = {
    "id_length": "居民身份证号码应为18位",
    "id_format": "居民身份证号码前17位应为数字，最后一位为数字或X",
    "id_birth_date": "居民身份证号码中的出生日期不存在",
    "id_future_birth": "居民身份证号码中的出生日期晚于今天",
    "id_checksum": "居民身份证号码的校验位不正确",
    "id_birth_place": "居民身份证号码的地址码不是有效的行政区划代码",
    "credit_code_length": "统一社会信用代码应为18位",
    "credit_code_format": "统一社会信用代码格式不正确：前8位应为数字，其余为数字或大写字母",
    "credit_code_checksum": "统一社会信用代码的校验位不正确",
}


def id_message(exc: ValidationError) -> str:
    """What is wrong with a number `validate_id_number` or `validate_credit_code` refused,
    naming the problem and no digit of the number (no full stop: callers add the subject or the
    end)."""
    code = exc.error_list[0].code if exc.error_list else ""
    return _QUIET.get(code, "证件号码不符合要求")


def normalize_mobile(value: str) -> str:
    """Digits only, full-width digits folded, a leading +86 or 86 dropped: for comparing."""
    digits = "".join(ch for ch in _ascii(value or "") if "0" <= ch <= "9")
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


def validate_mobile(value: str) -> None:
    if not _MOBILE.match(_ascii(value)):
        raise ValidationError(
            "手机号码“%(v)s”格式不正确，应为以1开头的11位数字。",
            code="mobile_format",
            params={"v": value[:20]},
        )


def validate_region_code(value: str) -> None:
    if not _REGION.match(value or ""):
        raise ValidationError(
            "行政区划代码应为12位数字（如桃江县为430922000000），当前为“%(v)s”。",
            code="region_code",
            params={"v": (value or "")[:20]},
        )


# Money in yuan: at most two places (分), never negative, never above the configured maximum;
# the column holds 10 digits (COLUMN_MAX_YUAN), so the setting can only lower that.
COLUMN_MAX_YUAN = Decimal("99999999.99")
_YUAN = re.compile(r"^[0-9]+(\.[0-9]*)?$")
CENT = Decimal("0.01")


def max_yuan() -> Decimal:
    return min(Decimal(settings.ONEWINDOW_FEE_MAX_YUAN), COLUMN_MAX_YUAN)


def validate_yuan(value: Decimal, label: str = "金额") -> None:
    """A sum of money in yuan as stored: finite, 0 or more, two places at most, within the
    maximum. Model fields and `parse_yuan` both use it."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError(
            "%(label)s应为数字（单位：元），如 20 或 20.50。",
            code="yuan_format",
            params={"label": label},
        )
    if value < 0:
        raise ValidationError(
            "%(label)s不能为负数；不收费请填0或留空。",
            code="yuan_negative",
            params={"label": label},
        )
    if value != value.quantize(CENT, rounding=ROUND_DOWN):
        raise ValidationError(
            "%(label)s最多两位小数（精确到分），如 20.50。",
            code="yuan_places",
            params={"label": label},
        )
    if value > max_yuan():
        raise ValidationError(
            "%(label)s超过上限%(max)s元，请核对金额（单位为元，不是分）。",
            code="yuan_too_big",
            params={"label": label, "max": f"{max_yuan():,.2f}"},
        )


def parse_yuan(value: object, label: str = "金额") -> Decimal:
    """A sum typed by a person or sent by a system, as a Decimal with two places. Full-width
    digits are folded; empty is 0; exponents, NaN, Infinity, signs and thousands separators
    are refused with a message that says what to type."""
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int) and not isinstance(value, bool):
        amount = Decimal(value)
    else:
        text = _ascii(str(value if value is not None else "")).replace(" ", "")
        if text == "":
            return Decimal("0.00")
        if text.startswith("-") and _YUAN.match(text[1:]):
            amount = -Decimal(text[1:])
        elif not _YUAN.match(text):
            raise ValidationError(
                "%(label)s应为数字（单位：元），如 20 或 20.50；“%(v)s”不是金额。",
                code="yuan_format",
                params={"label": label, "v": text[:20]},
            )
        else:
            amount = Decimal(text)
    validate_yuan(amount, label)
    return amount.quantize(CENT) + 0  # + 0: "-0" is stored as 0.00
