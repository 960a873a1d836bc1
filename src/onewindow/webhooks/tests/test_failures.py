"""Bad input and bad receivers: a timeout and a 500 are retried with back-off and shown on the
delivery page with a Chinese reason; after MAX_ATTEMPTS a delivery is given up and its case's
later events wait (other cases go on) until 重新投递; addresses and units refused at subscription;
the page for the unit's window supervisor and the system administrator only."""

import datetime
import re
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from onewindow.exchange.receiver import serve_in_thread
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import ApiClientFactory, DeskFactory, staff_user
from onewindow.webhooks import sending
from onewindow.webhooks.models import Delivery, Subscription
from onewindow.webhooks.tests.conftest import post, submit_at
from onewindow.webhooks.tests.receiver import DeptSystem

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _later():
    Delivery.objects.filter(sent_at__isnull=True).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def _page(client, user, subscription_id):
    client.force_login(user)
    response = client.get(f"/webhooks/{subscription_id}/")
    assert response.status_code == 200
    return response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_timeout_and_a_500_are_retried_and_shown_on_the_page(
    client, settings, subscribed, desk, receiver
):
    settings.ONEWINDOW_WEBHOOK_TIMEOUT = 0.5
    case = submit_at(desk)
    receiver.app.hold = threading.Event()  # the system takes the request and does not answer
    assert sending.send().failed == 1
    receiver.app.hold.set()
    delivery = Delivery.objects.get(case_id=case.pk)
    assert delivery.sent_at is None and delivery.attempts == 1
    assert delivery.next_attempt_at > timezone.now()  # backing off
    page = _page(client, desk.winsup, subscribed["id"])
    assert "接收方0.5秒内未应答（超时）" in page and "失败，等待重试" in page

    receiver.app.hold = None
    receiver.app.status = 500
    assert sending.send().failed == 0  # still backing off: not tried
    _later()
    assert sending.send().failed == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    page = _page(client, desk.winsup, subscribed["id"])
    assert "接收方服务器出错（HTTP 500）" in page and "重新投递" in page

    receiver.app.status = 200
    _later()
    assert sending.send().sent == 1
    delivery.refresh_from_db()
    assert delivery.sent_at is not None and delivery.last_error == ""
    assert "已送达" in _page(client, desk.winsup, subscribed["id"])
    # The receiver got the event once, signed, however many times it was tried.
    assert receiver.app.events(case.pk) == [1] and receiver.app.refused == []


@time_machine.travel(NOW, tick=False)
def test_given_up_the_cases_later_events_wait_others_go_on_until_redelivered(
    client, subscribed, desk, receiver
):
    stuck, other = submit_at(desk), submit_at(desk)
    head = Delivery.objects.get(case_id=stuck.pk, seq=1)
    Delivery.objects.filter(pk=head.pk).update(attempts=sending.MAX_ATTEMPTS - 1)
    receiver.app.status = 500
    assert sending.send().given_up == 1
    head.refresh_from_db()
    assert head.attempts == sending.MAX_ATTEMPTS
    receiver.app.status = 200
    from onewindow.cases import services as cases

    cases.case_accept(acting_user=desk.clerk, case=stuck, window_post=desk.post)
    _later()
    assert sending.send().sent == 1  # the other case; the stuck case's accept waits
    assert receiver.app.events(other.pk) == [1] and receiver.app.events(stuck.pk) == []
    page = _page(client, desk.winsup, subscribed["id"])
    assert f"投递失败（已尝试{sending.MAX_ATTEMPTS}次，停止重试）" in page
    assert "接收方服务器出错（HTTP 500）" in page

    url = f"/webhooks/{subscribed['id']}/deliveries/{head.pk}/redeliver/"
    response = client.post(url)
    assert response.status_code == 302
    assert sending.send().sent == 2
    assert receiver.app.events(stuck.pk) == [1, 2]


def test_addresses_refused_with_the_reason(client, settings, dept):
    settings.ONEWINDOW_WEBHOOK_ALLOW_LOOPBACK = False
    refused = {
        "ftp://xt.example.gov.cn/h": "须以 http:// 或 https:// 开头（现为“ftp”）",
        "xt.example.gov.cn/h": "须以 http:// 或 https:// 开头",
        "https:///h": "缺少主机名",
        "http://127.0.0.1:8080/h": "不能是本机地址",
        "http://localhost/h": "不能是本机地址",
        "http://169.254.169.254/latest": "不能是链路本地地址",
        "https://user:pw@xt.example.gov.cn/h": "不能包含用户名或密码",
        "https://xt.example.gov.cn/a b": "不能包含空格",
        "https://xt.example.gov.cn:99999/h": "端口无效",
        "http://0.0.0.0/h": "不能是未指定地址",
    }
    for url, reason in refused.items():
        response = post(client, "/api/webhooks/subscriptions", {"url": url}, dept.key)
        assert response.status_code == 400, url
        assert reason in response.json()["detail"], (url, response.json())
    # A private (intranet) address is a department system's usual place.
    ok = post(client, "/api/webhooks/subscriptions", {"url": "http://10.2.3.4:8080/h"}, dept.key)
    assert ok.status_code == 201 and ok.json()["secret"].startswith("whsec_")
    again = post(client, "/api/webhooks/subscriptions", {"url": "http://10.2.3.4:8080/h"}, dept.key)
    assert again.status_code == 400 and "无须重复订阅" in again.json()["detail"]
    listed = client.get("/api/webhooks/subscriptions", HTTP_X_API_KEY=dept.key).json()
    assert [s["url"] for s in listed] == ["http://10.2.3.4:8080/h"]
    assert "secret" not in listed[0]  # shown once, at creation


def test_a_unit_the_system_does_not_act_for_is_refused(client, dept, desk):
    other = DeskFactory()
    body = {"url": "https://xt.example.gov.cn/h", "unit_id": other.unit.pk}
    response = post(client, "/api/webhooks/subscriptions", body, dept.key)
    assert response.status_code == 403
    assert response.json()["detail"] == (
        f"市监业务系统只代表{desk.unit}，不能订阅{other.unit.name}的办件。"
    )
    province = ApiClientFactory(name="省一体化平台")
    body = {"url": "https://xt.example.gov.cn/h", "unit_id": desk.unit.pk}
    response = post(client, "/api/webhooks/subscriptions", body, province.key)
    assert response.status_code == 403 and "未绑定单位" in response.json()["detail"]
    assert not Subscription.objects.exists()


def test_the_page_for_the_units_window_supervisor_and_the_administrator(client, subscribed, desk):
    sub = subscribed["id"]
    delivery_url = f"/webhooks/{sub}/deliveries/1/redeliver/"
    other = DeskFactory()
    admin = staff_user(RoleCode.SYSADMIN, unit=other.unit)
    client.force_login(admin)
    assert client.get("/webhooks/").status_code == 200
    assert client.get(f"/webhooks/{sub}/").status_code == 200
    client.force_login(desk.winsup)
    listing = client.get("/webhooks/").content.decode()
    assert "市监业务系统" in listing
    client.force_login(other.winsup)  # another unit's window supervisor
    assert "市监业务系统" not in client.get("/webhooks/").content.decode()
    assert client.get(f"/webhooks/{sub}/").status_code == 403
    assert client.post(delivery_url).status_code == 403
    for user in (desk.clerk, desk.teamlead, desk.reviewer):
        client.force_login(user)
        assert client.get("/webhooks/").status_code == 403
        assert client.get(f"/webhooks/{sub}/").status_code == 403
    client.logout()
    assert client.get(f"/webhooks/{sub}/").status_code == 302  # to the login page


@time_machine.travel(NOW, tick=False)
def test_a_receiver_that_is_down_holds_up_no_other_system(client, subscribed, desk, receiver):
    other = DeskFactory()
    healthy = DeptSystem()
    server = serve_in_thread(healthy)
    try:
        system = ApiClientFactory(name="人社业务系统", unit=other.unit)
        url = f"http://127.0.0.1:{server.server_port}/hooks"
        made = post(client, "/api/webhooks/subscriptions", {"url": url}, system.key)
        healthy.secret = made.json()["secret"]
        receiver.stop()  # the first system is down, with the oldest deliveries
        stuck = [submit_at(desk) for _ in range(3)]
        waiting = submit_at(other)
        result = sending.send(batch=2)
        assert (result.sent, result.failed) == (
            1,
            1,
        )  # one refused connection for the dead one, that is all
        assert healthy.events(waiting.pk) == [1] and healthy.refused == []
        assert Delivery.objects.filter(case_id__in=[c.pk for c in stuck], attempts=0).count() == 2
    finally:
        server.shutdown()
        server.server_close()


def test_every_cell_of_the_stacked_tables_carries_its_label_for_phones(client, subscribed, desk):
    submit_at(desk)
    client.force_login(desk.winsup)
    for url in ("/webhooks/", f"/webhooks/{subscribed['id']}/"):
        page = client.get(url).content.decode()
        cells = re.findall(r"<td\b[^>]*>", page)
        assert cells, url
        unlabelled = [
            c
            for c in cells
            if "data-label=" not in c and 'class="head' not in c and "colspan" not in c
        ]
        assert unlabelled == [], url
