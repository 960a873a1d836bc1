"""The accessibility walk (issue 17 item 7): for each demo login, its home and every page its
navigation offers, then every page those link to (and so on), and the public pages; each audited
with axe-core (tests/axe.py). Used by tests/test_browser_a11y.py; runs on its own against a
running server for a quick look: `PYTHONPATH=. python -m tests.a11y_walk http://127.0.0.1:8000`.

To keep it quick, a page is audited once per make-up: pages of one shape (a path with its numbers
and codes replaced: one case page stands for all) whose elements are the same (tags, classes, form
controls: `MAKEUP`) are one audit, whoever looks. The home and navigation pages are opened for
each login (what a role is shown may differ), the pages reached from them once for all logins, but
a case page once for each login (the moves it offers differ)."""

import hashlib
import re
import sys
from urllib.parse import parse_qs, urljoin, urlsplit

from tests.axe import describe, violations
from tests.browser import sign_in

# Every demo login but the system administrator (whose home is the Django admin: only the pages
# of ours its navigation offers are opened, nothing beyond them), with its kind: logins of one kind
# are offered the same navigation, opened once for them all.
LOGINS = {
    "clerk": "window",
    "teamlead": "leader",
    "reviewer": "department",
    "winsup": "unit",
    "hallmgr": "hall",
    "inspector": "inspector",
    "reform": "reform",
    "applicant": "applicant",
    "zhclerk": "window",
    "greenclerk": "window",
    "clerk2": "window",
    "reviewer2": "department",
    "reviewer3": "department",
}

# Not pages: files, the QR image, the API, Django's admin (not ours to audit), signing out.
SKIP = re.compile(
    r"^/(admin|api|static|media|i18n|accounts/logout)/"
    r"|\.(pdf|docx|xlsx|zip|csv|svg|png|json)$"
    r"|/(doc|download|export|files)(/|$)"
)
# Pages only a form or the header's own links lead to: the workbench's item search, whose results
# open the application forms (an item's, a 一件事's); changing one's password.
START = {
    "clerk": ["/cases/window/?q=spsc", "/accounts/password/"],
    "zhclerk": ["/cases/window/?q=%E5%BC%80"],  # 开: 一件事 such as 开餐馆
}
PUBLIC = re.compile(r"^/(guide|progress)/")  # where an anonymous visitor's links are followed
PER_LOGIN = re.compile(r"^/cases/(N|combined/N)/$")  # the moves offered differ by login

# What a page is made of, without its text: each element's tag, classes and which of the
# attributes that matter to axe it has.
MAKEUP = """() => {
  const attrs = ['type', 'name', 'id', 'for', 'role', 'tabindex', 'style', 'title', 'alt', 'scope',
                 'headers', 'lang', 'open', 'disabled', 'hidden', 'placeholder', 'aria-label',
                 'aria-labelledby', 'aria-describedby', 'aria-current', 'aria-hidden',
                 'aria-live', 'aria-invalid', 'aria-expanded'];
  const seen = new Set();
  for (const el of document.querySelectorAll('body *')) {
    let k = el.tagName + '.' + [...el.classList].sort().join('.');
    for (const a of attrs) if (el.hasAttribute(a)) k += '[' + a + ']';
    seen.add(k);
  }
  return [...seen].sort().join('|');
}"""


def shape(path: str) -> str:
    """The page a path is an instance of: numbers and codes replaced."""
    return re.sub(r"/[^/]*\d[^/]*(?=/)", "/N", path)


def page_of(url: str) -> str:
    """The page a URL is an instance of: its path's shape, and which work queue it shows."""
    parts = urlsplit(url)
    queue = parse_qs(parts.query).get("queue")
    return shape(parts.path) + (f"?queue={queue[0]}" if queue else "")


def _pages(hrefs, base: str, origin: str) -> list[str]:
    out = []
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = urljoin(base, href).split("#")[0]
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin or SKIP.search(parts.path):
            continue
        if url not in out:
            out.append(url)
    return out


def links(page, origin: str, where: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        f"{where} a[href]", "els => els.map(a => a.getAttribute('href'))"
    )
    return _pages(hrefs, page.url, origin)


class Walk:
    """One walk over a server: what was audited, what was found."""

    def __init__(self, server: str):
        self.server = server
        self.found: dict[str, list[dict]] = {}  # "login path" -> serious and critical violations
        self.audited: list[str] = []
        self.opened: list[str] = []
        self.errors: list[str] = []
        self.makeups: set = set()
        self.shapes: set = set()

    def open(self, page, url: str, who: str) -> bool:
        """Opens the page and audits it unless a page of its shape and make-up was audited."""
        try:
            response = page.goto(url)
        except Exception as e:  # a download, or a page that does not load
            self.errors.append(f"{who} {url[len(self.server) :]}: {str(e).splitlines()[0]}")
            return False
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            return False
        path = url[len(self.server) :]
        self.opened.append(f"{who} {path}")
        if response.status >= 500:
            self.errors.append(f"{who} {path}: HTTP {response.status}")
        makeup = (
            page_of(page.url),
            hashlib.sha1(page.evaluate(MAKEUP).encode()).digest(),
        )
        if makeup not in self.makeups:
            self.makeups.add(makeup)
            self.audited.append(f"{who} {path}")
            found = violations(page)
            if found:
                self.found[f"{who} {path}"] = found
        return True

    def _new(self, url: str, who: str, came_from: str = "") -> bool:
        """Whether the page is one of a kind not opened yet for this kind of login (what it links
        to differs: an editor's item page leads to the item's forms); a case page once for each
        login and each list that links to one (a work queue's case is in that queue's state)."""
        key = page_of(url)
        key = (who, key, came_from) if PER_LOGIN.match(key) else (LOGINS.get(who, who), key)
        if key in self.shapes:
            return False
        self.shapes.add(key)
        return True

    def _opened_by_anyone(self, url: str) -> bool:
        key = page_of(url)
        return any(isinstance(k, tuple) and k[-1] == key for k in self.shapes)

    def _onward(self, page) -> list[tuple[str, str]]:
        here = page_of(page.url)
        return [(url, here) for url in links(page, self.server, "main")]

    def follow(self, page, queue: list, who: str, keep=lambda url: True) -> None:
        """Opens each page of the queue not yet opened, adding the links in its <main>."""
        while queue:
            url, came_from = queue.pop(0)
            if keep(url) and self._new(url, who, came_from) and self.open(page, url, who):
                queue.extend(self._onward(page))

    def login(self, browser, username: str, deep: bool = True) -> None:
        kind = LOGINS.get(username, username)
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        sign_in(page, self.server, username)
        home = page.url
        queue = []
        if SKIP.search(urlsplit(home).path):  # the Django admin: our menus are on our pages
            home = self.server + "/accounts/password/"
        if self.open(page, home, username):
            queue.extend(self._onward(page))
        for url in links(page, self.server, "header nav"):  # every page the menus offer
            self._new(url, username)
            if not deep and self._opened_by_anyone(url):
                continue  # the administrator: only what no other login was shown
            if (kind, url) not in self.shapes and self.open(page, url, username):
                self.shapes.add((kind, url))
                queue.extend(self._onward(page))
        for path in START.get(username, []):
            if self.open(page, self.server + path, username):
                queue.extend(self._onward(page))
        if deep:
            self.follow(page, queue, username)
        context.close()

    def public(self, browser) -> None:
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        queue = [(self.server + p, "") for p in PUBLIC_START]
        start = {url for url, _ in queue}
        self.follow(
            page, queue, "public", keep=lambda url: url in start or PUBLIC.match(urlsplit(url).path)
        )
        context.close()

    def report(self) -> str:
        lines = []
        for where, found in self.found.items():
            lines.append(where)
            lines.extend("  " + line for line in describe(found).splitlines())
        return "\n".join(lines)


SEARCH = "/guide/search/?q=%E8%90%A5%E4%B8%9A"  # 营业
# Where an anonymous visitor starts: beyond the guide and /progress/ only these pages are opened
# (the login page's links to 注册 and 找回密码 are not followed, so they are listed).
PUBLIC_START = (
    "/guide/",
    "/accounts/login/",
    "/accounts/register/",
    "/accounts/password/reset/",
    SEARCH,
    "/nowhere/",
)


if __name__ == "__main__":
    import time

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        walk = Walk(sys.argv[1].rstrip("/"))
        started = time.monotonic()
        walk.public(b)
        for login in sys.argv[2:] or list(LOGINS):
            walk.login(b, login)
        walk.login(b, "admin", deep=False)
        print(walk.report())
        print("\n".join(walk.audited))
        print("\n".join(walk.errors))
        print(
            f"opened {len(walk.opened)} pages, audited {len(walk.audited)}, "
            f"{len(walk.found)} with violations, {time.monotonic() - started:.0f} s"
        )
        b.close()
