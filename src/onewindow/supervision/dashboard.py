"""The hall's dashboards: figures read from small tables or through indexes, so the overview
stays fast with a million open cases. `rollup` (a periodic job) counts the case event log into
`DayStat` per day and unit and `DecisionStat` per decision day and unit, window or staff member
(read by the dashboards, appraisal and the reform scorecard); the lights are counted by the
(light, …) indexes."""

import datetime
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from onewindow.cases.models import Case, CaseEvent
from onewindow.cases.workflow import LIT, OPEN, Light
from onewindow.org.models import Unit, User
from onewindow.org.permissions import visible_unit_ids
from onewindow.supervision.models import (
    Anomaly,
    DayStat,
    DecisionStat,
    Rating,
    RollupCursor,
)

SETTLE = datetime.timedelta(seconds=60)  # events younger than this may still be committing
COUNTED = {
    "submit": "received",
    "accept": "accepted",
    "deem_accept": "accepted",
    "decide": "decided",
    "decide_at_window": "decided",
    "deliver": "closed",
    "notify_correction": "notices",
}


def rollup(now: datetime.datetime | None = None, batch: int = 20000) -> int:
    """Count new case events into DayStat and DecisionStat; the number of events read. An event
    is counted once: the cursor moves in the same transaction as the counts, and only past
    events older than a minute (a transaction still open then could commit an earlier id
    later)."""
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            cursor, _ = RollupCursor.objects.select_for_update().get_or_create(name="day_stat")
            events = _read(cursor.last_id, now, batch)
            if not events:
                return done
            days, decisions = count(events)
            _add(days)
            _add_decisions(decisions)
            cursor.last_id = events[-1][0]
            cursor.save(update_fields=["last_id"])
            done += len(events)


def rebuild(now: datetime.datetime | None = None, batch: int = 20000) -> int:
    """Recount the whole log (`onewindow rollup --rebuild`): counted in memory, then written in
    one go with the cursor, in one transaction under the cursor's lock (the pages keep the old
    figures until it commits; the job waits). Not batch by batch: rows updated hundreds of
    times in one transaction pile up versions and each update gets slower."""
    now = now or timezone.now()
    with transaction.atomic():
        RollupCursor.objects.select_for_update().get_or_create(name="day_stat")
        days: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        decisions: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        last = done = 0
        while events := _read(last, now, batch):
            count(events, days, decisions)
            last, done = events[-1][0], done + len(events)
        DayStat.objects.all().delete()
        DecisionStat.objects.all().delete()
        _add(days)
        _add_decisions(decisions)
        RollupCursor.objects.filter(name="day_stat").update(last_id=last)
    return done


def _read(after: int, now: datetime.datetime, batch: int) -> list[tuple]:
    return list(
        CaseEvent.objects.filter(id__gt=after, at__lt=now - SETTLE)
        .order_by("id")
        .values_list(
            "id",
            "action",
            "at",
            "case__unit_id",
            "case__due_date",
            "case__rongque_deadline",
            "case__decided_on",
            "case__window_post_id",
            "case__accepted_by_id",
        )[:batch]
    )


def count(events, counts=None, decisions=None) -> tuple[dict, dict]:
    """The counts of events read by `_read` (id, action, at and the case's unit, due date, 容缺
    deadline, decision day, window post and acceptor), added to `counts` per (day, unit) for
    DayStat and to `decisions` per (level, day, key) for DecisionStat (new ones if not given)."""
    if counts is None:
        counts = defaultdict(lambda: defaultdict(int))
    if decisions is None:
        decisions = defaultdict(lambda: defaultdict(int))
    for _, action, at, unit_id, due, rongque, decided_on, post_id, staff_id in events:
        column = COUNTED.get(action)
        if column is None:
            continue
        day = timezone.localtime(at).date()
        counts[(day, unit_id)][column] += 1
        if action == "accept" and rongque is not None:  # only an accept with 容缺 sets it
            counts[(day, unit_id)]["rongque"] += 1
        if column != "decided" or due is None:
            continue
        if day <= due:
            counts[(day, unit_id)]["on_time"] += 1
        # Appraisal counts by the case's decision day (the move's day), as it always has.
        decided = decided_on or day
        levels = (("unit", unit_id), ("window", post_id), ("staff", staff_id))
        for level, key in levels:
            if key is None:
                continue
            row = decisions[(level, decided, key)]
            row["finished"] += 1
            row["on_time"] += decided <= due
            row["early"] += decided < due
    return counts, decisions


STAT_COLUMNS = ["received", "accepted", "decided", "on_time", "closed", "notices", "rongque"]
DECISION_COLUMNS = ["finished", "on_time", "early"]


def _add(counts: dict[tuple, dict[str, int]]) -> None:
    """Add a batch's counts to DayStat in three statements, not two per day and unit (a first
    rollup over a large log touches thousands of them). Only the rollup writes DayStat, one at
    a time under the cursor's lock, so reading then writing the rows is safe."""
    days = {day for day, _ in counts}
    units = {unit for _, unit in counts}
    existing = DayStat.objects.filter(day__in=days, unit_id__in=units)
    _merge(DayStat, ("day", "unit_id"), STAT_COLUMNS, counts, existing)


def _add_decisions(counts: dict[tuple, dict[str, int]]) -> None:
    """The same for DecisionStat (under the same lock)."""
    if not counts:
        return
    days = {day for _, day, _ in counts}
    keys = {key for _, _, key in counts}
    existing = DecisionStat.objects.filter(day__in=days, key__in=keys)
    _merge(DecisionStat, ("level", "day", "key"), DECISION_COLUMNS, counts, existing)


def _merge(model, key_fields: tuple, columns: list[str], counts: dict, existing) -> None:
    """Add `counts` ({key: {column: n}}, the key in the order of `key_fields`) to the rows of
    `model`: the `existing` ones changed in one UPDATE, the others created in bulk."""
    have = {tuple(getattr(s, f) for f in key_fields): s for s in existing}
    new, changed = [], []
    for key, add in counts.items():
        stat = have.get(key)
        if stat is None:
            stat = model(**dict(zip(key_fields, key, strict=True)))
            new.append(stat)
        else:
            changed.append(stat)
        for column, n in add.items():
            setattr(stat, column, getattr(stat, column) + n)
    model.objects.bulk_create(new, batch_size=1000)
    _update(model, columns, changed)


def _update(model, columns: list[str], changed: list) -> None:
    """One prepared UPDATE for all changed rows (bulk_update's CASE expressions cost seconds)."""
    if not changed:
        return
    assignments = ", ".join(f"{column} = %s" for column in columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {model._meta.db_table} SET {assignments} WHERE id = %s",
            [[getattr(s, c) for c in columns] + [s.pk] for s in changed],
        )


def _units(user: User) -> list[int] | None:
    """None: every unit (supervisors and hall-wide roles); else the user's own."""
    return visible_unit_ids(user)


def overview(user: User | None, today: datetime.date | None = None) -> dict:
    """The figures `user` may see; user None: the hall's wall display (every unit, read only)."""
    today = today or timezone.localdate()
    units = None if user is None else _units(user)
    cases = Case.objects.all() if units is None else Case.objects.filter(unit_id__in=units)
    stats = DayStat.objects.all() if units is None else DayStat.objects.filter(unit_id__in=units)
    # COUNT(*), not COUNT(id): the lit cases are counted from the light index alone (case_light
    # holds the light and the unit), not by reading every open case's row.
    lights = dict(
        cases.filter(light__in=LIT).order_by().values_list("light").annotate(n=Count("*"))
    )
    alarms: dict[int, dict[str, int]] = defaultdict(dict)
    for unit_id, light, n in (
        cases.filter(light__in=[Light.YELLOW, Light.RED])
        .order_by()
        .values_list("unit_id", "light")
        .annotate(n=Count("*"))
    ):
        alarms[unit_id][light] = n
    month = today.replace(day=1)
    month_stats = {
        unit_id: (decided or 0, on_time or 0)
        for unit_id, decided, on_time in stats.filter(day__gte=month)
        .order_by()
        .values_list("unit_id")
        .annotate(Sum("decided"), Sum("on_time"))
    }
    ratings = Rating.objects.filter(rated_at__date__gte=month, excluded=False)
    if units is not None:
        ratings = ratings.filter(unit_id__in=units)
    satisfaction = {
        unit_id: (n, good)
        for unit_id, n, good in ratings.order_by()
        .values_list("unit_id")
        .annotate(n=Count("id"), good=Count("id", filter=Q(level__lte=Rating.Level.BASIC)))
    }
    names = dict(Unit.objects.values_list("pk", "short_name"))
    per_unit = []
    for unit_id in sorted(set(alarms) | set(month_stats) | set(satisfaction)):
        decided, on_time = month_stats.get(unit_id, (0, 0))
        rated, good = satisfaction.get(unit_id, (0, 0))
        per_unit.append(
            {
                "unit_id": unit_id,
                "name": names.get(unit_id, str(unit_id)),
                "yellow": alarms[unit_id].get(Light.YELLOW, 0),
                "red": alarms[unit_id].get(Light.RED, 0),
                "decided": decided,
                "on_time_rate": round(100 * on_time / decided, 1) if decided else None,
                "rated": rated,
                "satisfaction": round(100 * good / rated, 1) if rated else None,
            }
        )
    start = today - datetime.timedelta(days=29)
    by_day = dict(
        stats.filter(day__gte=start).order_by().values_list("day").annotate(Sum("received"))
    )
    trend = [
        {
            "day": (start + datetime.timedelta(days=i)).isoformat(),
            "received": by_day.get(start + datetime.timedelta(days=i), 0) or 0,
        }
        for i in range(30)
    ]
    anomalies = Anomaly.objects.exclude(state=Anomaly.State.CONFIRMED)
    if units is not None:
        anomalies = anomalies.filter(unit_id__in=units)
    return {
        "today": today,
        "intake_today": trend[-1]["received"],
        "lights": {light: lights.get(light, 0) for light in LIT},
        "open": sum(lights.values()),
        "per_unit": per_unit,
        "trend": trend,
        "anomalies": anomalies.count(),
        "key_projects": cases.filter(key_project=True, state__in=list(OPEN)).count(),
    }


def chart_data(data: dict) -> dict:
    """The overview's figures in the shape the ECharts code reads (static/onewindow/charts.js)."""
    return {
        "lights": [
            {"name": Light(k).label, "value": v, "light": k} for k, v in data["lights"].items()
        ],
        "units": [u["name"] for u in data["per_unit"]],
        "unit_ids": [u["unit_id"] for u in data["per_unit"]],
        "yellow": [u["yellow"] for u in data["per_unit"]],
        "red": [u["red"] for u in data["per_unit"]],
        "days": [d["day"][5:] for d in data["trend"]],
        "received": [d["received"] for d in data["trend"]],
    }


def drill(user: User, light: str = "", unit_id: int | None = None):
    """The cases behind a figure of the overview."""
    units = _units(user)
    qs = Case.objects.select_related("item", "unit").order_by("due_date", "id")
    if units is not None:
        qs = qs.filter(unit_id__in=units)
    # One light, or all four as case_lit_due's condition names them (so that index serves it).
    qs = qs.filter(light=light) if light in Light.values and light else qs.filter(light__in=LIT)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs
