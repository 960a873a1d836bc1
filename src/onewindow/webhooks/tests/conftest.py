import ipaddress
import json
import socket

import pytest

from onewindow.cases.tests.conftest import DAY, submit_at
from onewindow.exchange.receiver import serve_in_thread
from onewindow.testing.factories import ApiClientFactory, DeskFactory
from onewindow.webhooks import addresses, services
from onewindow.webhooks.tests.receiver import DeptSystem

__all__ = ["DAY", "submit_at"]


@pytest.fixture(autouse=True)
def _fresh_unit_set():
    """Each test reads the set of units with subscriptions from its own database, and leaves
    none behind for the next test in this process (ids are reused after a rollback)."""
    services.forget_live_units()
    yield
    services.forget_live_units()


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.ONEWINDOW_WEBHOOK_ALLOW_LOOPBACK = True
    settings.ONEWINDOW_WEBHOOK_TIMEOUT = 2.0
    settings.ONEWINDOW_PUBLIC_URL = "http://testserver"


class FakeDNS:
    """What host names resolve to in the tests (no real DNS): `names[host]`, a list of
    addresses; a name not listed does not exist."""

    def __init__(self):
        self.names: dict[str, list[str]] = {"xt.example.gov.cn": ["10.20.30.40"]}
        self.asked: list[str] = []

    def __call__(self, host: str, port: int):
        self.asked.append(host)
        if host not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [ipaddress.ip_address(a) for a in self.names[host]]


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    fake = FakeDNS()
    monkeypatch.setattr(addresses, "resolve", fake)
    return fake


@pytest.fixture
def desk(db):
    return DeskFactory()


@pytest.fixture
def dept(desk):
    """The unit's own system, which records decisions as the unit's reviewer."""
    return ApiClientFactory(name="市监业务系统", unit=desk.unit, acting_user=desk.reviewer)


class Server:
    """A DeptSystem served on a port that stays the same across an outage (stop, start)."""

    def __init__(self, app: DeptSystem):
        self.app = app
        self.server = serve_in_thread(app)
        self.port = self.server.server_port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/onewindow/hooks"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def start(self) -> None:
        self.server = serve_in_thread(self.app, port=self.port)


@pytest.fixture
def receiver():
    server = Server(DeptSystem())
    yield server
    if server.app.hold is not None:
        server.app.hold.set()
    server.stop()


def post(client, url, body, key):
    return client.post(url, json.dumps(body), content_type="application/json", HTTP_X_API_KEY=key)


@pytest.fixture
def subscribed(client, dept, receiver):
    """The unit's system subscribed to the receiver; its secret given to the receiver."""
    response = post(client, "/api/webhooks/subscriptions", {"url": receiver.url}, dept.key)
    assert response.status_code == 201, response.content
    receiver.app.secret = response.json()["secret"]
    return response.json()
