import json

import pytest

from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import APPLICANT
from onewindow.cases.workflow import State
from onewindow.org.models import WindowPost
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import (
    ApiClientFactory,
    CombinedServiceFactory,
    DeskFactory,
    ItemFactory,
    WindowPostFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(_desk):
    """The root conftest's desk, built once for the module (not the cases package's, per test)."""
    return _desk


@pytest.fixture
def province():
    client = ApiClientFactory(name="湖南省一体化平台")
    return client, client.key


@pytest.fixture
def dept_system(desk):
    client = ApiClientFactory(name="市监业务系统", unit=desk.unit, acting_user=desk.reviewer)
    return client, client.key


def _post(client, url, body, key=None):
    headers = {"HTTP_X_API_KEY": key} if key else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def _application(item, key="HN-2026-0001"):
    return {
        "item": item.implementation_code,
        "client_key": key,
        "applicant": APPLICANT,
        "materials": [{"material_id": m.pk, "status": "uploaded"} for m in item.materials.all()],
    }


def test_submit_is_idempotent_and_lands_in_the_window_queue(client, province, desk):
    _, key = province
    first = _post(client, "/api/cases/applications", _application(desk.item), key)
    assert first.status_code == 201, first.content
    again = _post(client, "/api/cases/applications", _application(desk.item), key)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Case.objects.count() == 1
    data = first.json()
    assert data["state"] == "received" and data["number"] is None
    assert data["applicant_id"].count("*") == 10
    client.force_login(desk.clerk)
    body = client.get("/cases/window/").content.decode()
    assert "网上申请（湖南省一体化平台）" in body and desk.item.name in body


def test_submit_needs_a_valid_key_and_valid_data(client, province, desk):
    assert (
        _post(client, "/api/cases/applications", _application(desk.item), "wrong").status_code
        == 401
    )
    _, key = province
    bad = _application(desk.item, "HN-2")
    bad["applicant"] = dict(APPLICANT, applicant_id="430922198001011230")
    response = _post(client, "/api/cases/applications", bad, key)
    assert response.status_code == 400 and "校验位" in response.json()["detail"]
    window = dict(_application(desk.item, "HN-3"), channel="window")
    assert _post(client, "/api/cases/applications", window, key).status_code == 400
    assert Case.objects.count() == 0


def test_department_system_reports_its_decision(client, province, dept_system, desk):
    from onewindow.cases import services

    _, key = province
    case_id = _post(client, "/api/cases/applications", _application(desk.item), key).json()["id"]
    case = Case.objects.get(pk=case_id)
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post)
    case = services.case_transfer(acting_user=desk.teamlead, case=case)
    _, dept_key = dept_system
    stale = _post(
        client,
        f"/api/cases/{case_id}/progress",
        {"action": "decide", "result": "approved", "version": 1},
        dept_key,
    )
    assert stale.status_code == 409 and "已被他人处理" in stale.json()["detail"]
    response = _post(
        client,
        f"/api/cases/{case_id}/progress",
        {"action": "decide", "result": "approved", "version": case.version},
        dept_key,
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["state"] == State.DECIDED
    assert data["events"][-1]["action"] == "decide"
    assert Case.objects.get(pk=case_id).events.last().channel == "dept_system"


def test_the_province_cannot_report_department_decisions(client, province, desk):
    _, key = province
    case_id = _post(client, "/api/cases/applications", _application(desk.item), key).json()["id"]
    response = _post(client, f"/api/cases/{case_id}/progress", {"action": "decide"}, key)
    assert response.status_code == 403


def test_staff_read_cases_in_their_scope(province, client, desk):
    _, key = province
    case_id = _post(client, "/api/cases/applications", _application(desk.item), key).json()["id"]
    client.force_login(desk.reviewer)
    assert client.get(f"/api/cases/{case_id}").status_code == 200
    client.force_login(DeskFactory(with_letter=False).clerk)
    assert client.get(f"/api/cases/{case_id}").status_code == 404
    client.force_login(staff_user(RoleCode.SUPERVISOR))
    listing = client.get("/api/cases/").json()
    assert listing["count"] == 1


def test_combined_application_through_the_api(client, province):
    from onewindow.catalog.selectors import merged_materials

    _, key = province
    items = [ItemFactory() for _ in range(4)]
    service = CombinedServiceFactory(
        name="开办餐饮店（测试）",
        items=items,
        stages={i.pk: 1 if i == items[0] else 2 for i in items},
    )
    comprehensive = WindowPostFactory(
        kind=WindowPost.Kind.COMPREHENSIVE, units=[i.unit for i in items]
    )
    body = {
        "service": service.pk,
        "client_key": "HN-YJS-0001",
        "applicant": APPLICANT,
        "materials": [
            {"name": line.name, "status": "uploaded"} for line in merged_materials(service)
        ],
    }
    first = _post(client, "/api/cases/combined", body, key)
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["state"] == "received" and len(data["children"]) == 4
    assert {c["stage"] for c in data["children"]} == {1, 2}
    again = _post(client, "/api/cases/combined", body, key)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    read = client.get(f"/api/cases/combined/{data['id']}", HTTP_X_API_KEY=key)
    assert read.status_code == 200 and read.json()["service"] == service.name
    # It waits for a comprehensive window, as one application.
    client.force_login(comprehensive.staff_a.user)
    assert service.name in client.get("/cases/window/").content.decode()
    bad = dict(body, client_key="HN-YJS-0002", materials=[{"name": "不存在的材料"}])
    response = _post(client, "/api/cases/combined", bad, key)
    assert response.status_code == 400 and "不存在的材料" in response.json()["detail"]
