"""`onewindow demo` on a database that holds the demo already changes nothing."""

import io

import pytest
from django.core.management import call_command

from onewindow.catalog.models import CombinedMember, CombinedService, Item, ItemVersion, Material
from onewindow.demo import catalogue
from onewindow.mandates.models import ItemPower, Letter, Seal
from onewindow.org.models import Hall, Region, Section, Staff, Unit, User, WindowPost
from onewindow.reform.models import Filing, Round, Submission, SubmissionVersion, Task

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent():
    """A second load changes nothing: same rows, same values (moved here from web's tests;
    the catalogue, which now goes through the importer, and the letters are checked too)."""
    models = [Region, Unit, Section, Hall, Staff, WindowPost, User]
    models += [Item, Material, ItemVersion, CombinedService, CombinedMember]
    models += [Letter, ItemPower, Seal]
    models += [Round, Task, Submission, SubmissionVersion, Filing]

    def snapshot():
        return {m.__name__: sorted(map(repr, m.objects.values().order_by("pk"))) for m in models}

    call_command("demo", history_days=0, stdout=io.StringIO())  # the reform round: not in conftest
    before = snapshot()
    out = io.StringIO()
    call_command("demo", history_days=0, stdout=out)
    assert snapshot() == before
    items, _materials, _errors = catalogue.catalogue_rows()
    assert f"{len(items)}个事项" in out.getvalue()
