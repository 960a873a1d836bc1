"""Celery for production: `celery -A onewindow worker --beat` with `ONEWINDOW_BROKER_URL`
(e.g. redis://127.0.0.1:6379/0). The periodic jobs come from `onewindow.jobs.JOBS`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")

app = Celery("onewindow")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name="onewindow.run_job")
def run_job(name: str):
    from onewindow import jobs

    result = jobs.run(name)
    return repr(result)


def _schedule() -> dict:
    from onewindow.jobs import JOBS

    return {
        name: {"task": "onewindow.run_job", "schedule": float(every), "args": (name,)}
        for name, (every, _path) in JOBS.items()
    }


app.conf.beat_schedule = _schedule()
