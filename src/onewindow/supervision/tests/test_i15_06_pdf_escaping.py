"""Issue 15 item 6: the dispatched-staff appraisal PDF draws unit and staff names verbatim."""

import datetime

import pytest

from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import submit, user
from onewindow.documents.tests.pdftext import HOSTILE, SHORT_HOSTILE, assert_verbatim
from onewindow.org.models import Staff
from onewindow.supervision import appraisal

pytestmark = pytest.mark.django_db
NOV = datetime.date(2026, 11, 10)


def test_i15_06_appraisal_pdf_draws_hostile_names_verbatim():
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
    Staff.objects.filter(pk=clerk.pk).update(name=SHORT_HOSTILE)
    unit = clerk.unit
    unit.name = HOSTILE
    pdf = appraisal.dispatched_pdf(unit, "2026-11")
    assert_verbatim(pdf, expected_images=0, texts=(HOSTILE, SHORT_HOSTILE))
