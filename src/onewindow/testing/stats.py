"""The rollup as its periodic job would run it a few minutes from now: every case event so far
counted into DayStat and DecisionStat. The pages that read them (dashboards, appraisal, the
reform scorecard) lag the event log by up to the job's interval, so a test that checks their
figures rolls the log up first, as the job would have."""

import datetime

from django.utils import timezone


def rolled_up() -> int:
    """The number of events counted now (0 when the rollup was up to date)."""
    from onewindow.supervision.dashboard import rollup

    return rollup(timezone.now() + datetime.timedelta(minutes=5))
