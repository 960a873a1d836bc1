"""A suspension or an extension states its reason (told to the applicant, and required in the
特别程序 record pushed to the province, whose event can never be corrected): an empty one is
refused before anything is written (found by the review of issue 20: the row was refused by the
push for ever)."""

import pytest
from django.core.exceptions import ValidationError

from onewindow.cases import services
from onewindow.cases.models import CaseEvent
from onewindow.cases.tests.conftest import DAY
from onewindow.cases.workflow import State
from onewindow.testing.cases import CaseFactory
from onewindow.testing.factories import DeskFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reason", ["", "   "])
def test_no_suspension_or_extension_without_a_reason(reason):
    desk = DeskFactory()
    case = CaseFactory(desk=desk, state=State.TRANSFERRED, day=DAY)
    before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(ValidationError) as refused:
        services.case_suspend(
            acting_user=desk.reviewer,
            case=case,
            procedure="hearing",
            expected_days=5,
            reason=reason,
            day=DAY,
        )
    assert refused.value.message_dict["reason"] == ["请写明中止办理的理由或依据（将告知申请人）。"]
    with pytest.raises(ValidationError) as refused:
        services.case_extend(
            acting_user=desk.reviewer, case=case, days=5, approver="局长", reason=reason, day=DAY
        )
    assert refused.value.message_dict["reason"] == ["请写明延期的理由（将告知申请人）。"]
    assert CaseEvent.objects.filter(case=case).count() == before
