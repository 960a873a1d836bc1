import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from onewindow.catalog import transfer
from onewindow.catalog.models import HallApproval, Item
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import DeskFactory, ItemFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reform(client):
    """The test client signed in as the reform office."""
    client.force_login(UserFactory(roles=[RoleCode.REFORM_OFFICE]))
    return client


def _form_data(item=None, unit=None, **overrides):
    data = {
        "name": "网页新增的许可",
        "unit": (unit or UnitFactory()).pk,
        "item_type": "01",
        "basic_code": "000122777000",
        "level": "4",
        "relation": "independent",
        "legal_limit": "20",
        "promised_limit": "5",
        "case_kind": "promised",
        "handling_forms": ["1", "2"],
        "online_depth": "4",
        "visits": "1",
        "fee_free": "on",
        "legal_basis": "《测试条例》",
        "conditions": "材料齐全",
        "service_objects": ["自然人", "企业法人"],
        "special_procedures": "现场勘查:5",
        "materials-TOTAL_FORMS": "1",
        "materials-INITIAL_FORMS": "0",
        "materials-MIN_NUM_FORMS": "0",
        "materials-MAX_NUM_FORMS": "60",
        "materials-0-order": "1",
        "materials-0-name": "申请表",
        "materials-0-originals": "1",
        "materials-0-copies": "0",
        "materials-0-required": "on",
        "materials-0-form": "paper",
        "materials-0-source": "applicant",
        "materials-0-is_main": "on",
    }
    data.update(overrides)
    return data


def test_reform_office_creates_an_item_with_materials_from_the_form(reform):
    response = reform.post("/catalog/items/new/", _form_data())
    assert response.status_code == 302
    item = Item.objects.get(name="网页新增的许可")
    assert item.handling_forms == "1,2" and item.service_objects == "自然人、企业法人"
    assert item.special_procedures == [{"kind": "site_inspection", "days": 5}]
    assert [m.name for m in item.materials.all()] == ["申请表"]


def test_form_errors_are_shown_on_the_field_and_nothing_is_saved(reform):
    data = _form_data(
        promised_limit="30",
        **{"materials-0-is_main": "on", "materials-0-rongque": "on"},
    )
    response = reform.post("/catalog/items/new/", data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "承诺办结时限（30个工作日）不能超过法定办结时限（20个工作日）" in body
    assert not Item.objects.filter(name="网页新增的许可").exists()


def test_bad_special_procedure_text_is_explained(reform):
    response = reform.post("/catalog/items/new/", _form_data(special_procedures="喝茶:3"))
    assert response.status_code == 400
    assert "“喝茶”不是特别程序" in response.content.decode()


def test_item_page_shows_elements_materials_and_history(reform):
    item = ItemFactory(special_procedures=[{"kind": "site_inspection", "days": 5}])
    assert item.materials.filter(rongque=True).exists()
    body = reform.get(f"/catalog/items/{item.pk}/").content.decode()
    for text in (
        item.implementation_code,
        "申请材料",
        "版本历史",
        "发布",
        "可容缺后补",
        "现场勘查",
    ):
        assert text in body


def test_clerk_reads_own_unit_items_but_gets_404_for_another_units(client):
    desk, other = DeskFactory(with_letter=False), ItemFactory()
    client.force_login(desk.clerk)
    assert client.get(f"/catalog/items/{other.pk}/").status_code == 404
    body = client.get("/catalog/").content.decode()
    assert desk.item.name in body and other.name not in body


def test_withdraw_page_requires_the_approval_fields(reform):
    item = ItemFactory()
    client = reform
    response = client.post(f"/catalog/items/{item.pk}/withdraw/", {"doc_no": ""})
    assert response.status_code == 400
    assert Item.objects.get(pk=item.pk).status == Item.Status.PUBLISHED
    response = client.post(
        f"/catalog/items/{item.pk}/withdraw/",
        {
            "doc_no": "桃政函〔2026〕40号",
            "approved_on": "2026-11-16",
            "approver": "县人民政府",
            "reason": "事项取消",
        },
    )
    assert response.status_code == 302
    assert Item.objects.get(pk=item.pk).status == Item.Status.WITHDRAWN


def test_hall_page_refuses_leaving_without_approval(reform):
    item = ItemFactory()
    data = {"online_hall": "on", "hall_status": "not_yet", "supervised": "on"}
    response = reform.post(f"/catalog/items/{item.pk}/hall/", data)
    assert response.status_code == 400
    assert "须经批准" in response.content.decode()
    assert Item.objects.get(pk=item.pk).hall_status == Item.HallStatus.ENTERED
    assert not HallApproval.objects.filter(item=item).exists()


def test_check_page_and_xlsx_list_the_same_findings(reform):
    online_only = ItemFactory(hall_status=Item.HallStatus.NOT_YET)  # online, not in the hall
    bare = ItemFactory(status=Item.Status.DRAFT, conditions="")  # no acceptance conditions
    client = reform
    body = client.get("/catalog/check/").content.decode()
    assert online_only.name in body and bare.name in body
    response = client.get("/catalog/check/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    names = {row[2] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert {online_only.name, bare.name} <= names


def test_import_page_lists_errors_by_row_and_column(reform):
    wb = load_workbook(io.BytesIO(transfer.export_xlsx(Item.objects.filter(pk=ItemFactory().pk))))
    ws = wb["事项"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("承诺办结时限（工作日）") + 1, value=50)
    out = io.BytesIO()
    wb.save(out)
    upload = SimpleUploadedFile("catalogue.xlsx", out.getvalue())
    response = reform.post("/catalog/import/", {"file": upload})
    body = response.content.decode()
    assert response.status_code == 400
    assert "未导入" in body and "事项第2行“承诺办结时限（工作日）”列" in body


def test_import_page_imports_a_json_export(reform):
    unit = UnitFactory()
    ItemFactory(unit=unit)
    ItemFactory(unit=unit, instant=True)
    payload = transfer.export_json(Item.objects.filter(unit=unit))
    upload = SimpleUploadedFile("catalogue.json", payload, content_type="application/json")
    response = reform.post("/catalog/import/", {"file": upload})
    assert response.status_code == 200
    assert "导入完成" in response.content.decode()


def test_export_is_scoped_to_the_users_unit(client):
    desk = DeskFactory(with_letter=False)
    client.force_login(desk.clerk)
    response = client.get("/catalog/export.json")
    import json

    units = {row["unit_name"] for row in json.loads(response.content)["items"]}
    assert units == {desk.unit.name}
    assert client.get("/catalog/export.csv").status_code == 404


def test_combined_service_form_creates_a_draft(reform):
    items = [ItemFactory(), ItemFactory()]
    response = reform.post(
        "/catalog/combined/new/",
        {
            "name": "开办药店",
            "lead_unit": items[0].unit.pk,
            "promised_limit": "50",
            "member_items": [i.pk for i in items],
        },
    )
    assert response.status_code == 400
    assert "45个工作日" in response.content.decode()
