"""Issue 19 item 2: the shared import-error machinery — one message per cell, groups by kind
with counts, the error workbook (cells marked, user text kept as text) and keeping it for the
person who uploaded only."""

import datetime
import io

import time_machine
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from onewindow.common import import_report as ir
from onewindow.common.import_report import ImportRefused, Problem, SheetCopy
from onewindow.documents.tests.xlsxcheck import FORMULAS, assert_text_not_formulas

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)


def test_a_cell_with_a_product_and_a_stock_message_reports_the_product_words_only():
    stock = ValidationError(
        {"basic_code": [ValidationError("确保该值不超过12个字符。", "max_length")]}
    )
    product = ValidationError({"basic_code": "基本编码应为12位，现为14位。"})
    headers = {"basic_code": "基本编码"}
    found = [
        *ir.from_validation_error(stock, sheet="事项", row=3, headers=headers),
        *ir.from_validation_error(
            product, sheet="事项", row=3, headers=headers, kinds={"basic_code": "基本编码格式不符"}
        ),
    ]
    assert [p.stock for p in found] == [True, False]
    refused = ImportRefused(found)
    assert [str(p) for p in refused.problems] == [
        "事项第3行“基本编码”列：基本编码应为12位，现为14位。"
    ]
    assert refused.problems[0].label == "基本编码格式不符"
    assert refused.errors is refused.problems  # the older name still works


def test_a_stock_message_alone_is_kept_with_a_kind_from_its_code():
    exc = ValidationError({"name": [ValidationError("确保该值不超过200个字符。", "max_length")]})
    (p,) = ImportRefused(
        ir.from_validation_error(exc, sheet="事项", row=2, headers={"name": "事项名称"})
    ).problems
    assert p.label == "事项名称过长" and p.stock


def test_row_problems_are_kept_and_unnamed_kinds_fall_back_to_the_column():
    problems = ImportRefused(
        [
            Problem("事项", 4, "", "整行有两处问题之一"),
            Problem("事项", 4, "", "整行有两处问题之二"),
            Problem("事项", 4, "", "整行有两处问题之二"),
            Problem("事项", 5, "收费标准", "收费事项必须填写收费标准。"),
        ]
    ).problems
    assert len(problems) == 3
    assert {p.label for p in problems} == {"事项有误", "收费标准有误"}


def test_groups_count_rows_and_show_the_first_five():
    problems = [
        Problem("事项", n, "实施编码", f"第{n}个", "实施编码格式不符") for n in range(2, 1075)
    ]
    problems += [
        Problem("事项", n, "承诺办结时限", "超过法定时限", "承诺时限超过法定时限") for n in (2, 3)
    ]
    problems += [Problem("事项", 0, "", "缺少列：状态", "表头与模板不一致")]
    report = ir.summarise(ImportRefused(problems).problems)
    assert [g.heading for g in report.groups] == [
        "实施编码格式不符：1,073行",
        "承诺时限超过法定时限：2行",
        "表头与模板不一致：1处",
    ]
    first = report.groups[0]
    assert [p.row for p in first.first] == [2, 3, 4, 5, 6] and first.more == 1068
    assert report.total == 1076 and report.rows == 1073
    assert report.heading == "1,076个错误，涉及1,073行"


def _sheet():
    return SheetCopy(
        "事项",
        ["实施编码", "基本编码", "事项名称"],
        [(2, ["A1", "000122999000", "好事项"]), (4, ["", "4301ABC", '=HYPERLINK("x")'])],
    )


def test_the_error_workbook_marks_the_cells_and_keeps_formula_like_text_as_text():
    problems = [
        Problem("事项", 4, "基本编码", "基本编码应为12位，现为7位。", "基本编码格式不符"),
        Problem("事项", 4, "", "与第2行重复"),
        Problem("事项", 0, "", "表头不对", "表头与模板不一致"),
    ]
    wb = load_workbook(io.BytesIO(ir.error_workbook(problems, [_sheet()])))
    assert wb.sheetnames == ["错误汇总", "错误清单", "事项"]
    ws = wb["事项"]
    assert [c.value for c in ws[1]] == ["实施编码", "基本编码", "事项名称", "错误说明"]
    assert ws["A2"].value == "A1" and ws["D2"].value is None  # a good row is copied, unmarked
    assert ws["A3"].value is None  # the upload's blank row 3 keeps its place
    bad = ws["B4"]
    assert bad.value == "4301ABC" and bad.fill.fgColor.rgb.endswith("FFC7CE")
    assert bad.comment.text == "基本编码应为12位，现为7位。"
    assert ws["A4"].comment is None and ws["A4"].fill.fill_type is None
    assert ws["D4"].value == "与第2行重复；“基本编码”列：基本编码应为12位，现为7位。"
    formula = ws["C4"]
    assert formula.value == '=HYPERLINK("x")' and formula.data_type == "s"
    listed = [r for r in wb["错误清单"].iter_rows(min_row=2, values_only=True)]
    assert ("事项", 4, "基本编码", "基本编码格式不符", "基本编码应为12位，现为7位。") in listed
    summary = [r for r in wb["错误汇总"].iter_rows(values_only=True)]
    assert (
        "基本编码格式不符",
        1,
        1,
        "事项第4行“基本编码”列",
        "基本编码应为12位，现为7位。",
    ) in summary


def test_the_workbook_is_kept_for_its_owner_only_and_expires(settings, tmp_path):
    settings.VAR_DIR = tmp_path

    class Person:
        def __init__(self, pk):
            self.pk = pk

    owner, other = Person(7), Person(8)
    with time_machine.travel(NOW, tick=False):
        token = ir.keep_workbook(user=owner, content=b"PK-data", name="事项导入错误/../x")
        assert ir.kept_workbook(user=owner, token=token) == ("事项导入错误_.._x.xlsx", b"PK-data")
        assert ir.kept_workbook(user=other, token=token) is None
        assert ir.kept_workbook(user=owner, token="../7/" + token) is None
    with time_machine.travel(NOW + datetime.timedelta(hours=23), tick=False):
        assert ir.kept_workbook(user=owner, token=token) is not None
    with time_machine.travel(NOW + datetime.timedelta(hours=25), tick=False):
        assert ir.kept_workbook(user=owner, token=token) is None
        ir.keep_workbook(user=other, content=b"new", name="x")  # sweeps the expired file away
    assert not (tmp_path / "import-errors" / "7" / token).exists()


def test_a_large_upload_copies_only_its_bad_rows_in_their_places(monkeypatch):
    monkeypatch.setattr(ir, "FULL_COPY_ROWS", 2)
    sheet = SheetCopy("事项", ["名称"], [(2, ["好"]), (3, ["坏"]), (4, ["好"]), (5, ["坏"])])
    problems = [Problem("事项", 3, "名称", "不对"), Problem("事项", 5, "名称", "也不对")]
    wb = load_workbook(io.BytesIO(ir.error_workbook(problems, [sheet])))
    ws = wb["事项"]
    assert [ws.cell(row=n, column=1).value for n in range(2, 6)] == [None, "坏", None, "坏"]
    assert ws["A5"].comment.text == "也不对"
    assert "只复制了有错误的行" in wb["错误汇总"]["A2"].value


def test_every_sheet_of_the_workbook_keeps_user_text_as_text():
    """Formula-looking text in the copied cells, in the messages (which quote the cell) and in
    the sheet's own header: never a formula, always the text as written."""
    sheet = SheetCopy("事项", [FORMULAS[3], "名称"], [(2, [FORMULAS[0], FORMULAS[1]])])
    problems = [
        Problem("事项", 2, "名称", FORMULAS[2], FORMULAS[2]),
        Problem("事项", 2, FORMULAS[3], "表头怪", "列名"),
    ]
    assert_text_not_formulas(ir.error_workbook(problems, [sheet]), FORMULAS)
