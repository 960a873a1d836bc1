import io
import json

import pytest
from openpyxl import load_workbook

from onewindow.catalog import elements, transfer
from onewindow.catalog.models import Item, ItemVersion, Material
from onewindow.catalog.transfer import ImportRefused
from onewindow.testing.factories import ItemFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _import_xlsx(user, data: bytes):
    items, materials, errors = transfer.read_xlsx(data)
    return transfer.import_catalogue(
        acting_user=user, item_rows=items, material_rows=materials, errors=errors
    )


def _catalogue() -> dict[str, dict]:
    qs = transfer.export_queryset(Item.objects.all())
    return {i.implementation_code: elements.snapshot(i) for i in qs}


def _workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_template_has_the_element_headers_and_no_rows():
    wb = _workbook(transfer.export_xlsx(None))
    assert wb.sheetnames == ["事项", "申请材料", "填写说明"]
    header = [c.value for c in wb["事项"][1]]
    assert header == [c.header for c in elements.ITEM_COLUMNS]
    assert wb["事项"].max_row == 1


def test_xlsx_round_trip_changes_nothing(reform):
    before = _catalogue()
    versions = ItemVersion.objects.count()
    result = _import_xlsx(reform, transfer.export_xlsx(Item.objects.all()))
    assert result.created == 0 and result.updated == 0 and result.unchanged == len(before)
    assert _catalogue() == before
    assert ItemVersion.objects.count() == versions


def test_json_round_trip_into_an_empty_catalogue_rebuilds_it(reform):
    from onewindow.catalog.models import CombinedMember, HallApproval

    before = _catalogue()
    payload = transfer.export_json(Item.objects.all())
    from onewindow.mandates.models import Letter

    Letter.objects.all().delete()  # its item powers protect the items
    CombinedMember.objects.all().delete()
    HallApproval.objects.all().delete()
    Item.objects.filter(parent__parent__isnull=False).delete()
    Item.objects.filter(parent__isnull=False).delete()
    Item.objects.all().delete()
    items, materials, errors = transfer.read_json(payload)
    result = transfer.import_catalogue(
        acting_user=reform, item_rows=items, material_rows=materials, errors=errors
    )
    assert result.created == len(before)
    assert _catalogue() == before


def test_an_edited_row_updates_the_item_and_records_a_version(reform):
    item = ItemFactory(promised_limit=10)
    wb = _workbook(transfer.export_xlsx(Item.objects.filter(pk=item.pk)))
    ws = wb["事项"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("承诺办结时限（工作日）") + 1, value=8)
    result = _import_xlsx(reform, _save(wb))
    assert result.updated == 1
    item = Item.objects.get(pk=item.pk)
    assert item.promised_limit == 8
    assert item.versions.first().changes["promised_limit"] == [10, 8]
    assert item.versions.first().action == "导入修改"


def _refused(user, data: bytes) -> list[str]:
    with pytest.raises(ImportRefused) as exc:
        _import_xlsx(user, data)
    return [str(e) for e in exc.value.errors]


def test_every_bad_row_is_listed_and_nothing_is_imported(reform):
    unit = UnitFactory()
    for _ in range(4):
        ItemFactory(unit=unit)
    wb = _workbook(transfer.export_xlsx(Item.objects.filter(unit=unit)))
    ws = wb["事项"]
    header = [c.value for c in ws[1]]
    col = {h: n + 1 for n, h in enumerate(header)}
    ws.cell(row=2, column=col["承诺办结时限（工作日）"], value=99)
    ws.cell(row=3, column=col["基本编码"], value="00010")
    ws.cell(row=4, column=col["事项名称"], value="新名称不应落库")
    ws.cell(row=5, column=col["办件类型"], value="快办件")
    materials = wb["申请材料"]
    mheader = [c.value for c in materials[1]]
    materials.cell(row=2, column=mheader.index("可容缺后补") + 1, value="是")
    before = _catalogue()
    errors = _refused(reform, _save(wb))
    joined = "\n".join(errors)
    assert "事项第2行“承诺办结时限（工作日）”列：承诺办结时限（99个工作日）不能超过法定" in joined
    assert "事项第3行“基本编码”列：基本编码应为12位，现为5位" in joined
    assert "事项第5行“办件类型”列：“快办件”无效" in joined
    assert "申请材料第2行“可容缺后补”列" in joined and "主要材料" in joined
    assert _catalogue() == before  # row 4 was fine, yet it was not imported either


def test_wrong_header_is_refused_by_name(reform):
    wb = _workbook(transfer.export_xlsx(None))
    header = [c.value for c in wb["事项"][1]]
    wb["事项"].cell(row=1, column=header.index("事项名称") + 1, value="事项名")
    errors = _refused(reform, _save(wb))
    assert "缺少列：事项名称" in errors[0] and "无法识别的列：事项名" in errors[0]


def test_a_workbook_of_the_template_before_local_codes_is_told_what_to_add(reform, published):
    wb = _workbook(transfer.export_xlsx(Item.objects.filter(pk=published.pk)))
    ws = wb["事项"]
    for head in ("事项版本号", "地方实施编码", "地方基本编码"):
        ws.delete_cols([c.value for c in ws[1]].index(head) + 1)
    errors = _refused(reform, _save(wb))
    assert len(errors) == 1 and "旧版导入模板" in errors[0]
    assert "地方基本编码、地方实施编码、事项版本号" in errors[0] and "下载新模板" in errors[0]


def test_formula_cells_are_refused(reform, published):
    wb = _workbook(transfer.export_xlsx(Item.objects.filter(pk=published.pk)))
    ws = wb["事项"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("法定办结时限（工作日）") + 1, value="=10+10")
    errors = _refused(reform, _save(wb))
    assert errors == [
        "事项第2行“法定办结时限（工作日）”列：单元格含有公式，请改为直接填写数值或文字。"
    ]


def test_a_file_over_the_limit_is_refused_before_parsing(reform, settings):
    settings.CATALOG_IMPORT_MAX_BYTES = 1024 * 1024
    errors = _refused(reform, b"PK" + b"\0" * (50 * 1024 * 1024))
    assert "文件大小为50.0MB，超过导入上限1MB" in errors[0]


def test_not_an_xlsx_file(reform):
    errors = _refused(reform, "事项名称,基本编码\n".encode())
    assert "不是有效的XLSX文件" in errors[0]


def test_a_material_row_for_an_item_not_in_the_file(reform, published):
    wb = _workbook(transfer.export_xlsx(Item.objects.filter(pk=published.pk)))
    sheet = wb["申请材料"]
    row = [c.value for c in sheet[2]]
    row[0], row[2] = "9143092200000000XX4000122999000", "多余材料"
    sheet.append(row)
    errors = _refused(reform, _save(wb))
    assert any("不在事项表中" in e for e in errors)


def test_unknown_unit_and_duplicate_rows(reform, published):
    wb = _workbook(transfer.export_xlsx(Item.objects.filter(pk=published.pk)))
    ws = wb["事项"]
    row = [c.value for c in ws[2]]
    ws.append(row)
    header = [c.value for c in ws[1]]
    bad = list(row)
    bad[header.index("实施编码")] = ""
    bad[header.index("实施主体统一社会信用代码")] = "91430922MA4L00000X"
    bad[header.index("实施主体")] = ""
    ws.append(bad)
    errors = "\n".join(_refused(reform, _save(wb)))
    assert "事项第3行“实施编码”列：与第2行的实施编码重复" in errors
    assert "事项第4行“实施主体统一社会信用代码”列：找不到" in errors


def test_withdrawal_through_import_is_refused(reform, published):
    payload = json.loads(transfer.export_json(Item.objects.filter(pk=published.pk)))
    payload["items"][0]["status"] = "withdrawn"
    items, materials, errors = transfer.read_json(json.dumps(payload).encode())
    with pytest.raises(ImportRefused) as exc:
        transfer.import_catalogue(
            acting_user=reform, item_rows=items, material_rows=materials, errors=errors
        )
    assert "不能通过导入撤销" in str(exc.value)


def test_import_keeps_the_sample_files_of_unchanged_materials(reform, published):
    from django.core.files.base import ContentFile

    material = published.materials.first()
    material.sample.save("样表.pdf", ContentFile(b"%PDF-1.4 demo"), save=True)
    payload = transfer.export_json(Item.objects.filter(pk=published.pk))
    items, materials, errors = transfer.read_json(payload)
    transfer.import_catalogue(
        acting_user=reform, item_rows=items, material_rows=materials, errors=errors
    )
    assert Material.objects.get(item=published, name=material.name).sample.name.endswith(".pdf")


def test_only_the_reform_office_imports():
    from django.core.exceptions import PermissionDenied

    from onewindow.org.roles import RoleCode
    from onewindow.testing.factories import staff_user

    with pytest.raises(PermissionDenied):
        transfer.import_catalogue(
            acting_user=staff_user(RoleCode.WINDOW_SUPERVISOR), item_rows=[], material_rows=[]
        )
