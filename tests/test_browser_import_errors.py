"""Browser: the reform office uploads a catalogue with mistakes, reads the grouped refusal
(which passes axe-core), downloads the error workbook and finds the wrong cells marked
(issue 19 item 2)."""

import io

import pytest
from openpyxl import load_workbook

from tests.axe import audit
from tests.browser import sign_in

pytestmark = pytest.mark.browser


def test_a_refused_import_shows_groups_and_gives_the_error_workbook(server, page):
    sign_in(page, server, "reform")
    page.goto(server + "/catalog/import/")
    export = page.request.get(server + "/catalog/export.xlsx")  # the signed-in session's
    wb = load_workbook(io.BytesIO(export.body()))
    ws = wb["事项"]
    header = [c.value for c in ws[1]]
    legal = header.index("法定办结时限（工作日）") + 1
    promised = header.index("承诺办结时限（工作日）") + 1
    for row in (2, 3, 4):
        ws.cell(row=row, column=promised, value=ws.cell(row=row, column=legal).value + 1)
    out = io.BytesIO()
    wb.save(out)

    page.set_input_files(
        "#import-file",
        {
            "name": "事项表.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": out.getvalue(),
        },
    )
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    refusal = page.locator("#import-refused")
    assert "未导入：3个错误，涉及3行" in refusal.locator("h2").inner_text()
    assert "承诺时限超过法定时限" in refusal.locator("tbody th").first.inner_text()
    assert refusal.locator("tbody td").first.inner_text() == "3行"
    audit(page)

    with page.expect_download() as waiting:
        page.click("text=下载错误清单（XLSX）")
    errors = load_workbook(io.BytesIO(waiting.value.path().read_bytes()))
    sheet = errors["事项"]
    marked = sheet.cell(row=3, column=promised)
    assert (
        marked.fill.fgColor.rgb.endswith("FFC7CE") and "不能超过法定办结时限" in marked.comment.text
    )
    assert sheet.cell(row=3, column=legal).comment is None
