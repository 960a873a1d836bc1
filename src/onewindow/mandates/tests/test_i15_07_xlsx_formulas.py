"""Issue 15 item 7: attachment 5 writes item names and reasons as text, never as formulas."""

import pytest

from onewindow.catalog.models import Item
from onewindow.documents.tests.xlsxcheck import FORMULAS, assert_text_not_formulas
from onewindow.mandates import documents
from onewindow.mandates.models import ItemPower
from onewindow.testing.factories import ItemFactory, LetterFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_i15_07_attachment5_keeps_formula_like_text_as_text():
    unit = UnitFactory()
    ItemFactory.create_batch(2, unit=unit, instant=True)  # S5 suggests decision for both
    letter = LetterFactory(unit=unit)
    decided = letter.powers.filter(power=ItemPower.Power.DECISION).order_by("item__basic_code")
    assert decided.count() >= 2
    first, second = decided[0], decided[1]
    Item.objects.filter(pk=first.item_id).update(name=FORMULAS[0])
    Item.objects.filter(pk=second.item_id).update(name=FORMULAS[1])
    ItemPower.objects.filter(pk=first.pk).update(needs_other=True, needs_other_note="x")
    data = documents.attachment5_xlsx(letter, reviewer=FORMULAS[2], preparer=FORMULAS[3])
    assert_text_not_formulas(data, FORMULAS[:2])
