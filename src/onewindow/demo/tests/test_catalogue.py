"""The demo catalogue is a data file in the catalogue's own format, loaded through the product's
importer: it loads with no errors, yields what the file holds, and a second load changes nothing."""

import json
from collections import Counter

import pytest

from onewindow.catalog import services
from onewindow.catalog.models import CombinedService, Item, Material
from onewindow.demo import catalogue
from onewindow.mandates.models import ItemPower
from onewindow.org.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def reform():
    return User.objects.get(username="reform")


@pytest.fixture
def rows():
    item_rows, material_rows, errors = catalogue.catalogue_rows()
    assert errors == []
    return [r for _, r in item_rows], [r for _, r in material_rows]


def test_the_file_loads_through_the_importer_into_an_empty_catalogue(reform, rows):
    items, materials = rows
    # The session's database holds the demo already: empty the catalogue first.
    ItemPower.objects.all().delete()
    CombinedService.objects.all().delete()
    Item.objects.exclude(parent=None).delete()
    Item.objects.all().delete()

    result = catalogue.import_items(reform)
    assert (result.created, result.updated, result.unchanged) == (len(items), 0, 0)
    assert result.materials == len(materials)
    stored = {i.implementation_code: i for i in Item.objects.select_related("parent")}
    assert set(stored) == {r["implementation_code"] for r in items}
    for row in items:
        item = stored[row["implementation_code"]]
        assert (item.name, item.status, item.hall_status, item.exempt_doc_no) == (
            row["name"],
            row["status"],
            row["hall_status"],
            row["exempt_doc_no"],
        )
        assert (item.legal_limit, item.promised_limit) == (
            row["legal_limit"],
            row["promised_limit"],
        )
        assert (item.parent.implementation_code if item.parent else "") == row["parent"]
    per_item = Counter(Material.objects.values_list("item__implementation_code", flat=True))
    assert per_item == Counter(r["item"] for r in materials)

    catalogue.save_combined(reform)
    combined = json.loads(catalogue.COMBINED.read_text())
    assert CombinedService.objects.count() == len(combined)
    for row in combined:
        service = CombinedService.objects.get(name=row["name"])
        members = service.members.order_by("order").values_list(
            "item__implementation_code", "stage"
        )
        assert list(members) == [(m["item"], m["stage"]) for m in row["items"]]


def test_a_second_load_changes_nothing(reform, rows):
    items, _materials = rows
    versions = {i.pk: i.version for i in Item.objects.all()}
    result = catalogue.import_items(reform)
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(items))
    assert {i.pk: i.version for i in Item.objects.all()} == versions


def test_an_item_withdrawn_since_is_left_as_it_is(reform, rows):
    item = Item.objects.filter(status=Item.Status.PUBLISHED, children=None).first()
    ItemPower.objects.filter(item=item).delete()
    CombinedService.objects.filter(items=item).delete()
    services.item_withdraw(
        acting_user=reform,
        item=item,
        doc_no="桃政函〔2026〕1号",
        approved_on=item.created_at.date(),
        approver="桃江县人民政府",
        reason="演示",
    )
    result = catalogue.import_items(reform)
    assert result.created == result.updated == 0
    assert result.unchanged == len(rows[0]) - 1
    assert Item.objects.get(pk=item.pk).status == Item.Status.WITHDRAWN
