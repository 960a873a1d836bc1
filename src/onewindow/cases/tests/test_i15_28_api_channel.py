"""Issue 15 item 28: every event a system causes through the API names its real channel
(部门业务系统 for a department system's progress) and the system, whatever the action."""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine

from onewindow.cases import services
from onewindow.cases.models import Case, Channel
from onewindow.cases.tests.conftest import APPLICANT
from onewindow.testing.factories import ApiClientFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SYSTEM = "市监业务系统"


def _post(client, url, body, key):
    return client.post(url, json.dumps(body), content_type="application/json", HTTP_X_API_KEY=key)


@pytest.fixture
def keys(desk):
    province = ApiClientFactory(name="湖南省一体化平台")
    dept = ApiClientFactory(name=SYSTEM, unit=desk.unit, acting_user=desk.reviewer)
    return province.key, dept.key


def _at_department(client, province_key, desk, client_key):
    item = desk.item
    body = {
        "item": item.implementation_code,
        "channel": "online",
        "client_key": client_key,
        "applicant": APPLICANT,
        "materials": [{"material_id": m.pk, "status": "uploaded"} for m in item.materials.all()],
    }
    response = _post(client, "/api/cases/applications", body, province_key)
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["id"])
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post)
    return services.case_transfer(acting_user=desk.teamlead, case=case)


def _last_event(case_id: int):
    return Case.objects.get(pk=case_id).events.order_by("seq").last()


@time_machine.travel(NOW, tick=False)
def test_i15_28_each_api_action_records_the_system_and_its_channel(client, keys, desk):
    province_key, dept_key = keys
    case = _at_department(client, province_key, desk, "HN-28-1")
    submitted = case.events.order_by("seq").first()
    assert submitted.channel == Channel.ONLINE
    assert submitted.details["system"] == "湖南省一体化平台"
    url = f"/api/cases/{case.pk}/progress"
    steps = [
        ("suspend", {"procedure": "expert_review", "expected_days": 5, "reason": "专家评审"}),
        ("resume", {}),
        ("extend", {"days": 5, "approver": "局长", "reason": "情况复杂"}),
        ("terminate", {"reason": "申请人死亡"}),
    ]
    for action, body in steps:
        response = _post(client, url, {"action": action, **body}, dept_key)
        assert response.status_code == 200, (action, response.content)
        event = _last_event(case.pk)
        assert event.action == action
        assert (event.channel, event.details.get("system")) == (Channel.DEPT_SYSTEM, SYSTEM)
        assert response.json()["events"][-1]["action"] == action
    # The decision too; the window's own moves stay the window's, with no system named.
    case = _at_department(client, province_key, desk, "HN-28-2")
    accepted = case.events.get(action="accept")
    assert accepted.channel == Channel.WINDOW and "system" not in accepted.details
    response = _post(
        client,
        f"/api/cases/{case.pk}/progress",
        {"action": "decide", "result": "approved"},
        dept_key,
    )
    assert response.status_code == 200, response.content
    event = _last_event(case.pk)
    assert (event.channel, event.details.get("system")) == (Channel.DEPT_SYSTEM, SYSTEM)
    # The same move by a reviewer on the page is the window's, with no system named.
    other = _at_department(client, province_key, desk, "HN-28-3")
    services.case_suspend(
        acting_user=desk.reviewer,
        case=other,
        procedure="expert_review",
        expected_days=3,
        reason="专家评审",
    )
    event = _last_event(other.pk)
    assert event.channel == Channel.WINDOW and "system" not in event.details
