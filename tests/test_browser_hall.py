"""Browser: the hall manager opens a window post, finds a new B person by typing part of a name
into the search-as-you-type picker (htmx), saves, and sees the change in the post's record; the
set-up pages pass axe-core."""

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.axe import audit
from tests.browser import sign_in

pytestmark = pytest.mark.browser


def test_hall_manager_adds_a_b_person_with_the_picker(server, page):
    sign_in(page, server, "hallmgr")
    page.goto(server + "/org/windows/")
    audit(page)
    numbers = [n.strip() for n in page.locator("main tbody tr td:nth-child(2)").all_inner_texts()]
    assert numbers.index("2") < numbers.index("10")  # natural order

    # Whom to add: the head of section (股长) of 县住建局, read off the unit's page.
    page.goto(server + "/org/units/?q=住建")
    page.click("main tbody a")
    page.wait_for_load_state()
    audit(page)
    name = page.locator("main tr:has(td:text-is('股长')) td").first.inner_text().strip()
    assert name

    page.goto(server + "/org/windows/")
    page.click("main a:text-is('县住建局窗口')")
    page.wait_for_load_state()
    assert "县住建局窗口" in page.inner_text("main h1")
    audit(page)
    old_b = page.locator("#id_staff_b option:checked").inner_text()

    # The unit's first people are listed before any search, so wait for the search's own answer
    # and its swap, not just for the name: selecting before the swap would be undone by it.
    query = name[1:]
    with page.expect_response(
        lambda r: (
            "/org/staff/pick/" in r.url
            and parse_qs(urlparse(r.url).query).get("staff_b_q") == [query]
        )
    ):
        page.locator("#id_staff_b_q").press_sequentially(query, delay=50)
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')"
    )
    option = page.locator("#id_staff_b option", has_text=name)
    option.wait_for(state="attached")
    assert re.search(r"共\d+人", page.inner_text("#id_staff_b_results"))
    audit(page)
    page.select_option("#id_staff_b", label=option.inner_text())
    page.click("main button:text-is('保存修改')")
    page.wait_for_load_state()

    assert "已保存：B岗人员改为" + name in page.inner_text("main")
    record = page.locator("table.setup-changes tbody tr").first
    assert "修改窗口" in record.inner_text()
    assert old_b.split("（")[0] in record.inner_text() and name in record.inner_text()
    page.reload()  # the audit covers the page itself; the flash messages are the shell's
    audit(page)


def test_set_up_pages_pass_the_audit(server, page):
    sign_in(page, server, "hallmgr")
    page.goto(server + "/org/windows/new/")
    assert "新设窗口" in page.inner_text("main h1")
    audit(page)
    page.goto(server + "/org/windows/hours/")
    assert "8:30" in page.inner_text("main")
    audit(page)
