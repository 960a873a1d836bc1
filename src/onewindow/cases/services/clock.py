"""The law's clock of a case: its number and start at acceptance, the due and yellow dates
from the promised limit, extensions and suspended days, and their recomputation when the
calendar or the thresholds change."""

import datetime
from collections.abc import Callable

from django.db import connection, transaction

from onewindow.cases import events
from onewindow.cases.models import Case
from onewindow.cases.workflow import State
from onewindow.org.models import Unit
from onewindow.workdays.deadlines import (
    DEFAULT_YELLOW,
    YellowRule,
    due_date,
    suspended_days,
    yellow_from,
)


def case_number(unit: Unit, day: datetime.date) -> str:
    """Region (6) + date (8) + unit (4) + sequence (5): readable, unique, never reused. One upsert
    on the unit's counter row for the day: only that unit's acceptances of that day queue."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_casecounter (unit_id, day, last) VALUES (%s, %s, 1) "
            "ON CONFLICT (unit_id, day) DO UPDATE SET last = cases_casecounter.last + 1 "
            "RETURNING last",
            [unit.pk, day],
        )
        seq = cursor.fetchone()[0]
    region = unit.region.code[:6]
    return f"{region}{day:%Y%m%d}{unit.pk:04d}{seq:05d}"


def _start_clock(case: Case, accepted_on: datetime.date, day: datetime.date) -> None:
    case.number = case_number(case.unit, day)
    case.accepted_on = accepted_on
    _set_due(case)


# Where the yellow-warning thresholds in force come from: supervision (a higher app) registers
# its settings here; without it, the documented defaults.
YELLOW_RULES: list[Callable[[], YellowRule]] = []


def yellow_rule() -> YellowRule:
    return YELLOW_RULES[0]() if YELLOW_RULES else DEFAULT_YELLOW


def recompute_yellow(changed_since: datetime.datetime | None = None) -> int:
    """After the thresholds changed: the yellow-from date of every open, accepted case (or of
    those written since `changed_since`)."""
    rule, changed = yellow_rule(), []
    qs = Case.objects.filter(state__in=[State.ACCEPTED, State.TRANSFERRED, State.SUSPENDED])
    if changed_since is not None:
        qs = qs.filter(updated_at__gte=changed_since)
    for case in qs.only("id", "accepted_on", "due_date", "yellow_from").iterator(2000):
        new = yellow_from(case.accepted_on, case.due_date, rule)
        if new != case.yellow_from:
            case.yellow_from = new
            changed.append(case)
    Case.objects.bulk_update(changed, ["yellow_from"], batch_size=2000)
    return len(changed)


def _set_due(case: Case) -> None:
    """Due and yellow dates from the promised limit, extensions and suspended days."""
    limit = case.item.promised_limit + case.extended_days + case.suspended_total
    deadline = due_date(case.accepted_on, limit)
    case.due_date, case.due_provisional = deadline.due, deadline.provisional
    case.yellow_from = yellow_from(case.accepted_on, case.due_date, yellow_rule())


def _resume_clock(case: Case, today: datetime.date) -> None:
    """After a suspension: the due date moves by the working days suspended."""
    case.suspended_total += suspended_days(case.suspended_on, today)
    case.suspended_on = None
    _set_due(case)


def recompute_deadlines(years: set[int]) -> int:
    """After a calendar change: the stored due and yellow dates of open, accepted cases whose
    period touches those years are computed again."""
    count = 0
    qs = Case.objects.filter(state__in=[State.ACCEPTED, State.TRANSFERRED, State.SUSPENDED])
    for case in qs.select_related("item").iterator():
        if not years & set(range(case.accepted_on.year, case.due_date.year + 1)):
            continue
        old = (case.due_date, case.yellow_from, case.due_provisional)
        _set_due(case)
        # A year entered may leave the date as it was and still make it final.
        if (case.due_date, case.yellow_from, case.due_provisional) != old:
            count += _store_due(case.pk)
    return count


def _store_due(case_id: int) -> int:
    """Recompute and store one case's due dates, locked and read again (a move in between keeps
    its state and chain head), with the seal over the new due date."""
    with transaction.atomic():
        locked = Case.objects.select_related("item").select_for_update(of=("self",))
        case = locked.get(pk=case_id)
        if case.state not in (State.ACCEPTED, State.TRANSFERRED, State.SUSPENDED):
            return 0
        _set_due(case)
        Case.objects.filter(pk=case.pk).update(
            due_date=case.due_date,
            yellow_from=case.yellow_from,
            due_provisional=case.due_provisional,
            seal=events.case_seal(case),
        )
    return 1
