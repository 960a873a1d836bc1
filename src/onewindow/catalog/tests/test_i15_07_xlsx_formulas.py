"""Issue 15 item 7: catalogue exports write user text as text, never as formulas, and still
import back unchanged."""

import pytest

from onewindow.catalog import elements, selectors, transfer
from onewindow.catalog.models import Item, Material
from onewindow.documents.tests.xlsxcheck import FORMULAS, assert_text_not_formulas

pytestmark = pytest.mark.django_db


def test_i15_07_catalogue_export_keeps_formula_like_text_as_text_and_round_trips(reform, published):
    item = published
    link, plus, minus, at = FORMULAS
    Item.objects.filter(pk=item.pk).update(
        name=link, conditions=plus, legal_basis=minus, faq=at, process="=1+1"
    )
    material = Material.objects.filter(item=item).order_by("order").first()
    Material.objects.filter(pk=material.pk).update(name="=2+2", standard=at)
    before = elements.snapshot(transfer.export_queryset(Item.objects.filter(pk=item.pk)).get())

    data = transfer.export_xlsx(Item.objects.filter(pk=item.pk))
    assert_text_not_formulas(data, [*FORMULAS, "=1+1", "=2+2"])

    items, materials, errors = transfer.read_xlsx(data)
    assert errors == []
    result = transfer.import_catalogue(
        acting_user=reform, item_rows=items, material_rows=materials, errors=errors
    )
    assert result.unchanged == 1 and result.updated == 0 and result.created == 0
    after = elements.snapshot(transfer.export_queryset(Item.objects.filter(pk=item.pk)).get())
    assert after == before and after["name"] == link


def test_i15_07_check_report_writes_item_names_as_text(reform):
    findings = selectors.catalogue_check(user=reform, unit_id=None)
    rows = [f for found in findings.values() for f in found]
    assert rows, "the demo catalogue has findings to report"
    for f, text in zip(rows, FORMULAS * len(rows), strict=False):
        f.item.name = text
    assert_text_not_formulas(transfer.check_xlsx(findings), FORMULAS[: len(rows)])
