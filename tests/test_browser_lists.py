"""Browser: the hall manager narrows the staff list (193 people of the demo county) to one
unit, searches a name, pages on; each list says how many there are (issue 17 item 8).
axe-core on every page opened."""

import re

import pytest

from tests.axe import audit
from tests.browser import sign_in

pytestmark = pytest.mark.browser


def test_staff_list_pages_narrows_and_searches(server, page):
    sign_in(page, server, "hallmgr")
    page.goto(server + "/org/staff/")
    count = page.inner_text("p.list-count")
    assert re.fullmatch(r"共[\d,]+项，显示第1–50项", count), count
    audit(page)
    page.click("nav.pager >> text=下一页")
    assert "显示第51–100项" in page.inner_text("p.list-count")
    # One unit: its people only, and the pager (if any) keeps the unit.
    page.select_option("select[name=unit]", index=1)
    page.click("form.filters button[type=submit]")
    unit = page.inner_text("select[name=unit] option:checked")
    rows = page.locator("tbody tr")
    assert rows.count() >= 1 and all(
        unit in t for t in rows.locator("td:nth-child(2)").all_inner_texts()
    )
    name = rows.first.locator("td").first.inner_text()
    page.fill("input[name=q]", name[1:])
    page.click("form.filters button[type=submit]")
    assert name in page.inner_text("tbody")
    assert page.inner_text("p.list-count").startswith("共")
    audit(page)


@pytest.mark.parametrize(
    "username, path",
    [
        ("hallmgr", "/org/units/"),
        ("inspector", "/supervision/warnings/"),
        ("reform", "/reform/spot-checks/"),
        ("hallmgr", "/calendar/"),
    ],
)
def test_other_lists_say_how_many(server, page, username, path):
    sign_in(page, server, username)
    page.goto(server + path)
    assert re.match(r"(共|超过)[\d,]+项", page.inner_text("p.list-count"))
    audit(page)
