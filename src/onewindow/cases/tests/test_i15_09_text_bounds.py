"""Issue 15 item 9: free text that reaches a notice is bounded, with Chinese messages, in the
services (pages and jobs) and in the API schemas (documented in the OpenAPI)."""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import APPLICANT, DAY, submit_at
from onewindow.common import limits
from onewindow.testing.factories import ApiClientFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HUGE = "理" * 250_000


def _accepted(desk):
    case = submit_at(desk)
    return services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)


@time_machine.travel(NOW, tick=False)
def test_i15_09_a_250000_character_reason_is_refused_with_the_limit(desk):
    case = submit_at(desk)
    with pytest.raises(ValidationError) as exc:
        services.case_refuse(acting_user=desk.clerk, case=case, reason=HUGE, day=DAY)
    assert exc.value.message_dict["reason"] == [
        f"理由最多{limits.REASON}字，现有250000字，请精简后再提交。"
    ]
    case.refresh_from_db()
    assert case.state == "received" and case.end_reason == ""
    at_limit = "理" * limits.REASON
    case = services.case_refuse(acting_user=desk.clerk, case=case, reason=at_limit, day=DAY)
    assert case.end_reason == at_limit


@time_machine.travel(NOW, tick=False)
def test_i15_09_every_text_of_a_case_is_bounded(desk):
    with pytest.raises(ValidationError, match="申请人最多100字"):
        submit_at(desk, applicant=dict(APPLICANT, applicant_name="张" * 101))
    case = submit_at(desk, complete=False)
    missing = list(case.materials.filter(status="missing"))
    with pytest.raises(ValidationError, match=f"补正内容最多{limits.NOTE}字"):
        services.case_notify_correction(
            acting_user=desk.clerk,
            case=case,
            problems={m.pk: "缺" * (limits.NOTE + 1) for m in missing},
            day=DAY,
        )
    case = _accepted(desk)
    case = services.case_transfer(acting_user=desk.teamlead, case=case, day=DAY)
    with pytest.raises(ValidationError, match="批准人最多100字"):
        services.case_extend(
            acting_user=desk.reviewer, case=case, days=5, approver="局" * 101, reason="复杂"
        )
    with pytest.raises(ValidationError, match=f"事由最多{limits.REASON}字|理由最多"):
        services.case_suspend(
            acting_user=desk.reviewer,
            case=case,
            procedure="site_inspection",
            expected_days=3,
            reason=HUGE,
            day=DAY,
        )
    with pytest.raises(ValidationError, match=f"决定内容或理由最多{limits.REASON}字"):
        services.case_decide(
            acting_user=desk.reviewer, case=case, result="denied", text=HUGE, day=DAY
        )
    assert Case.objects.get(pk=case.pk).state == case.state


@time_machine.travel(NOW, tick=False)
def test_i15_09_the_api_documents_and_enforces_the_limits(client, desk):
    system = ApiClientFactory(name="市监业务系统", unit=desk.unit, acting_user=desk.reviewer)
    key = system.key
    case = _accepted(desk)
    case = services.case_transfer(acting_user=desk.teamlead, case=case, day=DAY)
    response = client.post(
        f"/api/cases/{case.pk}/progress",
        json.dumps({"action": "terminate", "reason": HUGE}),
        content_type="application/json",
        HTTP_X_API_KEY=key,
    )
    assert response.status_code == 400, response.content[:300]  # the documented refusal
    assert f"{limits.REASON}" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == case.state
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert schema["ProgressIn"]["properties"]["reason"]["maxLength"] == limits.REASON
    assert schema["ApplicantIn"]["properties"]["applicant_name"]["maxLength"] == limits.NAME
