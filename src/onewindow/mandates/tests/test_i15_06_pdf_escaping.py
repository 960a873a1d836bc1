"""Issue 15 item 6: the authorization letter PDF draws names and tasks verbatim."""

import pytest

from onewindow.catalog.models import Item
from onewindow.documents.tests.pdftext import HOSTILE, assert_verbatim
from onewindow.mandates import documents
from onewindow.mandates.models import Letter
from onewindow.testing.factories import DeskFactory

pytestmark = pytest.mark.django_db


def test_i15_06_letter_pdf_draws_hostile_text_verbatim():
    letter = Letter.objects.select_related("unit", "supervisor", "team_leader").get(
        pk=DeskFactory().letter.pk
    )
    first = letter.powers.order_by("item__basic_code").first()
    Item.objects.filter(pk=first.item_id).update(name=HOSTILE)
    letter.legal_representative = HOSTILE
    letter.other_tasks = HOSTILE
    letter.supervisor.name = HOSTILE
    letter.unit.name = HOSTILE
    assert 6 in letter.clauses  # the other tasks are part of clause six
    assert_verbatim(documents.letter_pdf(letter), expected_images=0)
