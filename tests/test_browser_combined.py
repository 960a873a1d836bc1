"""Browser: a 一件事 (开办餐饮店, four items of three units) taken at the comprehensive window with
one form, decided by three departments (the registration first, then the others in parallel), and
handed over in one delivery."""

import pytest

from tests.browser import deliver_at_window, sign_in

pytestmark = pytest.mark.browser

ID = "430922198001011232"


def _decide(new_page, server, username, item):
    page = new_page()
    sign_in(page, server, username)
    page.goto(server + "/cases/department/")
    page.click(f"main tr:has-text('{item}') a")
    page.wait_for_load_state()
    page.click("form:has(strong:text-is('部门作出决定')) button[type=submit]")
    page.wait_for_load_state()
    assert "已决定" in page.inner_text("main h1"), item
    page.close()


def test_restaurant_one_window_three_departments_one_delivery(server, new_page):
    clerk = new_page()
    sign_in(clerk, server, "zhclerk")
    clerk.goto(server + "/cases/window/")
    clerk.fill("#item-q", "开办餐饮店")
    clerk.click("main form[role=search] button[type=submit]")
    clerk.click("text=一件事：开办餐饮店")
    clerk.fill("input[name=applicant_name]", "王小明")
    clerk.fill("input[name=applicant_id]", ID)
    clerk.fill("input[name=phone]", "13807371234")
    clerk.click("main form button[type=submit]")
    clerk.wait_for_load_state()
    assert "已收件" in clerk.inner_text("main")
    combined_url = clerk.url
    clerk.click("form:has(strong:text-is('一次受理')) button[type=submit]")
    clerk.wait_for_load_state()
    assert "并联办理中" in clerk.inner_text("main h1")

    _decide(new_page, server, "reviewer", "企业设立登记")  # stage 1: the others wait for it
    _decide(new_page, server, "reviewer2", "城镇污水排入排水管网许可")
    _decide(new_page, server, "reviewer", "食品经营许可（新办）")
    _decide(new_page, server, "reviewer3", "设置大型户外广告审批")

    clerk.goto(combined_url)
    assert "全部办结（待一并送达）" in clerk.inner_text("main h1")
    deliver_at_window(clerk, "王小明", ID, "一并送达")
    main = clerk.inner_text("main")
    assert "已办结" in clerk.inner_text("main h1") and main.count("已办结") >= 5  # and each item
