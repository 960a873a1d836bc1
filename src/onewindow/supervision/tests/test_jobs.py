"""The periodic jobs: one registry, run in-process without a broker, scheduled by Celery beat."""

import datetime
import time

import pytest

from onewindow import jobs
from onewindow.cases.models import Case
from onewindow.cases.workflow import Light, State
from onewindow.testing.factories import CaseFactory

pytestmark = pytest.mark.django_db

CALLS: list[int] = []


def counting_job():
    CALLS.append(1)


def failing_job():
    raise RuntimeError("boom")


def test_in_process_scheduler_runs_each_job_and_survives_a_failure():
    CALLS.clear()
    scheduler = jobs.InProcessScheduler(
        {
            "count": (0, "onewindow.supervision.tests.test_jobs.counting_job"),
            "fail": (0, "onewindow.supervision.tests.test_jobs.failing_job"),
        },
        tick=0.01,
    )
    scheduler.start()
    deadline = time.monotonic() + 5
    while len(CALLS) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    scheduler.stop()
    scheduler.join(2)
    assert len(CALLS) >= 3 and scheduler.runs["fail"] == 0  # the failure did not stop it


def test_the_scan_job_moves_lights():
    case = CaseFactory(state=State.TRANSFERRED, day=datetime.date.today())
    jobs.run("supervision-scan")
    assert Case.objects.get(pk=case.pk).light in (Light.GREEN, Light.YELLOW)


def test_celery_beat_schedules_every_registered_job():
    from onewindow.celery import app, run_job

    assert set(app.conf.beat_schedule) == set(jobs.JOBS)
    entry = app.conf.beat_schedule["supervision-scan"]
    assert entry["task"] == run_job.name and entry["args"] == ("supervision-scan",)
    assert "ScanResult" in run_job("supervision-scan")  # the task runs the same function
