"""Browser: the demo unit's window supervisor opens the department-system webhooks, one
subscription's deliveries (sent, failing with the Chinese reason, given up) and sends a given-up
delivery again (重新投递). axe-core on every page opened."""

import subprocess

import pytest

from tests.axe import audit
from tests.browser import BIN, copy_prepared, launch, prepare_server, sign_in, stop

pytestmark = pytest.mark.browser

# Run in the server's database before it starts: the unit's system subscribed to an address
# where nothing listens, one of its events sent, one failing, one given up.
SEED = """
from django.db import transaction
from django.utils import timezone
from onewindow.cases.api import issue_key
from onewindow.cases.models import ApiClient
from onewindow.org.models import Unit
from onewindow.webhooks import sending, services
from onewindow.webhooks.models import Delivery

unit = Unit.objects.get(short_name="县市监局")
client = ApiClient(name="市监业务系统", unit=unit)
issue_key(client)
sub, _ = services.subscription_create(client=client, url="http://127.0.0.1:9/onewindow/hooks")
case = {"id": 1, "number": "430922-20261201-0001", "href": "/api/cases/1"}
event = {"seq": 1, "action": "submit", "from_state": "", "to_state": "received"}
with transaction.atomic():
    for n, (attempts, sent, error) in enumerate(
        [
            (0, True, ""),
            (1, False, sending.failure(status=503)),
            (sending.MAX_ATTEMPTS, False, sending.failure(status=500)),
        ],
        start=1,
    ):
        Delivery.objects.create(
            subscription=sub, case_id=n, seq=1, action="submit",
            payload={"case": {**case, "id": n}, "event": event},
            attempts=attempts, last_error=error,
            sent_at=timezone.now() if sent else None,
            next_attempt_at=timezone.now() + timezone.timedelta(hours=1) if attempts else None,
        )
"""


@pytest.fixture(scope="module")
def hooked(tmp_path_factory, worker_id, prepared_county):
    tmp = tmp_path_factory.mktemp("webhooks")
    if prepared_county is None:
        env = prepare_server(tmp, worker_id)
    else:
        env = copy_prepared(prepared_county, tmp)
    seed_env = {**env, "ONEWINDOW_WEBHOOK_ALLOW_LOOPBACK": "true"}
    subprocess.run([BIN / "onewindow", "shell", "-c", SEED], env=seed_env, check=True)
    proc, url = launch(env, tmp)
    yield url
    stop(proc)


def test_a_units_deliveries_and_redelivery(hooked, page):
    sign_in(page, hooked, "winsup")
    page.goto(hooked + "/webhooks/")
    assert "市监业务系统" in page.inner_text("main")
    audit(page)
    page.click("main a:has-text('市监业务系统')")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "已送达" in main
    assert "接收方服务器出错（HTTP 500），请联系部门系统的维护人员。" in main
    assert "投递失败（已尝试16次，停止重试）" in main
    audit(page)
    page.locator("main form button:has-text('重新投递')").first.click()
    page.wait_for_load_state()
    assert "将在下一轮重新投递" in page.inner_text("body")
    audit(page)


def test_the_deliveries_fit_a_phone(hooked, browser):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    sign_in(page, hooked, "winsup")
    page.goto(hooked + "/webhooks/")
    with page.expect_navigation():
        page.locator("main a:has-text('市监业务系统')").tap()
    page.wait_for_load_state()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width} px"
    audit(page)
    context.close()
