"""Browser: the reform office opens the "six in place" scorecard, drills into a unit that fails
a check and downloads every unit's files as one ZIP; the demo window supervisor completes and
files the unit's self-inspection report, and the reform office returns it with a comment."""

import zipfile

import pytest

from tests.browser import sign_in

pytestmark = pytest.mark.browser


def test_scorecard_drill_down_and_every_units_files(server, new_page):
    office = new_page()
    sign_in(office, server, "reform")
    office.goto(server + "/reform/scorecard/")
    office.select_option("#id_failing", "staff")
    office.click("form.filters button[type=submit]")
    office.wait_for_load_state()
    rows = office.locator("main tbody tr")
    assert rows.count() >= 1 and "未到位" in rows.first.inner_text()
    unit = rows.first.locator("a").inner_text()
    rows.first.locator("a").click()
    office.wait_for_load_state()
    assert unit in office.inner_text("main h1")
    staff = office.locator("section:has(h2:has-text('人员到位'))")
    assert "未到位" in staff.locator("h2").inner_text()
    assert staff.locator("li.bad").count() >= 1  # the failing facts, first

    office.click("text=返回评分表")
    with office.expect_download() as waiting:
        office.click("text=下载全部涉改单位的自查报告及附件（ZIP）")
    with zipfile.ZipFile(waiting.value.path()) as bundle:
        names = bundle.namelist()
    assert any(unit in name for name in names)
    assert any(name.endswith(".docx") for name in names)
    assert any(name.endswith(".xlsx") for name in names)


def test_a_report_filed_by_the_unit_and_returned_by_the_office(server, new_page):
    unit = new_page()
    sign_in(unit, server, "winsup")
    unit.goto(server + "/self-inspection/report/")
    for box in unit.locator("main form textarea").all():
        if not box.input_value().strip():
            box.fill("已在县政务服务大厅设置窗口，整改措施于本月底前完成。")
    unit.click("button[value=submit]")
    unit.wait_for_load_state()
    assert "已报备" in unit.inner_text("main")

    office = new_page()
    sign_in(office, server, "reform")
    office.goto(server + "/self-inspection/reports/")
    office.click("main tr:has-text('县市监局') a")
    office.wait_for_load_state()
    office.fill("#comment", "典型经验请写明具体做法。")
    office.click("button[value=return]")
    office.wait_for_load_state()
    assert "已退回修改" in office.inner_text("main h1")

    unit.goto(server + "/self-inspection/report/")
    assert "典型经验请写明具体做法" in unit.inner_text("main")
