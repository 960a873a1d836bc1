"""Browser: the window clerk signs in and accepts the day's online application with the keyboard
alone (issue 17 item 7): Tab, Shift+Tab, Enter, Space, arrows and typing, never a click or a fill;
every control that takes the focus on the way shows it."""

import pytest

from tests.axe import audit

pytestmark = pytest.mark.browser

APPLICANT = "孙丽"  # the demo's online application of the day (demo/window_day.py)

# The focused element, what it says, and whether its focus shows: an outline or a box shadow.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return {tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || '').trim(),
          label: el.getAttribute('aria-label') || (el.labels && el.labels[0] ?
                 el.labels[0].innerText.trim() : ''),
          name: el.getAttribute('name') || '', href: el.getAttribute('href') || '',
          type: el.getAttribute('type') || '',
          visible: outline || s.boxShadow !== 'none'};
}"""


class Keyboard:
    """Moves the focus with Tab until the wanted control has it, checking each stop shows it."""

    def __init__(self, page):
        self.page = page
        self.stops = 0

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUSED)

    def tab_to(self, wanted, limit: int = 120, back: bool = False) -> dict:
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            el = self.focused()
            if el is None:
                continue
            self.stops += 1
            assert el["visible"], f"focus not visible on {el} at {self.page.url}"
            if wanted(el):
                return el
        raise AssertionError(f"Tab never reached the control on {self.page.url}")

    def skip_to_main(self) -> None:
        """The first tab stop of a page is 跳到正文 (back to it with Shift+Tab from a field that
        has the focus as the page opens); Enter follows it."""
        if self.focused() is not None:
            self.tab_to(lambda el: el["href"] == "#main", back=True)
            self.press("Shift+Tab")  # out of the page: nothing comes before it
            assert self.focused() is None, self.focused()
        first = self.tab_to(lambda el: True, limit=1)
        assert first["text"] == "跳到正文" and first["href"] == "#main", first
        self.press("Enter")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)


def test_clerk_accepts_online_application_by_keyboard(server, page):
    keys = Keyboard(page)

    # The login page: the focus starts in the user name (autofocus).
    page.goto(server + "/accounts/login/")
    assert keys.focused()["name"] == "username"
    keys.type("clerk")
    keys.tab_to(lambda el: el["name"] == "password")
    keys.type("Taojiang2026")
    with page.expect_navigation():
        keys.press("Enter")
    home = page.url
    assert "/accounts/login/" not in home, page.inner_text("main")
    audit(page)

    # Every page's first tab stop goes straight to the content.
    keys.skip_to_main()
    assert page.evaluate("location.hash") == "#main"
    page.goto(home)

    # The navigation: the 办件 menu opens with Enter; its 窗口工作台 entry follows it.
    keys.tab_to(lambda el: el["tag"] == "summary" and el["text"].startswith("办件"))
    keys.press("Enter")
    keys.tab_to(lambda el: el["text"].startswith("窗口工作台"))
    with page.expect_navigation():
        keys.press("Enter")
    assert page.url.startswith(server + "/cases/window/")
    audit(page)

    # The workbench: the online queue's tab, then the application in it.
    keys.tab_to(lambda el: el["text"].startswith("网上申请"))
    keys.press("Enter")
    page.wait_for_url("**queue=online**")
    row = page.locator("main table[aria-labelledby=queue-title] tbody tr", has_text=APPLICANT)
    assert row.count() == 1
    href = row.locator("a").first.get_attribute("href")
    keys.tab_to(lambda el: el["href"] == href)
    keys.press("Enter")
    page.wait_for_url(server + href)
    assert APPLICANT in page.inner_text("main")
    audit(page)

    # The case page: straight to the content, then the 受理 form's window, its button.
    keys.skip_to_main()
    keys.tab_to(lambda el: el["tag"] == "select" and el["name"] == "window_post")
    keys.tab_to(lambda el: el["tag"] == "button" and el["text"] == "受理")
    with page.expect_navigation():  # the form posts, the page comes back on the same URL
        keys.press("Enter")
    assert "已受理" in page.inner_text("main h1")
    success = page.locator(".messages li.success")
    assert success.count() == 1, page.inner_text("main")
    audit(page)
    assert keys.stops > 5
