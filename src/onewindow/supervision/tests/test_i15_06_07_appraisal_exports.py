"""Issue 15 items 6 and 7: the dispatched-staff appraisal, as PDF and as XLSX, carries unit and
staff names as text: drawn verbatim in the PDF, never a formula in the spreadsheet."""

import datetime

import pytest

from onewindow.cases.models import Case
from onewindow.cases.workflow import State
from onewindow.documents.tests.pdftext import HOSTILE, SHORT_HOSTILE, assert_verbatim
from onewindow.documents.tests.xlsxcheck import FORMULAS, assert_text_not_formulas
from onewindow.org.models import Staff, Unit
from onewindow.supervision import appraisal
from onewindow.testing.factories import CaseFactory, DeskFactory
from onewindow.testing.stats import rolled_up

pytestmark = pytest.mark.django_db
NOV = datetime.date(2026, 11, 10)


def _dispatching_unit(staff_name: str, unit_name: str) -> Unit:
    """The clerk's home unit, named `unit_name`, with the clerk (named `staff_name`) having
    decided a case in November 2026, so the appraisal lists them."""
    desk = DeskFactory()
    case = CaseFactory(desk=desk, day=NOV, state=State.CLOSED)  # accepted by the desk's clerk
    clerk = desk.clerk.staff
    Case.objects.filter(pk=case.pk).update(due_date=NOV + datetime.timedelta(days=5))
    assert Case.objects.get(pk=case.pk).accepted_by_id == clerk.pk
    rolled_up()  # the decision counted, as the rollup job would have
    Staff.objects.filter(pk=clerk.pk).update(name=staff_name)
    unit = clerk.unit
    unit.name = unit_name
    return unit


def test_i15_06_appraisal_pdf_draws_hostile_names_verbatim():
    pdf = appraisal.dispatched_pdf(_dispatching_unit(SHORT_HOSTILE, HOSTILE), "2026-11")
    assert_verbatim(pdf, expected_images=0, texts=(HOSTILE, SHORT_HOSTILE))


def test_i15_07_appraisal_xlsx_keeps_formula_like_names_as_text():
    unit = _dispatching_unit(FORMULAS[0], FORMULAS[3])
    assert_text_not_formulas(appraisal.dispatched_xlsx(unit, "2026-11"), [FORMULAS[0], FORMULAS[3]])
