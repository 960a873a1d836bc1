"""Benchmark: onewindow.workdays against chinesecalendar on the same inputs, in one run.

    .venv/bin/python bench/workdays_bench.py            # uses var/bench.sqlite3

Prints calls per second for add_workdays and workdays_between (spans up to a year), and the
speed-up over chinesecalendar.get_workdays / find_workday. Figures go to docs/BENCHMARKS.md.
"""

import datetime as dt
import os
import platform
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
os.environ.setdefault("ONEWINDOW_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{os.environ['ONEWINDOW_VAR_DIR']}/bench.sqlite3")

import django

django.setup()

import chinese_calendar as cc  # noqa: E402
from django.core.management import call_command  # noqa: E402

from onewindow import workdays  # noqa: E402

N = int(os.environ.get("BENCH_N", "1000000"))


def rate(fn, args) -> float:
    start = time.perf_counter()
    for a, b in args:
        fn(a, b)
    return len(args) / (time.perf_counter() - start)


def main() -> None:
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    workdays.reload()
    load_ms = (time.perf_counter() - t) * 1000
    rng = random.Random(42)
    lo, hi = dt.date(2004, 1, 1).toordinal(), dt.date(2025, 12, 31).toordinal()
    starts = [dt.date.fromordinal(rng.randint(lo, hi)) for _ in range(N)]
    add_args = [(s, rng.randint(1, 250)) for s in starts]  # up to a year of working days
    span_args = [(s, s + dt.timedelta(days=rng.randint(1, 365))) for s in starts]

    add_rate = rate(workdays.add_workdays, add_args)
    between_rate = rate(workdays.workdays_between, span_args)

    # chinesecalendar on a sample of the same inputs (it is far slower).
    k = 2000
    cc_find = rate(lambda s, n: cc.find_workday(n, s), add_args[:k])
    year_spans = [(s, s + dt.timedelta(days=365)) for s in starts[:k]]
    cc_year = rate(lambda a, b: cc.get_workdays(a + dt.timedelta(days=1), b), year_spans)
    ours_year = rate(workdays.workdays_between, year_spans * (N // k))

    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"calendar load: {load_ms:.0f} ms (2004-2040)")
    print(f"add_workdays:            {add_rate:>12,.0f} calls/s  (n = 1..250, {N:,} calls)")
    print(f"workdays_between:        {between_rate:>12,.0f} calls/s  (spans 1..365 days)")
    print(f"cc.find_workday:         {cc_find:>12,.0f} calls/s  -> ours {add_rate / cc_find:,.0f}x")
    print(f"one-year spans: ours     {ours_year:>12,.0f} calls/s")
    print(
        f"cc.get_workdays (1 yr):  {cc_year:>12,.0f} calls/s  -> ours {ours_year / cc_year:,.0f}x"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
