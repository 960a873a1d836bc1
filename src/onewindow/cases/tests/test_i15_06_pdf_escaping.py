"""Issue 15 item 6: user text in every case notice is drawn verbatim, never as ReportLab markup."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from onewindow.cases import notices, services
from onewindow.cases.tests.conftest import APPLICANT, DAY, submit_at
from onewindow.documents.tests.pdftext import HOSTILE, assert_verbatim

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _render(case, kind) -> bytes:
    return notices.render(case, kind, base_url="http://testserver/")


@time_machine.travel(NOW, tick=False)
def test_i15_06_every_case_notice_draws_hostile_text_verbatim(desk):
    applicant = dict(APPLICANT, applicant_name=HOSTILE)
    case = submit_at(desk, complete=False, applicant=applicant)
    missing = case.materials.filter(status="missing")
    case = services.case_notify_correction(
        acting_user=desk.clerk, case=case, problems={m.pk: HOSTILE for m in missing}, day=DAY
    )
    case = services.case_resubmit(
        acting_user=desk.clerk, case=case, received={m.pk: "paper" for m in missing}, day=DAY
    )
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    case = services.case_transfer(acting_user=desk.teamlead, case=case, day=DAY)
    case = services.case_suspend(
        acting_user=desk.reviewer,
        case=case,
        procedure="site_inspection",
        expected_days=3,
        reason=HOSTILE,
        day=DAY,
    )
    case = services.case_resume(acting_user=desk.reviewer, case=case, day=DAY)
    case = services.case_extend(
        acting_user=desk.reviewer, case=case, days=5, approver=HOSTILE, reason=HOSTILE, day=DAY
    )
    case = services.case_decide(
        acting_user=desk.reviewer, case=case, result="denied", text=HOSTILE, day=DAY
    )
    kinds = notices.available(case)
    assert kinds == ["correction", "accept", "suspend", "extend", "decision", "receipt"]
    for kind in kinds:
        # The only image is the progress QR code (the unit has no seal impression).
        assert_verbatim(_render(case, kind), expected_images=1)

    refused = submit_at(desk, applicant=applicant)
    refused = services.case_refuse(acting_user=desk.clerk, case=refused, reason=HOSTILE, day=DAY)
    assert_verbatim(_render(refused, "refuse"), expected_images=1)


@time_machine.travel(NOW, tick=False)
def test_i15_06_notice_download_of_a_hostile_name_is_a_pdf(client, desk):
    case = submit_at(desk, applicant=dict(APPLICANT, applicant_name=HOSTILE))
    services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    client.force_login(desk.clerk)
    response = client.get(f"/cases/{case.pk}/notice/accept.pdf")
    assert response.status_code == 200
    assert_verbatim(response.content, expected_images=1)
