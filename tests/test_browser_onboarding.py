"""Browser: the reform office takes a county in from one workbook. It downloads the template,
uploads a file with a mistake and reads the refusal (grouped, with the error workbook), uploads
the corrected file, downloads the first passwords once; a clerk of the new county signs in with
hers, is made to set her own password, and lands on the window workbench. Every page passes
axe-core."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from onewindow.org.tests.county_workbook import county_rows, fill_template
from tests.axe import audit
from tests.browser import sign_in

pytestmark = pytest.mark.browser
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _book(download):
    return load_workbook(io.BytesIO(Path(download.path()).read_bytes()))


def _upload(page, data: bytes, name: str) -> None:
    page.set_input_files("#onboard-file", files=[{"name": name, "mimeType": XLSX, "buffer": data}])
    page.click("main button:text-is('检查并导入')")
    page.wait_for_load_state()


def test_reform_office_onboards_a_county_and_its_clerk_starts_work(server, new_page):
    page = new_page()
    sign_in(page, server, "reform")
    page.goto(server + "/org/onboarding/")
    assert page.inner_text("main h1") == "机构人员导入"
    audit(page)

    with page.expect_download() as got:
        page.click("main a:text-is('导入模板')")
    template = _book(got.value)
    assert "工作人员" in template.sheetnames and "填写说明" in template.sheetnames

    rows = county_rows(units=3, staff=20)
    rows["staff"][0]["roles"] = "局长"  # not a role
    _upload(page, fill_template(rows), "安化县.xlsx")
    refusal = page.inner_text("#import-refused")
    assert "未导入" in refusal and "取值不在可选范围内" in refusal
    assert "工作人员第2行“角色”列：“局长”不是可选的角色" in refusal
    audit(page)
    with page.expect_download() as got:
        page.click("#import-refused a:text-is('下载错误清单（XLSX）')")
    assert "错误汇总" in _book(got.value).sheetnames

    _upload(page, fill_template(county_rows(units=3, staff=20)), "安化县.xlsx")
    assert "导入完成：行政区划：新增2" in page.inner_text("main")
    audit(page)
    with page.expect_download() as got:
        page.click("main button:text-is('下载初始密码（XLSX）')")
    sheet = _book(got.value).active
    passwords = {r[2]: r[3] for r in sheet.iter_rows(min_row=3, values_only=True)}
    page.goto(server + "/org/onboarding/")
    assert "下载初始密码" not in page.inner_text("main")  # offered once

    clerk = new_page()
    sign_in(clerk, server, "ah003", passwords["ah003"])
    assert clerk.url.endswith("/accounts/password/")
    assert "请先设置自己的密码" in clerk.inner_text("main")
    audit(clerk)
    clerk.fill("#id_old_password", passwords["ah003"])
    clerk.fill("#id_new_password1", "Anhua-Clerk-2026")
    clerk.fill("#id_new_password2", "Anhua-Clerk-2026")
    clerk.click("main form button[type=submit]")
    clerk.wait_for_load_state()
    assert clerk.url.endswith("/cases/window/")
    assert "窗口工作台" in clerk.inner_text("main h1")

    # Two counties of 益阳市 now: the public guide goes by the city.
    clerk.goto(server + "/guide/")
    assert clerk.inner_text("main h1") == "益阳市政务服务办事指南"
