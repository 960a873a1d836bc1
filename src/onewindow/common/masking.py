"""Masked display of personal identifiers for roles that need not see the whole number, and
in the logs."""

import logging
import re


def mask_id_number(value: str | None) -> str:
    """4309**********1234: keep the region's first four and the last four characters."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_mobile(value: str | None) -> str:
    """138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# A mainland mobile number, optionally with +86 / 86, not inside a longer run of digits (case
# numbers, ID numbers and timestamps stay as they are).
_MOBILE = re.compile(r"(?<![\d])(?:\+?86[ -]?)?(1[3-9]\d)(\d{4})(\d{4})(?![\d])")


def mask_mobiles_in(text: str) -> str:
    """Every mobile number in `text` masked as 138****5678."""
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


# A verification code after the word 验证码 (the registration texts): never in a log.
_CODE = re.compile(r"(验证码\D{0,6}?)\d{4,8}")


def mask_codes_in(text: str) -> str:
    """Every verification code in `text` (digits after 验证码) replaced by ******."""
    return _CODE.sub(lambda m: m.group(1) + "******", text)


class MaskMobilesFilter(logging.Filter):
    """On a log handler: no phone number (staff or applicant) reaches the log, whoever logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_mobiles_in(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
