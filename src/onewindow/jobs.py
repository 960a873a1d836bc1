"""Periodic jobs. With a broker (`ONEWINDOW_BROKER_URL`), Celery beat schedules them and a
worker runs them (`onewindow.celery`); without one, `onewindow serve` starts `run_jobs_forever`,
a process of its own beside gunicorn, which runs the same functions one after another in an
`InProcessScheduler` thread, so `make run` has them too. Either way, one registry."""

import logging
import threading
import time

from django.db import close_old_connections, connections
from django.utils.module_loading import import_string

from onewindow import workdays

log = logging.getLogger("onewindow.jobs")

# name: (every so many seconds, the dotted path of the function)
JOBS: dict[str, tuple[int, str]] = {
    "supervision-scan": (60, "onewindow.supervision.services.scan"),
    "supervision-sweep": (3600, "onewindow.supervision.services.sweep"),
    "supervision-orders": (600, "onewindow.supervision.orders.escalate_overdue"),
    "supervision-anomalies": (600, "onewindow.supervision.anomalies.detect"),
    "dashboard-rollup": (60, "onewindow.supervision.dashboard.rollup"),
    "case-time-rules": (600, "onewindow.cases.services.apply_time_rules"),
    # Daily in effect: each run writes the checkpoints of the days since the last one, if any.
    "case-checkpoint": (600, "onewindow.cases.checkpoints.take"),
    "province-push": (5, "onewindow.exchange.services.push"),
    # Nothing without ONEWINDOW_PROVINCE_PULL_URL (a platform that pushes needs no pull).
    "province-pull": (60, "onewindow.cases.province_pull.pull"),
    "sms-send": (5, "onewindow.exchange.services.sms_send"),
    "webhook-send": (5, "onewindow.webhooks.sending.send"),
    # Verification codes a day past their expiry (only hashes and digests, but kept no longer).
    "account-codes-purge": (3600, "onewindow.accounts.codes.purge"),
    # Daily in effect (once per unit, task and day; spot checks past their day become overdue).
    "reform-remind": (3600, "onewindow.reform.jobs.remind"),
    "reform-spot-checks": (3600, "onewindow.reform.jobs.spot_checks_overdue"),
    "reform-checks": (3600, "onewindow.reform.jobs.record_checks"),
}


def call(path: str):
    """Run the job function at `path` as both runners do: with the calendar this process holds
    brought up to date first (another process may have edited it; at most one small query
    every workdays.FRESHNESS_SECONDS), as the web processes do per request."""
    workdays.ensure_fresh()
    return import_string(path)()


def run(name: str):
    """Run one job now (Celery's Django fix-up manages the worker's connections)."""
    return call(JOBS[name][1])


class InProcessScheduler(threading.Thread):
    """Runs every job when due, one after another, until stopped. A failing job is logged and
    tried again at its next turn."""

    def __init__(self, jobs: dict[str, tuple[int, str]] | None = None, tick: float = 1.0):
        super().__init__(name="onewindow-jobs", daemon=True)
        self.jobs = jobs if jobs is not None else JOBS
        self.tick = tick
        self.stopped = threading.Event()
        self.runs: dict[str, int] = dict.fromkeys(self.jobs, 0)

    def run(self) -> None:
        log.warning("no broker configured: periodic jobs run in-process (%s)", ", ".join(self.jobs))
        due = dict.fromkeys(self.jobs, 0.0)
        while not self.stopped.is_set():
            now = time.monotonic()
            for name, (every, path) in self.jobs.items():
                if now < due[name]:
                    continue
                due[name] = now + every
                try:
                    close_old_connections()
                    call(path)
                    self.runs[name] += 1
                except Exception:
                    log.exception("job %s failed", name)
                finally:
                    close_old_connections()
            self.stopped.wait(self.tick)
        connections.close_all()  # this thread's own connections

    def stop(self) -> None:
        self.stopped.set()
