"""Browser: the hall manager opens the push page (推送队列), sees a record the provincial
platform's schema refused with its reason in Chinese, and sends it again (重新推送) after the
source was fixed; the page fits a phone. axe-core on every page opened."""

import subprocess

import pytest

from tests.axe import audit
from tests.browser import BIN, copy_prepared, launch, prepare_server, sign_in, stop

pytestmark = pytest.mark.browser

# Run in the server's database before it starts: a demo case's acceptance as refused for its
# unit's credit code (since fixed at the source), with the case's next event waiting behind it.
SEED = """
from django.utils import timezone
from onewindow.cases.models import CaseEvent
from onewindow.exchange.models import Outbox

event = CaseEvent.objects.filter(action="accept").order_by("id").first()
reason = (
    "事项受理（6.3）的受理单位统一社会信用代码（accept_unit_credit_code）不符合要求："
    "统一社会信用代码“11430922MB0000000A”的校验位不正确（应为B），请核对营业执照或登记证书。"
)
Outbox.objects.filter(key=f"case-{event.case_id}", id__gte=Outbox.objects.get(
    event_id=f"case-event-{event.pk}").pk).update(sent_at=None)
Outbox.objects.filter(event_id=f"case-event-{event.pk}").update(
    refused_at=timezone.now(), refusal=reason
)
print(event.pk)
"""


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, worker_id, prepared_county):
    tmp = tmp_path_factory.mktemp("outbox")
    if prepared_county is None:
        env = prepare_server(tmp, worker_id)
    else:
        env = copy_prepared(prepared_county, tmp)
    seeded = subprocess.run(
        [BIN / "onewindow", "shell", "-c", SEED], env=env, check=True, capture_output=True
    )
    event = seeded.stdout.decode().split()[-1]
    proc, url = launch(env, tmp)
    yield url, f"case-event-{event}"
    stop(proc)


def test_the_push_page_fits_a_phone(seeded, browser):
    server, _ = seeded
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    sign_in(page, server, "hallmgr")
    page.goto(server + "/exchange/outbox/")
    assert "校验位不正确" in page.inner_text("main")  # the refused row, as a card
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width} px"
    audit(page)
    context.close()


def test_a_refused_record_is_shown_and_resent(seeded, page):
    server, event_id = seeded
    sign_in(page, server, "hallmgr")
    page.goto(server + "/exchange/outbox/")
    main = page.inner_text("main")
    assert "被拒收的记录" in main and event_id in main
    assert "校验位不正确" in main
    audit(page)
    page.locator("main form button:has-text('重新推送')").first.click()
    page.wait_for_load_state()
    assert "已将1条被拒收的记录重新排队" in page.inner_text("body")
    assert "没有被拒收的记录。" in page.inner_text("main")
    audit(page)
