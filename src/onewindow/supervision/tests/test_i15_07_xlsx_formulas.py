"""Issue 15 item 7: the dispatched-staff appraisal XLSX writes names as text, never formulas."""

import datetime

import pytest

from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import submit, user
from onewindow.documents.tests.xlsxcheck import FORMULAS, assert_text_not_formulas
from onewindow.org.models import Staff
from onewindow.supervision import appraisal

pytestmark = pytest.mark.django_db
NOV = datetime.date(2026, 11, 10)


def test_i15_07_appraisal_xlsx_keeps_formula_like_names_as_text():
    case = submit("食品生产许可", day=NOV)
    clerk = user("clerk").staff
    Case.objects.filter(pk=case.pk).update(
        state="closed",
        accepted_on=NOV,
        due_date=NOV + datetime.timedelta(days=5),
        decided_on=NOV,
        closed_on=NOV,
        accepted_by=clerk,
    )
    Staff.objects.filter(pk=clerk.pk).update(name=FORMULAS[0])
    unit = clerk.unit
    unit.name = FORMULAS[3]
    assert_text_not_formulas(appraisal.dispatched_xlsx(unit, "2026-11"), [FORMULAS[0], FORMULAS[3]])
