"""Issue 15 item 27: a job process picks up a calendar change made by another process within
FRESHNESS_SECONDS, like the web processes, whether Celery or the in-process runner runs it."""

import datetime
import time

import pytest

from onewindow import jobs, workdays
from onewindow.celery import run_job  # its beat schedule is read from the registry on import
from onewindow.workdays.calendar import build

pytestmark = pytest.mark.django_db

NATIONAL_DAY = datetime.date(2026, 10, 1)  # a Thursday, a holiday in the entered 2026 schedule
SEEN: list[bool] = []
PROBE = "onewindow.supervision.tests.test_i15_27_job_calendar.calendar_probe"


def calendar_probe():
    SEEN.append(workdays.is_workday(NATIONAL_DAY))


@pytest.fixture
def stale_calendar(monkeypatch):
    """This process still holds the calendar of before another process's change (an older
    revision in which 1 October is an ordinary Thursday), last checked FRESHNESS_SECONDS ago."""
    stale = build(
        exceptions={}, provisional_exceptions={}, provisional_years=frozenset(), revision=-1
    )
    monkeypatch.setattr(workdays, "_calendar", stale)
    monkeypatch.setattr(workdays, "_checked_at", time.monotonic() - workdays.FRESHNESS_SECONDS)
    monkeypatch.setitem(jobs.JOBS, "calendar-probe", (0, PROBE))
    SEEN.clear()
    assert workdays.is_workday(NATIONAL_DAY)  # what the process believes before the job runs
    yield
    SEEN.clear()


def test_i15_27_a_celery_job_sees_the_new_calendar(stale_calendar):
    run_job("calendar-probe")  # the task Celery beat schedules, run here in the worker's place
    assert SEEN == [False]
    assert workdays.current().revision != -1


def test_i15_27_the_in_process_runner_refreshes_before_each_job(stale_calendar):
    scheduler = jobs.InProcessScheduler({"calendar-probe": (60, PROBE)}, tick=0.01)
    scheduler.start()
    deadline = time.monotonic() + 10
    while not SEEN and time.monotonic() < deadline:
        time.sleep(0.01)
    scheduler.stop()
    scheduler.join(5)
    assert SEEN == [False] and not scheduler.is_alive()
