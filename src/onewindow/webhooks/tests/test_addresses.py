"""The receiving address against server-side request forgery: an IPv4 address in a non-standard
form, a host name that resolves to the machine itself or to the link-local metadata service
(at subscription, and again before each send, when DNS may have changed), and the send going to
the address checked. The resolver is the tests' `dns` (conftest.FakeDNS): no real DNS."""

import datetime
import http.server
import ssl
import threading
from io import StringIO
from zoneinfo import ZoneInfo

import httpx
import pytest
import time_machine
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.exchange import services as exchange
from onewindow.testing.factories import DeskFactory
from onewindow.webhooks import addresses, sending, services
from onewindow.webhooks.models import Delivery
from onewindow.webhooks.tests.conftest import post, submit_at

NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    "host",
    [
        "2852039166",  # 169.254.169.254 as one number
        "0xa9fea9fe",
        "0x7f000001",
        "127.1",
        "0",
        "0177.0.0.1",  # octal
        "127.0.0.01",
        "0x7f.0.0.1",
        "10.2.3.0x4",
    ],
)
def test_an_ip_address_in_a_non_standard_form_is_refused_even_on_a_test_machine(settings, host):
    for allow_loopback in (False, True):
        settings.ONEWINDOW_WEBHOOK_ALLOW_LOOPBACK = allow_loopback
        with pytest.raises(ValidationError) as refused:
            services.check_url(f"http://{host}:8000/hooks")
        assert "非标准写法的IP地址" in refused.value.message_dict["url"][0]


@pytest.mark.parametrize(
    "url, kind",
    [
        ("http://[::ffff:169.254.169.254]/h", "链路本地地址"),  # IPv4-mapped
        ("http://[::ffff:127.0.0.1]/h", "本机地址"),
        ("http://[64:ff9b::a9fe:a9fe]/h", "链路本地地址"),  # NAT64 of 169.254.169.254
        ("http://[::1]/h", "本机地址"),
        ("http://[fe80::1]/h", "链路本地地址"),
        ("http://224.0.0.1/h", "组播地址"),
        ("http://240.0.0.1/h", "保留地址"),
        ("http://0.1.2.3/h", "未指定地址"),
    ],
)
def test_ip_addresses_refused_by_kind(settings, url, kind):
    settings.ONEWINDOW_WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError) as refused:
        services.check_url(url)
    assert f"不能是{kind}" in refused.value.message_dict["url"][0]


def test_a_host_name_is_refused_when_any_of_its_addresses_is(settings, dns):
    settings.ONEWINDOW_WEBHOOK_ALLOW_LOOPBACK = False
    dns.names.update(
        {
            "meta.example.gov.cn": ["169.254.169.254"],
            "lo.example.gov.cn": ["10.1.1.1", "127.0.0.1"],
            "mapped.example.gov.cn": ["::ffff:127.0.0.1"],
            "xt.intranet": ["192.168.10.20"],
        }
    )
    reasons = {
        "https://meta.example.gov.cn/h": "“meta.example.gov.cn”解析到链路本地地址",
        "https://lo.example.gov.cn/h": "“lo.example.gov.cn”解析到本机地址",
        "https://mapped.example.gov.cn/h": "“mapped.example.gov.cn”解析到本机地址",
        "https://nowhere.example.gov.cn/h": "无法解析接收地址的主机名“nowhere.example.gov.cn”",
    }
    for url, reason in reasons.items():
        with pytest.raises(ValidationError) as refused:
            services.check_url(url)
        assert reason in refused.value.message_dict["url"][0], url
    # Intranet addresses are a department system's usual place.
    assert services.check_url("https://xt.intranet/h") == "https://xt.intranet/h"
    # A receiver on the same machine, where loopback is allowed (tests, a demo).
    settings.ONEWINDOW_WEBHOOK_ALLOW_LOOPBACK = True
    assert services.check_url("https://lo.example.gov.cn/h") == "https://lo.example.gov.cn/h"


def test_the_send_goes_to_the_address_checked_with_the_name_as_host_and_tls_server_name(dns):
    dns.names["xt.example.gov.cn"] = ["10.20.30.40", "10.20.30.41"]
    to = addresses.target("https://xt.example.gov.cn:8443/onewindow/hooks?k=1", now=True)
    assert to.url == "https://10.20.30.40:8443/onewindow/hooks?k=1"
    assert to.headers == {"Host": "xt.example.gov.cn:8443"}
    assert to.extensions == {"sni_hostname": "xt.example.gov.cn"}
    dns.names["xt.example.gov.cn"] = ["fd00::7"]
    assert addresses.target("http://xt.example.gov.cn/h").url == "http://[fd00::7]/h"
    # An address written as an IP is used as it is.
    assert addresses.target("http://10.2.3.4:8080/h") == addresses.Target("http://10.2.3.4:8080/h")


def _certificate(tmp_path, name: str) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(datetime.datetime(2000, 1, 1))
        .not_valid_after(datetime.datetime(2100, 1, 1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")


def test_a_pinned_https_send_names_the_host_in_tls_and_checks_its_certificate(tmp_path, dns):
    """Connected to the checked IP, the TLS server name and the certificate check are still the
    host name's (a certificate for another name fails)."""
    cert, key = _certificate(tmp_path, "xt.example.gov.cn")
    seen: dict[str, str] = {}

    class Answer(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            seen["host"] = self.headers["Host"]
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Answer)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    tls.sni_callback = lambda sock, name, ctx: seen.update(sni=name)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        dns.names["xt.example.gov.cn"] = ["127.0.0.1"]
        trusted = ssl.create_default_context(cafile=cert)
        with httpx.Client(verify=trusted, trust_env=False) as http_client:
            to = addresses.target(f"https://xt.example.gov.cn:{port}/h", now=True)
            reply = http_client.post(to.url, headers=to.headers, extensions=to.extensions)
            assert reply.status_code == 204
            assert seen == {"sni": "xt.example.gov.cn", "host": f"xt.example.gov.cn:{port}"}
            dns.names["other.example.gov.cn"] = ["127.0.0.1"]
            to = addresses.target(f"https://other.example.gov.cn:{port}/h", now=True)
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                http_client.post(to.url, headers=to.headers, extensions=to.extensions)
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_name_that_resolves_elsewhere_after_subscription_fails_the_delivery(
    client, settings, monkeypatch, dns, dept, desk, receiver
):
    name = "xt.example.gov.cn"
    dns.names[name] = ["127.0.0.1"]  # the receiver, on this machine (loopback allowed here)
    url = f"http://{name}:{receiver.port}/onewindow/hooks"
    made = post(client, "/api/webhooks/subscriptions", {"url": url}, dept.key)
    assert made.status_code == 201, made.content
    receiver.app.secret = made.json()["secret"]
    first = submit_at(desk)
    # A proxy from the environment is not used: it would connect where it resolves the name.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    assert sending.send().sent == 1
    # Sent to the address checked (the real DNS knows no such name), the name as Host.
    assert receiver.app.events(first.pk) == [1]
    assert receiver.app.hosts == [f"{name}:{receiver.port}"]

    dns.names[name] = ["169.254.169.254"]  # the name now points at the metadata service
    asked = len(dns.asked)
    second = submit_at(desk)
    result = sending.send()
    assert (result.sent, result.failed) == (0, 1)
    assert len(dns.asked) == asked + 1  # resolved again before the send
    failed = Delivery.objects.get(case_id=second.pk)
    assert failed.last_error == (
        f"接收地址的主机名“{name}”现在解析到链路本地地址（169.254.0.0/16、fe80::/10）"
        "（169.254.169.254），本次未推送；请部门系统的维护人员核对域名解析。"
    )
    assert receiver.app.posts == 1  # nothing went out

    settings.ONEWINDOW_WEBHOOK_ALLOW_LOOPBACK = False  # a production machine
    dns.names[name] = ["127.0.0.1"]
    Delivery.objects.update(next_attempt_at=None)
    assert sending.send().failed == 1
    assert "现在解析到本机地址" in Delivery.objects.get(case_id=second.pk).last_error
    assert receiver.app.posts == 1


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_system_rebound_to_another_unit_gets_no_more_of_the_old_units_cases(
    client, subscribed, dept, desk, receiver
):
    waiting = submit_at(desk)  # written while the system acted for the unit
    other = DeskFactory()
    call_command(
        "api_client", dept.name, "--unit", other.unit.short_name, "--keep-key", stdout=StringIO()
    )
    services.forget_live_units()
    submit_at(desk)
    assert list(Delivery.objects.values_list("case_id", flat=True)) == [waiting.pk]
    assert sending.claim()[1] == [] and sending.send().sent == 0
    assert receiver.app.posts == 0
    submit_at(other)  # the subscription was to the old unit: nothing of the new one either
    assert Delivery.objects.count() == 1
    client.force_login(desk.winsup)  # the old unit's page says so
    assert "已停止：部门系统已改为代表其他单位" in client.get("/webhooks/").content.decode()


@pytest.mark.django_db
def test_webhook_claims_take_their_own_lock_not_the_provincial_pushs(subscribed, desk):
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    submit_at(desk)
    with CaptureQueriesContext(connection) as queries:
        assert len(sending.claim()[1]) == 1
    locks = [q["sql"] for q in queries.captured_queries if "pg_advisory_xact_lock" in q["sql"]]
    assert locks == [f"SELECT pg_advisory_xact_lock({sending.CLAIM_LOCK})"]
    assert sending.CLAIM_LOCK != exchange.CLAIM_LOCK
