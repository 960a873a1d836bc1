"""Browser: an applicant finds an item by pinyin initials and reads its guide, no login."""

import pytest

pytestmark = pytest.mark.browser


def test_find_an_item_by_initials_and_open_its_guide(server, page):
    page.goto(server + "/")
    page.fill("#guide-q", "jzxk")
    page.click("form[role=search] button[type=submit]")
    page.click("main table >> text=建筑工程施工许可")
    main = page.inner_text("main")
    assert "申请材料" in main and "承诺3个工作日办结" in main and "办理地点" in main
    assert page.locator("figure.qr svg").count() == 1
    qr = page.request.get(page.url + "qr.svg")
    assert qr.ok and qr.headers["content-type"] == "image/svg+xml"


def test_browse_a_life_event_into_a_combined_service(server, page):
    page.goto(server + "/guide/")
    page.click("text=新生儿出生一件事")
    main = page.inner_text("main")
    assert "户口登记（出生登记）" in main and "只交一份" in main
