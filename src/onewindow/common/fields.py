"""A model field that stores its value SM4-encrypted and hands back plain text."""

from django.db import models

from onewindow.common import crypto


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
