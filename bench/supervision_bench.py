"""Benchmark: the supervision scan over 1,000,000 open cases (issue 8: a full scan that moves
every light that must move in under 2 s, PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/onewindow_bench \\
        .venv/bin/python bench/supervision_bench.py

Uses the case benchmark's table (bench/cases_bench.py fills it) and makes BENCH_OPEN (default
1,000,000) of its cases open: 90% under review, 10% suspended, due dates spread over 400 days.
Then: the first scan (every case gets its light), the next working day's scan (the cases that
cross into yellow or red that day, with their warnings and messages), a second scan on the same
day (nothing moves), the hourly sweep, and the hall overview dashboard (hall-wide and for one
unit; target < 500 ms).
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
os.environ.setdefault("ONEWINDOW_SMS_SENDER", "onewindow.supervision.sms.MemorySender")
os.environ.setdefault("ONEWINDOW_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var"))
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{os.environ['ONEWINDOW_VAR_DIR']}/bench-cases.sqlite3"
)

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402

from onewindow import workdays  # noqa: E402
from onewindow.cases.models import Case  # noqa: E402
from onewindow.org.models import User  # noqa: E402
from onewindow.supervision import dashboard, services  # noqa: E402
from onewindow.supervision.models import Message, Warning  # noqa: E402

OPEN = int(os.environ.get("BENCH_OPEN", "1000000"))
DAY = datetime.date(2026, 12, 1)


def prepare() -> None:
    """OPEN cases open and unlit, the rest closed; yellow from the day before the due date."""
    ids = list(Case.objects.order_by("id").values_list("id", flat=True)[:OPEN])
    if len(ids) < OPEN:
        sys.exit(f"only {len(ids)} cases: run bench/cases_bench.py first")
    last = ids[-1]
    with connection.cursor() as c:
        c.execute(
            "UPDATE cases_case SET state = CASE WHEN id %% 10 = 0 THEN 'suspended' "
            "ELSE 'transferred' END, light = '', accepted_on = %s WHERE id <= %s",
            [DAY - datetime.timedelta(days=30), last],
        )
        c.execute("UPDATE cases_case SET state = 'closed', light = '' WHERE id > %s", [last])
    # due dates are DAY + (i mod 400) days from the fill; yellow one day before
    Case.objects.filter(id__lte=last).update(yellow_from=F("due_date") - datetime.timedelta(days=1))
    Warning.objects.all().delete()
    Message.objects.all().delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE cases_case")


def timed(day, full=False):
    t = time.perf_counter()
    result = services.scan(day, full=full)
    return time.perf_counter() - t, result


def vacuum() -> None:
    """What autovacuum does after a million-row update; the daily scans run on a settled table."""
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE cases_case")


def main() -> None:
    call_command("migrate", verbosity=0)
    prepare()
    cold, r1 = timed(DAY, full=True)
    vacuum()
    next_day = workdays.add_workdays(DAY, 1)
    daily, r2 = timed(next_day)
    again, r3 = timed(next_day)
    assert sum(r3.moved.values()) == 0 and r3.warnings == 0, r3
    sweep, r4 = timed(next_day, full=True)
    print(f"database: {connection.vendor}; open cases: {OPEN:,}")
    print(f"first sweep, every light set from nothing: {cold:6.2f} s  {r1.moved}")
    print(
        f"next working day's scan:                   {daily:6.2f} s  {r2.moved}, "
        f"{r2.warnings} warnings, {r2.messages} messages"
    )
    print(f"same day again (nothing to move):          {again:6.3f} s")
    print(f"hourly sweep (safety nets included):       {sweep:6.3f} s  {sum(r4.moved.values())}")
    for username in ("inspector", "reviewer"):
        who = User.objects.get(username=username)
        times = []
        for _ in range(7):
            t = time.perf_counter()
            dashboard.overview(who, next_day)
            times.append((time.perf_counter() - t) * 1000)
        print(f"hall overview dashboard ({username}):  median {statistics.median(times):6.0f} ms")


if __name__ == "__main__":
    main()
