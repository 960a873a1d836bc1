"""Browser: the navigation grouped by task (issue 17 item 4). At 1366 px each role's header is one
line; a menu opens and is followed with the keyboard alone; at 390 px nothing scrolls sideways, the
menus are 44 px tap targets and a menu opens with a tap. axe-core audits every page opened, with a
menu open too (the white drop-down's contrast and focus)."""

import pytest

from tests.axe import audit
from tests.browser import sign_in

pytestmark = pytest.mark.browser

# login, the page to start from, the group to open, the entry to follow (its URL), the key that
# opens the menu
JOURNEYS = [
    ("clerk", "/window/", "cases", "/cases/window/", "Enter"),
    ("reviewer", "/unit/", "cases", "/cases/department/", "Space"),
    ("hallmgr", "/hall/", "hall", "/hall/cover/", "Enter"),
    ("inspector", "/org/units/", "supervision", "/supervision/orders/", "Space"),
    ("reform", "/supervision/", "reform", "/reform/spot-checks/", "Enter"),
    ("admin", "/org/units/", "system", "/org/staff/", "Enter"),
]

HEADER_LINE = """() => {
  const header = document.querySelector('header.top');
  const boxes = [...header.children].map(c => c.getBoundingClientRect())
    .filter(r => r.width > 0 && r.height > 0);
  const items = [...header.querySelectorAll('nav.menus > ul > li')]
    .map(li => li.getBoundingClientRect());
  const mids = boxes.map(r => (r.top + r.bottom) / 2);
  return {
    height: header.getBoundingClientRect().height,
    spread: Math.max(...mids) - Math.min(...mids),
    right: Math.max(...boxes.map(r => r.right)),
    menus: items.length,
    menuTops: new Set(items.map(r => Math.round(r.top))).size,
  };
}"""

FITS = """(width) => {
  const header = document.querySelector('header.top');
  const outside = [...header.querySelectorAll('*')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.left < 0 || r.right > width + 0.5);
  }).map(e => e.tagName + '.' + e.className);
  return {scroll: document.documentElement.scrollWidth, outside};
}"""

SMALL_TARGETS = """(selector) => [...document.querySelectorAll(selector)]
  .filter(e => e.getBoundingClientRect().width > 0)
  .filter(e => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
  .map(e => e.textContent.trim() + ' ' + Math.round(e.getBoundingClientRect().width) + 'x'
             + Math.round(e.getBoundingClientRect().height))"""


def _focused(page) -> dict:
    return page.evaluate(
        """() => { const a = document.activeElement;
             const d = a.closest('details.menu');
             return {tag: a.tagName, href: a.getAttribute('href'),
                     menu: d ? d.dataset.menu : null, open: d ? d.open : null}; }"""
    )


def _tab_to_summary(page, group: str) -> None:
    for _ in range(40):
        page.keyboard.press("Tab")
        now = _focused(page)
        if now["tag"] == "SUMMARY" and now["menu"] == group:
            return
    raise AssertionError(f"Tab never reached the {group} menu")


@pytest.mark.parametrize("username, start, group, target, key", JOURNEYS)
def test_one_line_at_1366_and_a_menu_by_keyboard(server, page, username, start, group, target, key):
    page.set_viewport_size({"width": 1366, "height": 800})
    sign_in(page, server, username)
    page.goto(server + start)
    audit(page)

    line = page.evaluate(HEADER_LINE)
    assert 2 <= line["menus"] <= 7
    assert line["menuTops"] == 1, f"the menus wrap: {line}"
    assert line["spread"] <= 12 and line["height"] <= 64, f"the header is not one line: {line}"
    assert line["right"] <= 1366

    # Keyboard only: Tab to the group, open it, Tab into its entries, follow one with Enter.
    menu = page.locator(f"nav.menus details[data-menu={group}]")
    _tab_to_summary(page, group)
    assert menu.get_attribute("open") is None
    page.keyboard.press(key)
    assert menu.get_attribute("open") is not None
    assert menu.locator("ul").is_visible()
    audit(page)  # the open drop-down: contrast, names

    # Escape closes it and gives the focus back to its button; Enter opens it again.
    page.keyboard.press("Escape")
    assert menu.get_attribute("open") is None
    assert _focused(page)["tag"] == "SUMMARY"
    page.keyboard.press("Enter")
    assert menu.get_attribute("open") is not None

    for _ in range(15):
        page.keyboard.press("Tab")
        now = _focused(page)
        assert now["menu"] == group and now["tag"] == "A", f"the focus left the menu: {now}"
        if now["href"] == target:
            break
    else:
        raise AssertionError(f"{target} is not in the {group} menu")
    # The focused entry is visibly ringed (an outline on the white drop-down).
    ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert ring not in ("none", "")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == server + target
    audit(page)

    # There, the entry is the current page and its group is marked.
    current = page.locator(f'nav.menus a[aria-current="page"][href="{target}"]')
    assert current.count() == 1
    assert "here" in (menu.get_attribute("class") or "")
    # Tabbing past the last entry of an open menu closes it (nav.js).
    _tab_to_summary(page, group)
    page.keyboard.press("Enter")
    entries = menu.locator("ul a").count()
    for _ in range(entries + 1):
        page.keyboard.press("Tab")
    assert menu.get_attribute("open") is None


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("username, start, group, target, _key", JOURNEYS)
def test_at_390_px_no_sideways_scroll_and_44_px_targets(
    server, phone, username, start, group, target, _key
):
    page = phone
    sign_in(page, server, username)
    page.goto(server + "/guide/")  # the public guide, made for phones: its content fits
    audit(page)
    fits = page.evaluate(FITS, 390)
    assert fits["outside"] == [], f"header parts outside the screen: {fits}"
    assert fits["scroll"] <= 390, f"the page scrolls sideways: {fits}"
    small = page.evaluate(
        SMALL_TARGETS,
        "header.top nav.menus summary, header.top nav.menus a.top, header.top .who a, "
        "header.top .who button, header.top .lang button, header.top .brand",
    )
    assert small == [], f"tap targets under 44 px: {small}"

    # A tap opens the menu; it fits on the screen; its entries are 44 px high; a tap follows one.
    menu = page.locator(f"nav.menus details[data-menu={group}]")
    menu.locator("summary").tap()
    assert menu.get_attribute("open") is not None
    audit(page)
    fits = page.evaluate(FITS, 390)
    assert fits["outside"] == [] and fits["scroll"] <= 390, fits
    assert page.evaluate(SMALL_TARGETS, "details.menu[open] > ul a") == []
    # Opening another menu closes this one.
    other = page.locator("nav.menus details.menu:not([open]) summary").first
    other.tap()
    assert menu.get_attribute("open") is None
    menu.locator("summary").tap()
    with page.expect_navigation():
        menu.locator(f'a[href="{target}"]').tap()
    assert page.url == server + target
    audit(page)
    # The header fits there too (the page's own tables are the page's business).
    header = page.evaluate(FITS, 390)
    assert header["outside"] == [], header
