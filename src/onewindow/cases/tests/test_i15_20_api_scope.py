"""Issue 15 item 20: a unit-bound API key acts only on its own unit's items and cases."""

import json

import pytest

from onewindow.cases.models import ApiClient, Case, CombinedCase
from onewindow.cases.tests.conftest import APPLICANT
from onewindow.catalog.selectors import merged_materials
from onewindow.testing.factories import (
    ApiClientFactory,
    CombinedServiceFactory,
    DeskFactory,
    ItemFactory,
)

pytestmark = pytest.mark.django_db


def _key(name, desk=None):
    """The key of an API client; bound to the desk's unit and acting as its reviewer if given."""
    bound = {"unit": desk.unit, "acting_user": desk.reviewer} if desk else {}
    return ApiClientFactory(name=name, **bound).key


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
    desk = DeskFactory(with_letter=False)
    others = [ItemFactory(), ItemFactory()]
    service = CombinedServiceFactory(items=[desk.item, *others])
    units = set(service.members.values_list("item__unit__short_name", flat=True))
    assert desk.unit.short_name in units and len(units) > 1  # members in other units
    key = _key("市监业务系统", desk)
    refused = _post(client, "/api/cases/combined", _combined(service, "SJ-1"), key)
    assert refused.status_code == 403
    assert any(item.unit.short_name in refused.json()["detail"] for item in others)
    assert not CombinedCase.objects.exists() and not Case.objects.exists()
    # A key bound to no unit (the provincial platform) may.
    province = _key("湖南省一体化平台")
    assert (
        _post(client, "/api/cases/combined", _combined(service, "HN-1"), province).status_code
        == 201
    )


def test_unit_key_reads_and_reports_only_its_units_cases(client):
    item = DeskFactory(with_letter=False).item
    province = _key("湖南省一体化平台")
    body = {
        "item": item.implementation_code,
        "client_key": "HN-9",
        "applicant": APPLICANT,
        "materials": [{"material_id": m.pk} for m in item.materials.all()],
    }
    case_id = _post(client, "/api/cases/applications", body, province).json()["id"]
    other_desk = DeskFactory(with_letter=False)
    other = _key("住建业务系统", other_desk)
    assert client.get(f"/api/cases/{case_id}", HTTP_X_API_KEY=other).status_code == 404
    progress = _post(client, f"/api/cases/{case_id}/progress", {"action": "decide"}, other)
    assert progress.status_code == 404
    submitted = _post(client, "/api/cases/applications", dict(body, client_key="ZJ-1"), other)
    assert submitted.status_code == 403 and other_desk.unit.short_name in submitted.json()["detail"]


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
