"""Maximum lengths of free text, in characters. Everything people type that reaches a notice,
a letter, an export or the provincial push is bounded: a 250,000-character reason once made a
single notice take 115 s to render. The figures are documented in docs/REQUIREMENTS.md."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

NAME = 100  # applicants, agents, approvers: the longest legal names of organisations fit
NOTE = 200  # what is wrong with one material, short notes
REASON = 2000  # reasons, opinions, decisions, conclusions, other tasks of a letter
GUIDE_TEXT = 20000  # catalogue guide texts: legal basis, conditions, process, FAQ

MESSAGE = "%(label)s最多%(limit)d字，现有%(n)d字，请精简后再提交。"


def too_long(value: object, limit: int) -> bool:
    return isinstance(value, str) and len(value) > limit


def check_length(value: object, *, limit: int, label: str, field: str | None = None) -> None:
    """ValidationError (under `field` when given) when `value` is longer than `limit`."""
    if too_long(value, limit):
        message = MESSAGE % {"label": label, "limit": limit, "n": len(value)}
        raise ValidationError({field: message} if field else message, code="too_long")


def max_length(limit: int) -> MaxLengthValidator:
    """The model validator for a TextField of at most `limit` characters (TextField's own
    max_length only reaches forms)."""
    return MaxLengthValidator(
        limit, message=f"最多{limit}字，现有%(show_value)d字，请精简后再提交。"
    )


def text_field(label: str, limit: int, **kwargs) -> models.TextField:
    """A TextField of at most `limit` characters, checked by forms and by model validation."""
    return models.TextField(label, max_length=limit, validators=[max_length(limit)], **kwargs)
