"""Reads for the public portal that no other app's selectors already offer."""

from django.shortcuts import get_object_or_404

from onewindow.cases.models import Case


def progress_case(case_id: int) -> Case:
    """The case a signed progress link names, with what its page shows (404 if unknown)."""
    return get_object_or_404(Case.objects.select_related("item", "unit__region"), pk=case_id)
