"""The clerk's day from the work queues (issue 17 item 2): the 容缺 queue holds yesterday's
case, which the clerk finds by the applicant's name (cases/search/) and records its missing
material; the delivery queue holds a decided result, which the clerk hands over; the mailed
result past its days without a receipt stands out. axe-core audits every page opened. The demo
loads these cases (onewindow.demo.window_day)."""

import re

import pytest
from stdnum.cn import ric

from tests.axe import audit
from tests.browser import deliver_at_window, sign_in

pytestmark = pytest.mark.browser


def _id(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


RONGQUE = "李春华"
DELIVER, DELIVER_ID = "周建国", _id("43092219760905151")


def _tab(page, title: str) -> int:
    """The count on a queue's tab."""
    text = page.locator("nav.queue-tabs a", has_text=title).inner_text()
    return int(re.search(r"(\d+)\s*$", text).group(1))


def test_clerk_works_the_rongque_and_delivery_queues(server, page):
    sign_in(page, server, "clerk")
    page.goto(server + "/cases/window/")
    audit(page)
    page.locator("nav.queue-tabs a", has_text="容缺待补齐").click()
    page.wait_for_load_state()
    assert "queue=rongque" in page.url and _tab(page, "容缺待补齐") == 1
    assert page.locator("nav.queue-tabs a[aria-current=page]").inner_text().startswith("容缺待补齐")
    audit(page)
    row = page.locator("main table tr", has_text=RONGQUE)
    assert "食品经营许可" in row.inner_text()

    # The applicant comes back with the material: the clerk finds the case by her name.
    page.goto(server + "/cases/search/")
    search = page.locator("form.case-search")
    search.locator("input[name=name]").fill(RONGQUE)
    search.locator("button[type=submit]").click()
    page.wait_for_load_state()
    audit(page)
    found = page.locator("table.case-search-results tbody tr", has_text=RONGQUE)
    assert found.count() == 1 and "食品经营许可" in found.inner_text()
    found.locator("a[href^='/cases/']").first.click()
    page.wait_for_load_state()
    assert RONGQUE in page.inner_text("main") and "容缺" in page.inner_text("main")
    audit(page)
    page.get_by_role("button", name="登记容缺材料已补齐").click()
    page.wait_for_load_state()
    assert "容缺材料已补齐" in page.inner_text("main")
    audit(page)

    page.goto(server + "/cases/window/?queue=rongque")
    assert _tab(page, "容缺待补齐") == 0 and RONGQUE not in page.inner_text("main table")
    page.locator("nav.queue-tabs a", has_text="待送达").click()
    page.wait_for_load_state()
    assert _tab(page, "待送达") == 1
    audit(page)
    page.locator("main table tr", has_text=DELIVER).locator("a[href^='/cases/']").first.click()
    page.wait_for_load_state()
    audit(page)
    deliver_at_window(page, DELIVER, DELIVER_ID)
    assert "已办结" in page.inner_text("main h1")
    audit(page)

    page.goto(server + "/cases/window/?queue=deliver")
    assert _tab(page, "待送达") == 0
    page.locator("nav.queue-tabs a", has_text="邮寄待签收").click()
    page.wait_for_load_state()
    assert "未确认签收" in page.locator("main table tr.late").inner_text()
    audit(page)


def test_the_clerks_queues_fit_a_phone(server, browser):
    """At 390 px each queue's cases are cards (table.stack): nothing scrolls sideways."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, server, "clerk")
        for path in (
            "/cases/window/",
            "/cases/window/?queue=rongque",
            "/cases/search/?name=李春华",
        ):
            page.goto(server + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
            assert page.locator("table.stack tbody tr").count() >= 1, path
            audit(page)
    finally:
        context.close()
