"""Issue 15 item 20: guesses on the SMS rating API are limited; with ONEWINDOW_CACHE_URL the
counts are shared by every server process instead of kept in each one's memory."""

import os
import socket
import subprocess
import sys
import uuid

import pytest
from django.core.cache import caches

from onewindow.common import ratelimit

REDIS = "redis://127.0.0.1:6379/15"


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
        return True
    except OSError:
        return False


@pytest.fixture
def shared_cache(settings):
    if not _redis_answers():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis at 127.0.0.1:6379 does not answer (CI=true)")
        pytest.skip("Redis at 127.0.0.1:6379 does not answer")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}
    }
    yield
    # Not cleared: the test's keys are its own (a fresh name) and expire within a minute, and
    # another test run may be counting in the same Redis database at the same time.
    caches["default"].close()


def test_i15_20_a_shared_cache_counts_guesses_across_processes(shared_cache):
    scope, name = "sms-test", uuid.uuid4().hex  # nothing left from another run
    for _ in range(3):
        ratelimit.count(scope, [name], 60)
    assert ratelimit.exceeded(scope, [name], 3)
    code = (
        "import django; django.setup(); from onewindow.common import ratelimit; "
        f"print(ratelimit.exceeded({scope!r}, [{name!r}], 3), ratelimit.exceeded({scope!r}, "
        f"[{name!r}], 4))"
    )
    env = {
        **os.environ,
        "ONEWINDOW_CACHE_URL": REDIS,
        "DJANGO_SETTINGS_MODULE": "onewindow.settings",
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["True", "False"], out.stderr  # another process sees the 3
