"""The suite's clock: every test process, and every server or job process a test starts, runs on
one travelled timeline instead of the real date (no test reads the real clock).

The root conftest.py sets ONEWINDOW_TEST_NOW (an ISO date-time, default in conftest) and
ONEWINDOW_TEST_CLOCK_SET_AT (the real epoch at which that instant was "now"), and puts this folder
on PYTHONPATH, so Python imports this module at the start of every child process too: a browser
test's `onewindow serve`, its gunicorn workers and its job runner all share the test's timeline.
The clock ticks from there, so timeouts and durations behave as usual.
"""

import datetime
import os
import time

_traveller = None


def start() -> None:
    """Travel to ONEWINDOW_TEST_NOW (once per process); nothing when it is not set."""
    global _traveller
    now = os.environ.get("ONEWINDOW_TEST_NOW")
    if not now or _traveller is not None:
        return
    import time_machine

    destination = datetime.datetime.fromisoformat(now)
    if destination.tzinfo is None:
        raise ValueError(f"ONEWINDOW_TEST_NOW needs a UTC offset, e.g. +08:00: {now!r}")
    set_at = float(os.environ.get("ONEWINDOW_TEST_CLOCK_SET_AT", time.time()))
    # A process started later than the test run joins the same timeline, not its start.
    destination += datetime.timedelta(seconds=max(0.0, time.time() - set_at))
    _traveller = time_machine.travel(destination, tick=True)
    _traveller.start()


start()
