"""`onewindow serve` starts the periodic jobs and, in development, the provincial stand-in
beside gunicorn; `--no-jobs` (a second web node, a page test) starts neither."""

import pytest
from django.core.management import call_command
from gunicorn.app.base import BaseApplication

from onewindow.web.management.commands import serve


@pytest.fixture
def started(monkeypatch, settings):
    settings.ONEWINDOW_PROVINCE_URL = ""
    settings.CELERY_BROKER_URL = ""
    settings.PRODUCTION = False
    monkeypatch.setattr(BaseApplication, "run", lambda self: None)
    helpers = []

    class Helper:
        def __init__(self, args):
            helpers.append(args[0])

        def terminate(self):
            pass

        def wait(self, timeout):
            pass

    monkeypatch.setattr(serve, "_start", lambda args, env: Helper(args))
    return helpers


def test_serve_starts_the_jobs_and_the_stand_in(started, settings):
    call_command("serve", "--port", "0")
    assert started == ["province_receiver", "run_jobs_forever"]
    # the web workers it forks show the stand-in's address, not 未配置
    assert settings.ONEWINDOW_PROVINCE_URL.startswith("http://127.0.0.1:")


def test_serve_without_jobs_starts_neither(started):
    call_command("serve", "--port", "0", "--no-jobs")
    assert started == []
