from django.contrib.auth.hashers import Argon2PasswordHasher, check_password
from django.core.exceptions import ValidationError


class Argon2Hasher(Argon2PasswordHasher):
    """The site's password hasher: Argon2id with OWASP's first configuration (46 MiB, one pass,
    one lane), which OWASP rates as strong as its others. Django's default (100 MiB, t=2, p=8)
    raised a gunicorn worker's peak memory by 100 MiB at its first sign-in (VmHWM 280 MiB at
    1,000,000 cases, issue 22's limit 250 MiB); this one by 46 MiB. Same algorithm name, so
    existing hashes verify (their parameters are in the hash) and are re-hashed with these at
    the next sign-in."""

    time_cost = 1
    memory_cost = 47104
    parallelism = 1


class CharacterClassValidator:
    """Passwords mix letters and digits (等保 level 3 asks for complexity, not just length)."""

    def validate(self, password: str, user=None) -> None:
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError("密码必须同时包含字母和数字。", code="password_classes")

    def get_help_text(self) -> str:
        return "密码必须同时包含字母和数字。"


# Rows of a keyboard and the alphabet: four neighbours from these (either way) are a sequence.
_SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiop", "asdfghjkl", "zxcvbnm")


def _weak_stretch(password: str, length: int = 4) -> str | None:
    """The first stretch of `length` characters that is one repeated character or a sequence
    (1234, 4321, abcd, qwer), or None."""
    lowered = password.lower()
    for start in range(len(lowered) - length + 1):
        part = lowered[start : start + length]
        if len(set(part)) == 1:
            return password[start : start + length]
        for row in _SEQUENCES:
            if part in row or part[::-1] in row:
                return password[start : start + length]
    return None


class PatternValidator:
    """No padding a password to length with a repeated character or a sequence
    (1111111111a, abcd1234ef), and at least `min_distinct` different characters."""

    def __init__(self, min_distinct: int = 6):
        self.min_distinct = min_distinct

    def validate(self, password: str, user=None) -> None:
        stretch = _weak_stretch(password)
        if stretch:
            raise ValidationError(
                "密码不能包含连续重复或顺序排列的字符（如“%(part)s”），请换用更难猜的组合。",
                code="password_pattern",
                params={"part": stretch},
            )
        if len(set(password)) < self.min_distinct:
            raise ValidationError(
                "密码至少要有%(n)d个不同的字符，请换用更难猜的组合。",
                code="password_few_characters",
                params={"n": self.min_distinct},
            )

    def get_help_text(self) -> str:
        return (
            f"密码不能包含连续重复或顺序排列的字符（如1111、1234、abcd），"
            f"至少有{self.min_distinct}个不同的字符。"
        )


class NotCurrentPasswordValidator:
    """A new password must differ from the one it replaces (password change, admin reset)."""

    def validate(self, password: str, user=None) -> None:
        current = getattr(user, "password", "")
        # check_password from the hashers, not user.check_password: validating must not save.
        if current and check_password(password, current):
            raise ValidationError(
                "新密码不能与当前密码相同，请设置一个新的密码。", code="password_unchanged"
            )

    def get_help_text(self) -> str:
        return "新密码不能与当前密码相同。"
