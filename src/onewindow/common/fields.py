"""Model fields: text and JSON objects stored SM4-encrypted, and sums of money in yuan."""

import json

from django.db import models
from django.db.models import Q

from onewindow.common import crypto
from onewindow.common.validators import COLUMN_MAX_YUAN, validate_yuan


class EncryptedCharField(models.TextField):
    """Plain text in Python, ciphertext in the database. Not searchable: pair it with a digest."""

    def __init__(self, *args, max_plain_length: int = 64, **kwargs):
        self.max_plain_length = max_plain_length
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["max_plain_length"] = self.max_plain_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(value)

    def formfield(self, **kwargs):
        from django import forms

        return forms.CharField(max_length=self.max_plain_length, required=not self.blank)


class EncryptedJSONField(models.TextField):
    """A JSON object in Python (a dict), one SM4 ciphertext in the database: personal data kept
    as a few named values (e.g. a mailing address with its recipient). Not searchable."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return {}
        return json.loads(crypto.decrypt(value))

    def to_python(self, value):
        if isinstance(value, dict) or value is None:
            return value or {}
        return json.loads(value)

    def get_prep_value(self, value):
        if not value:
            return ""
        return crypto.encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)

    def formfield(self, **kwargs):
        from django import forms

        return forms.JSONField(required=not self.blank)


class YuanField(models.DecimalField):
    """A sum of money in yuan: 10 digits with 2 places, checked by `validate_yuan` (finite, not
    negative, within the configured maximum). Pair it with `yuan_range` in the model's
    constraints so the database refuses what slipped past Python."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("default", 0)
        kwargs.setdefault("validators", [validate_yuan])
        super().__init__(*args, **kwargs)


def yuan_range(field: str, name: str) -> models.CheckConstraint:
    """The column's own bounds (0 to 99,999,999.99): on SQLite a decimal column stores anything."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0, f"{field}__lte": COLUMN_MAX_YUAN}), name=name
    )
