"""The exchange tests' stand-in provincial receiver, served on a thread with a token."""

import pytest

from onewindow.exchange.receiver import Receiver, serve_in_thread


@pytest.fixture
def receiver(settings):
    app = Receiver(token="t0ken")
    server = serve_in_thread(app)
    settings.ONEWINDOW_PROVINCE_URL = f"http://127.0.0.1:{server.server_port}/records"
    settings.ONEWINDOW_PROVINCE_TOKEN = "t0ken"
    yield app
    server.shutdown()
    server.server_close()
