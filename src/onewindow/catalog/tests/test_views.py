import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from onewindow.catalog import transfer
from onewindow.catalog.models import HallApproval, Item
from onewindow.org.models import Unit

pytestmark = pytest.mark.django_db


def _form_data(item=None, **overrides):
    data = {
        "name": "网页新增的许可",
        "unit": Unit.objects.get(short_name="县市监局").pk,
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


def test_reform_office_creates_an_item_with_materials_from_the_form(login):
    response = login("reform").post("/catalog/items/new/", _form_data())
    assert response.status_code == 302
    item = Item.objects.get(name="网页新增的许可")
    assert item.handling_forms == "1,2" and item.service_objects == "自然人、企业法人"
    assert item.special_procedures == [{"kind": "site_inspection", "days": 5}]
    assert [m.name for m in item.materials.all()] == ["申请表"]


def test_form_errors_are_shown_on_the_field_and_nothing_is_saved(login):
    data = _form_data(
        promised_limit="30",
        **{"materials-0-is_main": "on", "materials-0-rongque": "on"},
    )
    response = login("reform").post("/catalog/items/new/", data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "承诺办结时限（30个工作日）不能超过法定办结时限（20个工作日）" in body
    assert not Item.objects.filter(name="网页新增的许可").exists()


def test_bad_special_procedure_text_is_explained(login):
    response = login("reform").post("/catalog/items/new/", _form_data(special_procedures="喝茶:3"))
    assert response.status_code == 400
    assert "“喝茶”不是特别程序" in response.content.decode()


def test_item_page_shows_elements_materials_and_history(login):
    item = Item.objects.get(name="食品经营许可（新办）")
    body = login("reform").get(f"/catalog/items/{item.pk}/").content.decode()
    for text in (
        item.implementation_code,
        "申请材料",
        "版本历史",
        "发布",
        "可容缺后补",
        "现场勘查",
    ):
        assert text in body


def test_clerk_reads_own_unit_items_but_gets_404_for_another_units(login):
    other = Item.objects.filter(unit__short_name="县住建局").first()
    assert login("clerk").get(f"/catalog/items/{other.pk}/").status_code == 404
    body = login("clerk").get("/catalog/").content.decode()
    assert "食品经营许可" in body and "建筑工程施工许可" not in body


def test_withdraw_page_requires_the_approval_fields(login):
    item = Item.objects.get(name="食品生产许可")
    client = login("reform")
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


def test_hall_page_refuses_leaving_without_approval(login):
    item = Item.objects.get(name="食品生产许可")
    data = {"online_hall": "on", "hall_status": "not_yet", "supervised": "on"}
    response = login("reform").post(f"/catalog/items/{item.pk}/hall/", data)
    assert response.status_code == 400
    assert "须经批准" in response.content.decode()
    assert Item.objects.get(pk=item.pk).hall_status == Item.HallStatus.ENTERED
    assert not HallApproval.objects.filter(item=item).exists()


def test_check_page_and_xlsx_list_the_same_findings(login):
    client = login("reform")
    body = client.get("/catalog/check/").content.decode()
    assert "采矿权新立登记" in body and "人力资源服务许可" in body
    response = client.get("/catalog/check/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    names = {row[2] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert {"采矿权新立登记", "人力资源服务许可"} <= names


def test_import_page_lists_errors_by_row_and_column(login):
    wb = load_workbook(io.BytesIO(transfer.export_xlsx(Item.objects.filter(name="食品生产许可"))))
    ws = wb["事项"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("承诺办结时限（工作日）") + 1, value=50)
    out = io.BytesIO()
    wb.save(out)
    upload = SimpleUploadedFile("catalogue.xlsx", out.getvalue())
    response = login("reform").post("/catalog/import/", {"file": upload})
    body = response.content.decode()
    assert response.status_code == 400
    assert "未导入" in body and "事项第2行“承诺办结时限（工作日）”列" in body


def test_import_page_imports_a_json_export(login):
    payload = transfer.export_json(Item.objects.filter(unit__short_name="县林业局"))
    upload = SimpleUploadedFile("catalogue.json", payload, content_type="application/json")
    response = login("reform").post("/catalog/import/", {"file": upload})
    assert response.status_code == 200
    assert "导入完成" in response.content.decode()


def test_export_is_scoped_to_the_users_unit(login):
    response = login("clerk").get("/catalog/export.json")
    import json

    units = {row["unit_name"] for row in json.loads(response.content)["items"]}
    assert units == {"桃江县市场监督管理局"}
    assert login("clerk").get("/catalog/export.csv").status_code == 404


def test_combined_service_form_creates_a_draft(login):
    items = Item.objects.filter(name__in=["药品零售企业经营许可", "设置大型户外广告审批"])
    response = login("reform").post(
        "/catalog/combined/new/",
        {
            "name": "开办药店",
            "lead_unit": Unit.objects.get(short_name="县市监局").pk,
            "promised_limit": "50",
            "member_items": [i.pk for i in items],
        },
    )
    assert response.status_code == 400
    assert "45个工作日" in response.content.decode()
