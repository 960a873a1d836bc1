"""The one table writer: title, sub-title, one or two header levels, rows and footer, read back
cell by cell."""

import io

from openpyxl import load_workbook

from onewindow.documents import xlsx
from onewindow.documents.tests.xlsxcheck import FORMULAS, assert_text_not_formulas

COLUMNS = [
    xlsx.Column("序号", 6),
    xlsx.Column("单位", 20),
    xlsx.Column("总数", 8, group="事项数"),
    xlsx.Column("已授权", 8, group="事项数"),
    xlsx.Column("说明", 30),
]
FOOTER = ["审核领导：张三", "", "填报人：李四", "", "联系电话：0737-1234567"]


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_two_level_headers_title_subtitle_rows_and_footer():
    wb, ws = xlsx.book("表1")
    xlsx.write_table(
        ws,
        COLUMNS,
        [[1, "县市监局", 120, 80, FORMULAS[0]], [2, "县住建局", 60, 45, "无"]],
        title="各单位授权情况统计表",
        subtitle="填报单位（盖章）：县政务服务中心",
        footer=FOOTER,
    )
    data = xlsx.save(wb)
    ws = _sheet(data)
    assert ws.title == "表1"
    assert ws["A1"].value == "各单位授权情况统计表" and ws["A1"].font.bold
    assert ws["A2"].value == "填报单位（盖章）：县政务服务中心"
    header = [[c.value for c in ws[r]] for r in (3, 4)]
    assert header == [
        ["序号", "单位", "事项数", None, "说明"],
        [None, None, "总数", "已授权", None],
    ]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert merged == {"A1:E1", "A3:A4", "B3:B4", "C3:D3", "E3:E4"}
    assert [c.value for c in ws[5]] == [1, "县市监局", 120, 80, FORMULAS[0]]
    assert [c.value for c in ws[6]] == [2, "县住建局", 60, 45, "无"]
    assert all(c.border.left.style == "thin" for c in ws[6])
    assert [c.value for c in ws[7]] == [None] * 5  # the gap before the footer
    assert [c.value or "" for c in ws[8]] == FOOTER and ws.max_row == 8
    assert ws.column_dimensions["B"].width == 20 and ws.column_dimensions["E"].width == 30
    assert_text_not_formulas(data, [FORMULAS[0]])


def test_one_header_level_without_title_in_a_write_only_book():
    wb, ws = xlsx.book("事项", write_only=True)
    columns = [xlsx.Column("名称", 30, fill="FDE8E8"), xlsx.Column("编码", 12)]
    xlsx.write_table(ws, columns, [[FORMULAS[1], "001"]], ruled=False, freeze=True)
    ws = _sheet(xlsx.save(wb))
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["名称", "编码"],
        [FORMULAS[1], "001"],
    ]
    assert ws["A2"].quotePrefix and ws["A2"].data_type == "s"
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("FDE8E8")
    assert ws["B1"].fill.fill_type is None
    assert ws.freeze_panes == "A2" and not ws.merged_cells.ranges


def test_a_title_over_two_header_rows_in_a_write_only_book_is_merged():
    wb, ws = xlsx.book("表2", write_only=True)
    xlsx.write_table(ws, COLUMNS, [], title="标题", freeze=True)
    ws = _sheet(xlsx.save(wb))
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert merged == {"A1:E1", "A2:A3", "B2:B3", "C2:D2", "E2:E3"}
    assert ws.freeze_panes == "A4" and ws["C2"].value == "事项数" and ws["D3"].value == "已授权"
