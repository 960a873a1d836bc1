"""Browser: find any case (issue 17 item 1). The reviewer reads a case number off the department's
page, types it into the header's case-number box, presses Enter and is on that case's page; a
search by the applicant's name lists their cases; a wrong number is answered in the error style.
At 390 px the box takes its own line and nothing scrolls sideways. axe-core audits every page."""

import re

import pytest

from tests.axe import audit
from tests.browser import sign_in

pytestmark = pytest.mark.browser

NUMBER = re.compile(r"^\d{23}$")
# Whatever sticks out of a narrow window (the page then scrolls sideways): the table of results
# may scroll within its own box, nothing else.
OUTSIDE = """(width) => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.case-search-scroll'))
  .filter(e => { const r = e.getBoundingClientRect();
                 return r.width > 0 && r.right > width + 0.5; })
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _a_case_number(page, server) -> tuple[str, str]:
    """(number, href) of a case the reviewer may open, read off the department's page (or, if
    none is under review there today, the newest cases on the search page)."""
    for start in ("/cases/department/", "/cases/search/"):
        page.goto(server + start)
        audit(page)
        for link in page.locator("main table a[href^='/cases/']").all():
            text = link.inner_text().strip()
            if NUMBER.match(text):
                return text, link.get_attribute("href")
    raise AssertionError("no numbered case for the reviewer in the demo")


def test_the_reviewer_finds_a_case_by_number_from_the_header(server, page):
    page.set_viewport_size({"width": 1366, "height": 800})
    sign_in(page, server, "reviewer")
    number, href = _a_case_number(page, server)

    box = page.get_by_role("searchbox", name="办件编号")
    box.fill(number)
    box.press("Enter")
    page.wait_for_url(re.compile(re.escape(href) + "$"))
    assert number in page.locator("main").inner_text()
    audit(page)

    # The last digits a clerk reads off a ticket do it as well, when they find one case.
    page.goto(server + "/cases/search/?number=" + number[-17:])
    page.wait_for_load_state()
    assert page.url.endswith(href)


def test_a_name_search_lists_the_applicants_cases(server, page):
    page.set_viewport_size({"width": 1366, "height": 800})
    sign_in(page, server, "reviewer")
    page.goto(server + "/cases/search/")
    audit(page)
    first = page.locator("table.case-search-results tbody tr").first
    name = first.locator("td").nth(1).evaluate("td => td.firstChild.textContent.trim()")
    assert name

    form = page.locator("form.case-search")
    form.get_by_label("申请人", exact=True).fill(name)
    form.get_by_label("姓名匹配").select_option("exact")
    form.get_by_role("button", name="查找").click()
    page.wait_for_load_state()
    rows = page.locator("table.case-search-results tbody tr")
    assert rows.count() >= 1
    for i in range(rows.count()):
        assert rows.nth(i).locator("td").nth(1).inner_text().startswith(name)
    assert "项" in page.locator("main p.result-count").inner_text()  # how many it shows
    audit(page)


def test_a_wrong_number_is_an_error_and_the_box_fits_a_phone(server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, server, "reviewer")
    page.goto(server + "/cases/search/")
    box = page.get_by_role("searchbox", name="办件编号")
    assert box.is_visible()
    assert page.evaluate(OUTSIDE, 390) == []
    height = box.bounding_box()["height"]
    assert height >= 44, height
    box.fill("12ab")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/cases/search/\?number=12ab$"))
    error = page.locator("main .messages li.msg.error")
    assert "办件编号只能是数字" in error.inner_text()
    assert page.evaluate(OUTSIDE, 390) == []
    audit(page)
