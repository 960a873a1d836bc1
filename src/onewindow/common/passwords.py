from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """Passwords mix letters and digits (等保 level 3 asks for complexity, not just length)."""

    def validate(self, password: str, user=None) -> None:
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError("密码必须同时包含字母和数字。", code="password_classes")

    def get_help_text(self) -> str:
        return "密码必须同时包含字母和数字。"
