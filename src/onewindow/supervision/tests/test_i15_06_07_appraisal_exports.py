"""Issue 15 items 6 and 7: the dispatched-staff appraisal, as PDF and as XLSX, carries unit and
staff names as text: drawn verbatim in the PDF, never a formula in the spreadsheet."""

import datetime

import pytest

from onewindow.cases.models import Case
from onewindow.documents.tests.pdftext import HOSTILE, SHORT_HOSTILE, assert_verbatim
from onewindow.documents.tests.xlsxcheck import FORMULAS, assert_text_not_formulas
from onewindow.org.models import Staff, Unit
from onewindow.supervision import appraisal
from onewindow.testing.factories import CaseFactory, DeskFactory

pytestmark = pytest.mark.django_db
NOV = datetime.date(2026, 11, 10)


def _dispatching_unit(staff_name: str, unit_name: str) -> Unit:
    """The clerk's home unit, named `unit_name`, with the clerk (named `staff_name`) having
    decided a case in November 2026, so the appraisal lists them."""
    desk = DeskFactory()
    case = CaseFactory(desk=desk, day=NOV)
    clerk = desk.clerk.staff
    Case.objects.filter(pk=case.pk).update(
        state="closed",
        accepted_on=NOV,
        due_date=NOV + datetime.timedelta(days=5),
        decided_on=NOV,
        closed_on=NOV,
        accepted_by=clerk,
    )
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
