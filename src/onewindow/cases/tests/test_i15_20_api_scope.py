"""Issue 15 item 20: a unit-bound API key acts only on its own unit's items and cases."""

import json

import pytest

from onewindow.cases.api import issue_key
from onewindow.cases.models import ApiClient, Case, CombinedCase
from onewindow.cases.tests.conftest import APPLICANT, user
from onewindow.catalog.models import CombinedService, Item
from onewindow.catalog.selectors import merged_materials
from onewindow.org.models import Unit

pytestmark = pytest.mark.django_db


def _key(name, unit=None, acting=None):
    client = ApiClient(
        name=name,
        unit=Unit.objects.get(short_name=unit) if unit else None,
        acting_user=user(acting) if acting else None,
    )
    return issue_key(client)


def _post(client, url, body, key):
    return client.post(url, json.dumps(body), content_type="application/json", HTTP_X_API_KEY=key)


def _combined(service, client_key):
    return {
        "service": service.pk,
        "client_key": client_key,
        "applicant": APPLICANT,
        "materials": [{"name": m.name, "status": "uploaded"} for m in merged_materials(service)],
    }


def test_i15_20_unit_key_cannot_submit_a_combined_service_of_other_units(client):
    service = CombinedService.objects.get(name="开办餐饮店")
    units = set(service.members.values_list("item__unit__short_name", flat=True))
    assert "县市监局" in units and len(units) > 1  # members in other units
    key = _key("市监业务系统", unit="县市监局", acting="reviewer")
    refused = _post(client, "/api/cases/combined", _combined(service, "SJ-1"), key)
    assert refused.status_code == 403
    assert "县住建局" in refused.json()["detail"] or "县城管执法局" in refused.json()["detail"]
    assert not CombinedCase.objects.exists() and not Case.objects.exists()
    # A key bound to no unit (the provincial platform) may.
    province = _key("湖南省一体化平台")
    assert (
        _post(client, "/api/cases/combined", _combined(service, "HN-1"), province).status_code
        == 201
    )


def test_unit_key_reads_and_reports_only_its_units_cases(client):
    item = Item.objects.get(name="食品生产许可")
    province = _key("湖南省一体化平台")
    body = {
        "item": item.implementation_code,
        "client_key": "HN-9",
        "applicant": APPLICANT,
        "materials": [{"material_id": m.pk} for m in item.materials.all()],
    }
    case_id = _post(client, "/api/cases/applications", body, province).json()["id"]
    other = _key("住建业务系统", unit="县住建局", acting="reviewer2")
    assert client.get(f"/api/cases/{case_id}", HTTP_X_API_KEY=other).status_code == 404
    progress = _post(client, f"/api/cases/{case_id}/progress", {"action": "decide"}, other)
    assert progress.status_code == 404
    submitted = _post(client, "/api/cases/applications", dict(body, client_key="ZJ-1"), other)
    assert submitted.status_code == 403 and "县住建局" in submitted.json()["detail"]


def test_i15_20_sms_right_is_granted_by_the_command_keeping_the_key(client):
    from io import StringIO

    from django.core.management import call_command

    key = _key("短信网关")
    call_command("api_client", "短信网关", "--sms-gateway", "--keep-key", stdout=StringIO())
    gateway = ApiClient.objects.get(name="短信网关")
    assert gateway.sms_gateway
    # The old key still works (a wrong case number is a 404, not a 401 or 403).
    body = {"case_number": "X", "phone": "13807371234", "reply": "1"}
    assert _post(client, "/api/ratings/sms", body, key).status_code == 404
