"""Form widgets every app shares."""

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """An HTML date input. Browsers read and send only ISO dates (2026-12-01), whatever the
    language, so the value is rendered in ISO rather than the locale's 2026/12/01, which a
    date input shows as empty (and an edit page would then save as blank)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE)
