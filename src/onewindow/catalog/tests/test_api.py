import json

import pytest

from onewindow.catalog.models import HallApproval, Item
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import (
    CombinedServiceFactory,
    DeskFactory,
    ItemFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reform(client):
    """The test client signed in as the reform office."""
    client.force_login(UserFactory(roles=[RoleCode.REFORM_OFFICE]))
    return client


def test_public_list_searches_and_pages(client):
    # Paging needs more than 50 published items: the demo catalogue the suite loads has them.
    ItemFactory(name="建筑工程施工许可")
    response = client.get("/api/catalog/items", {"q": "jzxk"})
    assert response.status_code == 200
    data = response.json()
    assert data["items"][0]["name"] == "建筑工程施工许可"
    everything = client.get("/api/catalog/items").json()
    assert everything["count"] == Item.objects.filter(status="published").count()
    assert len(everything["items"]) == 50


def test_public_item_detail_has_materials_and_hides_drafts(client):
    parent = ItemFactory(relation=Item.Relation.MAIN)
    item = ItemFactory(unit=parent.unit, relation=Item.Relation.SUB, parent=parent)
    data = client.get(f"/api/catalog/items/{item.implementation_code}").json()
    assert data["parent"] == item.parent.implementation_code
    assert data["materials"][0]["name"] == "申请表"
    draft = ItemFactory(status=Item.Status.DRAFT)
    assert client.get(f"/api/catalog/items/{draft.implementation_code}").status_code == 404


def test_combined_detail_merges_materials(client):
    made = CombinedServiceFactory()  # both items ask for 营业执照
    services = client.get("/api/catalog/combined").json()
    target = next(s for s in services if s["name"] == made.name)
    data = client.get(f"/api/catalog/combined/{target['id']}").json()
    names = [m["name"] for m in data["materials"]]
    assert len(names) == len(set(names)) and "营业执照" in names


def test_openapi_documents_the_catalogue_and_docs_use_no_cdn(client):
    schema = client.get("/api/openapi.json").json()
    assert {"/api/catalog/items", "/api/catalog/items/{code}", "/api/catalog/import"} <= set(
        schema["paths"]
    )
    docs = client.get("/api/docs").content.decode()
    assert "/static/ninja/" in docs and "cdn" not in docs.lower()


def _payload(**overrides):
    data = {
        "unit": UnitFactory().credit_code,
        "name": "接口新增事项",
        "basic_code": "000122555000",
        "item_type": "01",
        "legal_limit": 20,
        "promised_limit": 10,
        "case_kind": "promised",
        "legal_basis": "《某条例》",
        "conditions": "材料齐全",
        "materials": [{"name": "申请表"}],
        "life_events": ["准营经营"],
    }
    data.update(overrides)
    return data


def test_writes_need_a_login(client):
    response = client.post(
        "/api/catalog/items", json.dumps(_payload()), content_type="application/json"
    )
    assert response.status_code == 401


def test_reform_office_creates_patches_and_publishes(reform):
    client = reform
    response = client.post(
        "/api/catalog/items", json.dumps(_payload()), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    code = response.json()["implementation_code"]
    response = client.patch(
        f"/api/catalog/items/{code}",
        json.dumps({"promised_limit": 6}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["version"] == 2
    assert client.post(f"/api/catalog/items/{code}/publish").json()["status"] == "published"


def test_api_errors_are_chinese_and_specific(reform):
    client = reform
    response = client.post(
        "/api/catalog/items",
        json.dumps(_payload(promised_limit=30)),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "不能超过法定办结时限" in response.json()["errors"]["promised_limit"][0]
    item = ItemFactory()
    response = client.post(
        f"/api/catalog/items/{item.implementation_code}/withdraw",
        json.dumps(
            {"doc_no": " ", "approved_on": "2026-11-16", "approver": "县政府", "reason": "x"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 400 and "批准文号" in response.json()["detail"]
    assert not HallApproval.objects.exists()


def test_clerk_cannot_write_and_unknown_patch_fields_are_refused(client):
    desk = DeskFactory(with_letter=False)
    item = desk.item
    clerk = client
    clerk.force_login(desk.clerk)
    response = clerk.patch(
        f"/api/catalog/items/{item.implementation_code}",
        json.dumps({"promised_limit": 1}),
        content_type="application/json",
    )
    assert response.status_code == 403
    reform = client
    reform.force_login(UserFactory(roles=[RoleCode.REFORM_OFFICE]))
    response = reform.patch(
        f"/api/catalog/items/{item.implementation_code}",
        json.dumps({"status": "withdrawn"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"status": ["不是可以提交的字段"]}
    assert "status" in response.json()["detail"]


def test_import_endpoint_is_all_or_nothing(reform):
    from onewindow.catalog import transfer

    unit = UnitFactory()
    ItemFactory(unit=unit)
    ItemFactory(unit=unit)
    payload = json.loads(transfer.export_json(Item.objects.filter(unit=unit)))
    payload["items"][1]["promised_limit"] = 99
    response = reform.post(
        "/api/catalog/import", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 400
    assert any("第2条" in e or "第2行" in e for e in response.json()["errors"])
