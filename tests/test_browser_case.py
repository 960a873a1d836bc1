"""Browser: a promised case from the window, through the team leader and the department, back to
the window for delivery, each step by its own login."""

import pytest

from tests.browser import deliver_at_window, sign_in

pytestmark = pytest.mark.browser

ID = "430922198001011232"


def _act(page, label):
    page.click(f"form:has(strong:text-is('{label}')) button[type=submit]")
    page.wait_for_load_state()


def test_promised_case_window_department_delivery(server, new_page):
    clerk = new_page()
    sign_in(clerk, server, "clerk")
    clerk.goto(server + "/cases/window/")
    clerk.fill("#item-q", "spsc")
    clerk.click("main form[role=search] button[type=submit]")
    clerk.click("text=食品生产许可")
    clerk.fill("input[name=applicant_name]", "王小明")
    clerk.fill("input[name=applicant_id]", ID)
    clerk.fill("input[name=phone]", "13807371234")
    clerk.click("main form button[type=submit]")
    assert "已收件" in clerk.inner_text("main")
    case_url = clerk.url
    _act(clerk, "受理")
    assert "已受理" in clerk.inner_text("main h1")

    leader = new_page()
    sign_in(leader, server, "teamlead")
    leader.goto(case_url)
    _act(leader, "组长审核并转部门")
    assert "部门审查中" in leader.inner_text("main h1")

    reviewer = new_page()
    sign_in(reviewer, server, "reviewer")
    reviewer.goto(server + "/cases/department/")
    reviewer.click("main table a")
    _act(reviewer, "部门作出决定")
    assert "已决定" in reviewer.inner_text("main h1")

    clerk.goto(case_url)
    deliver_at_window(clerk, "王小明", ID)
    main = clerk.inner_text("main")
    assert "已办结" in main and "送达回证" in main
