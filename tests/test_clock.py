"""Item 1 of «Trust what exists»: no test reads the real clock. The suite runs on its own
travelled clock (conftest.py, tests/clock/), and so does every process a test starts."""

import datetime
import os
import subprocess
import sys

from django.utils import timezone


def _suite_now() -> datetime.datetime:
    return datetime.datetime.fromisoformat(os.environ["ONEWINDOW_TEST_NOW"])


def test_i15_01_the_test_process_runs_on_the_suite_clock():
    now = timezone.now()
    start = _suite_now()
    # The clock ticks from the suite's instant: later, but by the run's length, not by years.
    assert start <= now < start + datetime.timedelta(hours=2)
    assert timezone.localdate() == start.date()


def test_i15_01_a_child_process_joins_the_same_timeline():
    code = "import datetime; print(datetime.datetime.now(datetime.timezone.utc).isoformat())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    child = datetime.datetime.fromisoformat(out.stdout.strip())
    # Within a minute of this process's clock, not at the real date or at the run's start.
    assert abs(child - timezone.now()) < datetime.timedelta(minutes=1)
    assert child >= _suite_now()
