"""Demo history (issue 8): a few months of the county hall's life replayed through the same
services the pages call, under a travelled clock, so that the dashboards, appraisal, warnings,
anomalies, 督办 and 好差评 show something true on first run.

Every case is a real case: submitted, accepted (some after a one-time notice, some under 容缺),
reviewed by the team leader, decided by the department (some late, some after an expert review,
a few within minutes, which the anomaly rules catch), delivered and rated; bad ratings get their
tickets worked; the supervision scan, the anomaly rules and the time rules run at the end of
every working day as they would have. Seeded, so two loads make the same county; loaded only
into a database with no cases yet (a second `onewindow demo` changes nothing)."""

import datetime
import itertools
import random

from django.db import transaction
from django.utils import timezone

from onewindow.cases import checkpoints
from onewindow.cases.models import Case
from onewindow.demo import window_day
from onewindow.demo.history.care import Aftercare
from onewindow.demo.history.cases import CaseLife
from onewindow.demo.history.desks import desks
from onewindow.org.models import User
from onewindow.supervision import services, sms


class History(CaseLife, Aftercare):
    def __init__(self, *, start: datetime.date, end: datetime.date, per_day: int, seed: int):
        super().__init__(start=start, end=end, per_day=per_day)
        self.rng = random.Random(seed)
        # The 容缺 story draws from its own stream, so adding it left every other case as it was.
        self.side = random.Random(seed + 1)
        # So does the courier's receipt of a mailed result (确认签收).
        self.mail = random.Random(seed + 2)
        self.people = itertools.count(1)
        self.inspector = User.objects.get(username="inspector")
        self.desks = desks(start)
        self.desk_of = {unit.pk: d for d in self.desks for unit in d.post.units.all()}
        self.counts = {"cases": 0}


def load(
    *, days: int = 120, per_day: int = 30, seed: int = 2026, today: datetime.date | None = None
) -> dict[str, int]:
    """Replay `days` calendar days up to yesterday, about `per_day` applications a working day.
    Does nothing where cases exist already (other than the clerk's queues of the day, which
    `window_day` makes first)."""
    if days <= 0 or Case.objects.exclude(source=window_day.SOURCE).exists():
        return {"history_cases": 0}
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=days)
    with transaction.atomic():
        history = History(
            start=start, end=today - datetime.timedelta(days=1), per_day=per_day, seed=seed
        )
    with sms.silenced():
        history.run()
    services.scan(today)
    checkpoints.take(today=today, since=start)  # the daily checkpoints the job would have written
    return {"history_cases": history.counts["cases"]}
