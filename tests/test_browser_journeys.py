"""Browser journeys (issue 9): an instant item accepted and decided at the window with its
printed notices; a one-time notice and the applicant's return visit; the supervision dashboard
rendering its charts over the demo history. A failing journey leaves a screenshot in
test-results/."""

import pytest

from tests.browser import deliver_at_window, sign_in, start_server, stop

pytestmark = pytest.mark.browser

ID = "430922198001011232"


def _act(page, label):
    page.click(f"form:has(strong:text-is('{label}')) button[type=submit]")
    page.wait_for_load_state()


def _new_application(page, server, initials, name):
    page.goto(server + "/cases/window/")
    page.fill("#item-q", initials)
    page.click("main form[role=search] button[type=submit]")
    page.click(f"text={name}")
    page.fill("input[name=applicant_name]", "王小明")
    page.fill("input[name=applicant_id]", ID)
    page.fill("input[name=phone]", "13807371234")


def _pdf(page, label) -> bytes:
    href = page.get_attribute(f"a.button:has-text('{label}')", "href")
    response = page.request.get(page.url.split("/cases/")[0] + href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    return response.body()


def test_instant_item_decided_at_the_window_with_printed_notices(server, page):
    sign_in(page, server, "clerk")
    _new_application(page, server, "gtgs", "个体工商户设立登记")
    page.click("main form button[type=submit]")
    assert "已收件" in page.inner_text("main")
    _act(page, "受理")
    assert "已受理" in page.inner_text("main h1")
    assert _pdf(page, "受理通知书").startswith(b"%PDF")
    _act(page, "窗口即办决定")
    assert "已决定" in page.inner_text("main h1")
    deliver_at_window(page, "王小明", ID)
    assert "已办结" in page.inner_text("main h1")
    for label in ("行政审批决定书", "送达回证"):
        assert _pdf(page, label).startswith(b"%PDF")


def test_one_time_notice_then_the_return_visit(server, page):
    sign_in(page, server, "clerk")
    _new_application(page, server, "spsc", "食品生产许可")
    first = page.locator("main select[name^=m_]").first
    first.select_option("missing")  # the applicant forgot the application form
    page.click("main form button[type=submit]")
    assert "已收件" in page.inner_text("main")
    form = page.locator("form:has(strong:text-is('一次性告知补正'))")
    form.locator("input[name^=problem_]").first.fill("申请书未签字，请签字后提交")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "补正中" in page.inner_text("main h1")
    assert _pdf(page, "一次性告知书").startswith(b"%PDF")
    # the return visit: the missing material is brought, and the case is accepted
    _act(page, "补正材料已交")
    assert "待受理" in page.inner_text("main h1")
    _act(page, "受理")
    assert "已受理" in page.inner_text("main h1")


@pytest.fixture(scope="module")
def history_server(tmp_path_factory, worker_id):
    proc, url = start_server(tmp_path_factory.mktemp("history"), worker_id + "h", history_days=12)
    yield url
    stop(proc)


def test_dashboard_renders_its_charts(history_server, page):
    sign_in(page, history_server, "inspector")
    page.goto(history_server + "/supervision/")
    for chart in ("#chart-lights", "#chart-units", "#chart-trend"):
        page.wait_for_selector(f"{chart} canvas", timeout=10_000)
        box = page.locator(f"{chart} canvas").first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100
    assert page.evaluate("typeof echarts") == "object"
    trend = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('chart-trend'))"
        ".getOption().series[0].data.reduce((a, b) => a + b, 0)"
    )
    assert trend > 0  # the history's applications, counted by the rollup
    messages = []
    page.on("console", lambda m: messages.append(m.text) if m.type == "error" else None)
    page.reload()
    page.wait_for_selector("#chart-trend canvas")
    assert not [m for m in messages if "Content Security Policy" in m]
