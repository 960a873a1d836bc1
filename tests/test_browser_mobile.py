"""Browser: everything an applicant touches works on a phone (issue 17 item 6).

At 360, 390 and 414 px wide, each applicant page (the guide's home, search, item and 一件事 pages,
the login, 我的办事, a case of mine with its rating form, the password page, and the progress
page a notice's QR code opens) must pass `phone_checks`:

- nothing scrolls sideways: document.documentElement.scrollWidth <= the viewport's width;
- tap targets: every visible a[href], button, input[type=submit|button], summary, select,
  textarea and text input has a box at least 44 x 44 CSS px (rounded to the pixel); a radio button
  or check box is tapped through its <label>, so the label's box is measured instead. The one
  exception, WCAG 2.5.8's "inline" one, stated exactly: a link inside a <p> whose text is longer
  than the link's own (the link is part of a sentence, like "事项可在办事指南中查询"). Links in list
  items, table cells, chips, menus and the pager are never exempt;
- readable text: every element of <main> or the footer that holds text itself is at least 14 px,
  and running text (p, li, dd, td, label, legend) at least 16 px;
- a QR code, when the page has one, lies wholly inside the viewport's width, its modules at
  least 3 px;
- long unbreakable strings (the QR's URL, case numbers) wrap inside the viewport;
- axe-core (tests/axe.py) finds no serious or critical violation.

The journey: on a 390 px phone an applicant scans an item's QR code (the hall sign's SVG: the
modules it draws are read back and must be exactly the code of the item page's URL, see
onewindow.testing.qr), opens that URL and reads every material without scrolling sideways; signs
in as the demo `applicant`, opens 我的办事 and a closed case, rates it by tapping the choices;
and opens the case's progress page from the link its notices' QR code holds.
"""

import re
import subprocess
from pathlib import Path

import pytest

from onewindow.testing.qr import code_modules, svg_modules
from tests.axe import audit
from tests.browser import BIN, copy_prepared, launch, prepare_server, sign_in, stop

pytestmark = pytest.mark.browser
WIDTHS = (360, 390, 414)
PHONE = 390

# The checks as one arrow function for page.evaluate (the file's leading // comments dropped).
CHECKS = "\n".join(
    line
    for line in (Path(__file__).resolve().parent / "phone_checks.js").read_text().splitlines()
    if not line.startswith("//")
)


def phone_checks(page, width: int) -> None:
    """The page as it stands passes every rule of the module docstring at `width` px."""
    found = page.evaluate(CHECKS)
    where = f"{page.url} at {width} px"
    assert found["vw"] == width, where
    assert found["scrollWidth"] <= width, f"{where}: {found['scrollWidth']} px wide"
    assert not found["small"], f"{where}: tap targets under 44 x 44 px: {found['small']}"
    assert not found["tiny"], f"{where}: text too small: {found['tiny']}"
    assert not found["outside"], f"{where}: cut off at the edge: {found['outside']}"
    if found["qrWidth"] is not None:
        svg = page.locator("figure.qr svg").evaluate("e => e.outerHTML")
        modules = len(svg_modules(svg)) + 8  # with the quiet zone of 4 modules each side
        assert found["qrWidth"] / modules >= 3, f"{where}: QR modules under 3 px"
    audit(page)


@pytest.fixture(scope="module")
def county(tmp_path_factory, worker_id, prepared_county):
    """conftest's server (the demo without history: its applicant has a result to rate from
    onewindow.demo.window_day), and the environment it runs in (to ask it for a notice's link)."""
    tmp = tmp_path_factory.mktemp("server")
    if prepared_county is None:
        env = prepare_server(tmp, worker_id + "m")
    else:
        env = copy_prepared(prepared_county, tmp)
    proc, url = launch(env, tmp)
    yield url, env
    stop(proc)


@pytest.fixture(scope="module")
def server(county):
    return county[0]


def notice_progress_path(env: dict, case_id: int) -> str:
    """The progress link a notice of the case prints as its QR code (cases.notices), signed with
    the server's own key: asked of the server's installation, as the notice's PDF is made."""
    code = (
        "from onewindow.cases.models import Case; from onewindow.cases import notices; "
        f"print(notices.progress_path(Case.objects.get(pk={case_id})))"
    )
    out = subprocess.run(
        [BIN / "onewindow", "shell", "-c", code],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1]


def first_item_path(page, server: str, query: str) -> str:
    page.goto(f"{server}/guide/search/?q={query}")
    return page.locator("main table.results td.head a").first.get_attribute("href")


def test_public_guide_pages_fit_a_phone(server, page):
    item = first_item_path(page, server, "教师资格认定")
    page.goto(server + "/guide/")
    combined = page.locator("main a.tile").first.get_attribute("href")
    paths = ["/guide/", "/guide/search/?q=许可", "/guide/search/?type=01", item, combined]
    paths += ["/accounts/login/", "/progress/forged/"]  # and a QR code that is not ours: 404
    paths += ["/progress/"]  # progress by case number and mobile (issue 21)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            page.goto(server + path)
            phone_checks(page, width)


def test_search_says_how_many_and_pages_on_a_phone(server, page):
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(server + "/guide/search/?type=01")
    line = page.locator("main .list-count").inner_text()
    total = int(re.fullmatch(r"共([\d,]+)项(，显示第1–30项)?", line).group(1).replace(",", ""))
    assert page.locator("main table.results tbody tr").count() == min(total, 30)
    if total > 30:
        page.locator(".pager a", has_text="下一页").click()
        assert "type=01" in page.url and "page=2" in page.url
        assert page.locator("main .list-count").inner_text() == (
            f"共{total:,}项，显示第31–{min(total, 60)}项"
            if total > 31
            else f"共{total}项，显示第31项"
        )
        phone_checks(page, PHONE)


def test_applicant_opens_an_item_from_its_qr_code_and_reads_its_materials(server, page):
    page.set_viewport_size({"width": PHONE, "height": 844})
    path = first_item_path(page, server, "教师资格认定")
    url = server + path
    # The hall sign's QR code: the modules its SVG draws are exactly the code of the item's URL.
    sign = page.request.get(url + "qr.svg")
    assert sign.ok
    assert svg_modules(sign.text()) == code_modules(url)
    page.goto(url)  # what the phone's camera opens
    phone_checks(page, PHONE)
    # The code on the page is the same URL, printed under it for whoever cannot scan.
    svg = page.locator("figure.qr svg").evaluate("e => e.outerHTML")
    assert svg_modules(svg) == code_modules(page.url) == code_modules(url)
    assert page.locator("figure.qr .url").inner_text() == url
    # Every material is a card wholly on the screen, its label–value pairs readable.
    cards = page.locator("main table.materials tbody tr")
    assert cards.count() >= 2
    for n in range(cards.count()):
        card = cards.nth(n)
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE
        assert card.locator("td.head").inner_text().strip()
        label = card.locator("td[data-label=来源]").evaluate(
            "e => getComputedStyle(e, '::before').content"
        )
        assert label == '"来源"'
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE


def test_applicant_rates_a_case_and_opens_its_progress_on_a_phone(county, new_page):
    server, env = county
    page = new_page()
    page.set_viewport_size({"width": PHONE, "height": 844})
    sign_in(page, server, "applicant")
    page.goto(server + "/me/")
    phone_checks(page, PHONE)
    rate = page.locator("main table.cases a.button", has_text="网上评价")
    assert rate.count(), "the demo applicant has no case to rate (demo.window_day)"
    rate = rate.first
    case_id = int(re.search(r"/me/cases/(\d+)/", rate.get_attribute("href")).group(1))
    number = page.locator(
        f"main table.cases tr:has(a[href='/me/cases/{case_id}/']) td.case-number"
    ).inner_text()
    rate.click()
    page.wait_for_load_state()
    phone_checks(page, PHONE)
    form = page.locator("form.rate")
    form.locator("label", has_text="非常满意").click()  # tapped on the label, not the 20 px circle
    form.locator("label", has_text="一次办好").click()
    assert form.locator("input[name=level][value='1']").is_checked()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "感谢您的评价" in page.inner_text("main")
    assert "网上评价：非常满意" in page.inner_text("main")
    phone_checks(page, PHONE)

    # The notice's QR code, scanned by the same phone without signing in.
    phone = new_page()
    phone.set_viewport_size({"width": PHONE, "height": 844})
    for width in WIDTHS:
        phone.set_viewport_size({"width": width, "height": 844})
        phone.goto(server + notice_progress_path(env, case_id))
        assert "办理进度" in phone.inner_text("main") and number in phone.inner_text("main")
        assert phone.locator("form.rate").count() == 1  # the QR channel is still open
        phone_checks(phone, width)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844})
        for path in ("/me/", f"/me/cases/{case_id}/", "/accounts/password/"):
            page.goto(server + path)
            phone_checks(page, width)


def test_a_refused_rating_shows_its_error_on_a_phone(county, page):
    server, env = county
    page.set_viewport_size({"width": PHONE, "height": 844})
    sign_in(page, server, "applicant")
    page.goto(server + "/me/")
    # 办理情况 says the state in the applicant's words (portal/tracking.py): 已办结（准予）.
    state = page.locator("td[data-label=办理情况]", has_text="已办结")
    closed = page.locator("main table.cases tr", has=state)
    href = closed.first.locator("td.head a").get_attribute("href")
    case_id = int(re.search(r"/me/cases/(\d+)/", href).group(1))
    page.goto(server + notice_progress_path(env, case_id))
    form = page.locator("form.rate")
    form.locator("label", has_text="非常不满意").click()  # bad, and no reason given
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "未能提交" in page.inner_text("main")
    assert form.locator("input[name=level][value='5']").is_checked()  # kept as chosen
    phone_checks(page, PHONE)
