"""Issue 19 item 2: catalogue import errors a person can act on — one message per cell, grouped
by kind with counts on a small page, and the full list as an error workbook with the offending
cells marked, kept for the person who uploaded. Still all or nothing."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from onewindow.catalog import transfer
from onewindow.catalog.models import Item, ItemVersion
from onewindow.catalog.transfer import ImportRefused
from onewindow.documents.tests.xlsxcheck import FORMULAS, assert_text_not_formulas
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import ItemFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _template_with(item: Item):
    """The export of one item, as a workbook to edit, and its item header's column numbers."""
    wb = load_workbook(io.BytesIO(transfer.export_xlsx(Item.objects.filter(pk=item.pk))))
    col = {c.value: n + 1 for n, c in enumerate(wb["事项"][1])}
    return wb, col


def _refused(user, data: bytes) -> ImportRefused:
    items, materials, errors = transfer.read_xlsx(data)
    with pytest.raises(ImportRefused) as exc:
        transfer.import_catalogue(
            acting_user=user, item_rows=items, material_rows=materials, errors=errors
        )
    return exc.value


def _new_row(ws, col, source_row: int, n: int, unit) -> list:
    """A copy of `source_row` as a new draft item of `unit` with its own basic code."""
    row = [c.value for c in ws[source_row]]
    row[col["基本编码"] - 1] = f"0001{n:05d}000"
    row[col["实施编码"] - 1] = ""
    row[col["事项名称"] - 1] = f"批量事项{n}"
    row[col["实施主体统一社会信用代码"] - 1] = unit.credit_code
    row[col["实施主体"] - 1] = unit.name
    row[col["上级事项实施编码"] - 1] = ""
    row[col["状态"] - 1] = "草稿"
    return row


def test_a_bad_basic_code_is_reported_once_and_no_implementation_code_is_built_from_it():
    reform = UserFactory(roles=[RoleCode.REFORM_OFFICE])
    item = ItemFactory()
    wb, col = _template_with(item)
    ws = wb["事项"]
    row = _new_row(ws, col, 2, 1, item.unit)
    row[col["基本编码"] - 1] = "43010ABC000001"  # 14 characters: too long and not digits
    ws.append(row)
    before = Item.objects.count()

    refused = _refused(reform, _save(wb))

    on_row = [p for p in refused.problems if p.row == 3]
    assert [(p.column, p.message) for p in on_row] == [
        ("基本编码", "基本编码应为12位，现为14位：“43010ABC000001”。")
    ]  # not also Django's "at most 12 characters", nor a 33-character implementation code
    assert on_row[0].label == "基本编码格式不符" and not on_row[0].stock
    assert Item.objects.count() == before


def test_a_stock_length_message_stands_when_the_product_has_none():
    reform = UserFactory(roles=[RoleCode.REFORM_OFFICE])
    item = ItemFactory()
    wb, col = _template_with(item)
    wb["事项"].cell(row=2, column=col["事项名称"], value="长" * 201)
    (problem,) = _refused(reform, _save(wb)).problems  # not also the derived search keys'
    assert problem.column == "事项名称" and problem.stock and problem.label == "事项名称过长"
    assert "200" in problem.message


def _bad_workbook(item: Item) -> bytes:
    """1,000 new rows: 600 with an implementation code of the wrong level, 400 promising more
    days than the law allows, and the first 10 with both."""
    wb, col = _template_with(item)
    ws = wb["事项"]
    unit = item.unit
    for n in range(1000):
        row = _new_row(ws, col, 2, n, unit)
        basic = row[col["基本编码"] - 1]
        if n < 600:
            row[col["实施编码"] - 1] = f"{unit.credit_code}3{basic}"  # level 4 in its column
        if n >= 600 or n < 10:
            row[col["法定办结时限（工作日）"] - 1] = 20
            row[col["承诺办结时限（工作日）"] - 1] = 30
        ws.append(row)
        if n == 5:  # user text that looks like a formula, stored as text
            ws.cell(row=ws.max_row, column=col["事项名称"], value=FORMULAS[0]).data_type = "s"
    return _save(wb)


def test_a_thousand_bad_rows_are_refused_grouped_with_a_small_page_and_an_error_workbook(client):
    reform = UserFactory(roles=[RoleCode.REFORM_OFFICE])
    item = ItemFactory(name="正常事项")
    data = _bad_workbook(item)
    items, versions = Item.objects.count(), ItemVersion.objects.count()
    client.force_login(reform)

    page = client.post("/catalog/import/", {"file": SimpleUploadedFile("大表.xlsx", data)})

    assert page.status_code == 400
    body = page.content.decode()
    assert "未导入：1,010个错误，涉及1,000行" in body
    # Each kind's row: its name, then its count in the next cell (whatever the cell's attributes).
    assert re.search(r"实施编码格式不符</th><td[^>]*>600行</td>", body)
    assert re.search(r"承诺时限超过法定时限</th><td[^>]*>410行</td>", body)
    assert "事项第3行“实施编码”列：实施编码第19位“3”与行使层级（4）不一致。" in body
    assert "另有595处，见错误清单" in body and "事项第8行“实施编码”列" not in body
    assert len(page.content) < 20 * 1024, len(page.content)  # was 353 KB for 1,135 rows
    assert Item.objects.count() == items and ItemVersion.objects.count() == versions

    link = page.context["download"]
    assert link.startswith("/import-errors/")
    got = client.get(link)
    assert got.status_code == 200
    assert got["Content-Disposition"].startswith("attachment")
    wb = load_workbook(io.BytesIO(got.content))
    assert wb.sheetnames == ["错误汇总", "错误清单", "事项", "申请材料"]
    summary = list(wb["错误汇总"].iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[1], r[2]) for r in summary] == [
        ("实施编码格式不符", 600, 600),
        ("承诺时限超过法定时限", 410, 410),
    ]
    assert wb["错误清单"].max_row == 1 + 1010
    ws = wb["事项"]
    header = [c.value for c in ws[1]]
    code, promised = header.index("实施编码") + 1, header.index("承诺办结时限（工作日）") + 1
    assert header[-1] == "错误说明"
    good = ws.cell(row=2, column=code)
    assert good.value == item.implementation_code and good.fill.fill_type is None
    marked = ws.cell(row=3, column=code)  # the first bad row: both of its problems marked
    assert marked.fill.fgColor.rgb.endswith("FFC7CE")
    assert marked.comment.text == "实施编码第19位“3”与行使层级（4）不一致。"
    assert ws.cell(row=3, column=promised).comment.text.startswith("承诺办结时限（30个工作日）")
    assert ws.cell(row=3, column=len(header)).value.count("列：") == 2
    later = ws.cell(row=700, column=code)  # a row that only promises too much
    assert later.fill.fill_type is None and ws.cell(row=700, column=promised).comment
    assert_text_not_formulas(got.content, [FORMULAS[0]])

    other = UserFactory(roles=[RoleCode.REFORM_OFFICE])
    client.force_login(other)
    refused = client.get(link)
    assert refused.status_code == 404
    assert "错误清单不存在或已过期" in refused.content.decode()
    assert "只有上传文件的人可以下载" in refused.content.decode()
    client.logout()
    assert client.get(link).status_code == 302  # to the login page


def test_formula_cells_and_formula_like_text_are_copied_as_text():
    reform = UserFactory(roles=[RoleCode.REFORM_OFFICE])
    item = ItemFactory()
    wb, col = _template_with(item)
    ws = wb["事项"]
    ws.cell(row=2, column=col["法定办结时限（工作日）"], value="=10+10")  # a real formula
    ws.cell(row=2, column=col["关键词"], value=FORMULAS[1])  # text, as Excel would keep it
    ws.cell(row=2, column=col["关键词"]).data_type = "s"
    data = _save(wb)
    items, materials, _ = transfer.read_xlsx(data)
    refused = _refused(reform, data)
    assert [p.label for p in refused.problems] == ["单元格含有公式"]

    copies = transfer.sheet_copies(items, materials)
    out = load_workbook(io.BytesIO(transfer_error_workbook(refused, copies)))
    sheet = out["事项"]
    formula = sheet.cell(row=2, column=col["法定办结时限（工作日）"])
    assert formula.value == "=10+10" and formula.data_type == "s"
    assert formula.comment.text == "单元格含有公式，请改为直接填写数值或文字。"
    assert_text_not_formulas(transfer_error_workbook(refused, copies), ["=10+10", FORMULAS[1]])


def transfer_error_workbook(refused, copies) -> bytes:
    from onewindow.common.import_report import error_workbook

    return error_workbook(refused.problems, copies)


def test_the_corrected_error_workbook_imports(client):
    """The person fixes the marked cell in the downloaded workbook and uploads it again: the
    added 错误说明 column and the summary sheets are ignored."""
    reform = UserFactory(roles=[RoleCode.REFORM_OFFICE])
    unit = UnitFactory()
    item = ItemFactory(unit=unit, legal_limit=20, promised_limit=5)
    wb, col = _template_with(item)
    wb["事项"].cell(row=2, column=col["承诺办结时限（工作日）"], value=30)
    client.force_login(reform)
    page = client.post("/catalog/import/", {"file": SimpleUploadedFile("a.xlsx", _save(wb))})
    assert page.status_code == 400 and "承诺时限超过法定时限" in page.content.decode()

    fixed = load_workbook(io.BytesIO(client.get(page.context["download"]).content))
    fixed["事项"].cell(row=2, column=col["承诺办结时限（工作日）"], value=8)
    again = client.post("/catalog/import/", {"file": SimpleUploadedFile("b.xlsx", _save(fixed))})
    assert again.status_code == 200, again.content.decode()[-2000:]
    assert "更新1个事项" in again.content.decode() or "更新1个" in again.content.decode()
    assert Item.objects.get(pk=item.pk).promised_limit == 8


def test_a_file_refused_before_any_row_offers_no_workbook(client):
    client.force_login(UserFactory(roles=[RoleCode.REFORM_OFFICE]))
    page = client.post("/catalog/import/", {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert page.status_code == 400
    assert "不是有效的XLSX文件" in page.content.decode()
    assert page.context["download"] == "" and "下载错误清单" not in page.content.decode()


def test_a_refused_json_upload_gets_a_workbook_with_record_n_on_row_n_plus_1(client):
    import json

    unit = UnitFactory()
    first, second = ItemFactory(unit=unit), ItemFactory(unit=unit)
    payload = json.loads(transfer.export_json(Item.objects.filter(pk__in=[first.pk, second.pk])))
    payload["items"][1]["promised_limit"] = 99
    client.force_login(UserFactory(roles=[RoleCode.REFORM_OFFICE]))
    body = json.dumps(payload).encode()
    page = client.post("/catalog/import/", {"file": SimpleUploadedFile("c.json", body)})
    assert page.status_code == 400
    ws = load_workbook(io.BytesIO(client.get(page.context["download"]).content))["事项"]
    header = [c.value for c in ws[1]]
    promised = ws.cell(row=3, column=header.index("承诺办结时限（工作日）") + 1)
    assert promised.value == 99 and promised.comment.text.startswith("承诺办结时限（99个工作日）")
    assert ws.cell(row=2, column=len(header)).value is None

    api = client.post("/api/catalog/import", body, content_type="application/json")
    assert api.status_code == 400
    assert api.json()["detail"] == "未导入：1个错误，涉及1行（承诺时限超过法定时限：1行）"
    assert api.json()["errors"] == [
        "事项第2行“承诺办结时限（工作日）”列：承诺办结时限（99个工作日）不能超过法定办结时限"
        f"（{second.legal_limit}个工作日）。"
    ]
