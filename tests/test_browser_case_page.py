"""Browser: the case page as the window clerk sees it (issue 17 item 3). The history reads as
sentences; a refused move shows as an error, above and in its form, the input kept; a move made
shows as a success, in another colour; every page passes axe-core."""

import pytest

from tests.axe import audit
from tests.browser import sign_in

pytestmark = pytest.mark.browser

ID = "430922198001011232"


def _background(page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).backgroundColor")


def test_the_clerks_case_page_history_errors_and_success(server, page):
    sign_in(page, server, "clerk")
    audit(page)
    page.goto(server + "/cases/window/")
    audit(page)
    page.fill("#item-q", "spsc")
    page.click("form:has(#item-q) button[type=submit]")
    page.click("text=食品生产许可")
    page.wait_for_url("**/cases/new/*/")
    audit(page)
    page.fill("input[name=applicant_name]", "王小明")
    page.fill("input[name=applicant_id]", ID)
    page.fill("input[name=phone]", "13807371234")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    audit(page)
    history = page.inner_text("ol.timeline")
    assert "收取了申请材料" in history and "{" not in history and "None" not in history
    assert "尚未受理，不计办理时限" in page.inner_text(".case-standing")

    # 容缺 ticked although nothing is missing: refused, said in red, the commitment kept.
    form = page.locator("form#act-accept")
    form.locator("input[name=rongque]").check()
    form.locator("input[name=commitment]").fill("三日内补齐")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    audit(page)
    error = page.locator(".messages li.error [role=alert]")
    assert "未能受理" in error.inner_text()
    inline = page.locator("form#act-accept .form-errors")
    assert inline.get_attribute("role") == "alert" and "无需容缺受理" in inline.inner_text()
    assert page.locator("form#act-accept input[name=commitment]").input_value() == "三日内补齐"
    refused_colour = _background(page, ".messages li.error")

    form = page.locator("form#act-accept")
    form.locator("input[name=rongque]").uncheck()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    audit(page)
    success = page.locator(".messages li.success [role=status]")
    assert "已受理" in success.inner_text()
    assert _background(page, ".messages li.success") != refused_colour
    assert page.locator(".messages li.error").count() == 0
    history = page.inner_text("ol.timeline")
    assert "受理了申请（窗口：" in history and "《受理通知书》" in history
    assert page.locator("a.button", has_text="打印《受理通知书》").count() == 1
    assert "剩余" in page.inner_text(".case-standing")
