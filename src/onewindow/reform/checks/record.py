"""The daily reform scan: for every listed unit and check, the first day it was seen passing
(set once, never moved) and whether it passes on the day seen (R3's timetable reads these)."""

import datetime

from django.db import transaction
from django.utils import timezone

from onewindow.reform.checks import checks_for_units
from onewindow.reform.models import CheckPassed


@transaction.atomic
def record_checks(day: datetime.date | None = None) -> int:
    """Compute the checks of every scorecard unit for `day` and update `CheckPassed`; the
    number of checks first passed on this run."""
    from onewindow.reform.selectors import scorecard_units

    day = day or timezone.localdate()
    units = list(scorecard_units())
    results = checks_for_units(units, day)
    known = {
        (r.unit_id, r.kind): r
        for r in CheckPassed.objects.select_for_update().filter(unit__in=units)
    }
    new, changed, first = [], [], 0
    for unit_id, checks in results.items():
        for kind, result in checks.items():
            row = known.get((unit_id, str(kind)))
            if row is None:
                row = CheckPassed(unit_id=unit_id, kind=str(kind), seen_on=day)
                new.append(row)
            elif row.seen_on > day:
                continue  # a later day was already recorded: never go back in time
            else:
                changed.append(row)
            row.passing, row.seen_on = result.passed, day
            if result.passed and row.first_passed_on is None:
                row.first_passed_on = day
                first += 1
    CheckPassed.objects.bulk_create(new)
    CheckPassed.objects.bulk_update(changed, ["passing", "seen_on", "first_passed_on"])
    return first
