"""Benchmark: the provincial push drains the outbox to the stand-in receiver (issue 8: at least
2,000 events per second, PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/onewindow_bench \
        .venv/bin/python bench/push_bench.py

BENCH_EVENTS (default 100,000) outbox rows over BENCH_EVENTS / 5 cases (five events each, as a
case's life has), written directly; the receiver runs as its own process (`onewindow
province_receiver`, SQLite file, deduplicating by event id); the pusher sends batches of 500.
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
os.environ.setdefault("ONEWINDOW_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var"))
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{os.environ['ONEWINDOW_VAR_DIR']}/bench-cases.sqlite3"
)

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from onewindow.exchange import services  # noqa: E402
from onewindow.exchange.models import Outbox  # noqa: E402

EVENTS = int(os.environ.get("BENCH_EVENTS", "100000"))
PORT = 8931


def fill() -> None:
    Outbox.objects.all().delete()
    rows = [
        Outbox(
            topic="case_event",
            key=f"case-{i // 5}",
            event_id=f"bench-{i}",
            payload={"case_id": i // 5, "seq": i % 5 + 1, "action": "transfer", "to_state": "x"},
        )
        for i in range(EVENTS)
    ]
    Outbox.objects.bulk_create(rows, batch_size=5000)
    # Statistics as autovacuum keeps them on a live table: planned on the empty table's, each
    # claim would read every unsent row (166 ms instead of 6 ms at 30,000 rows on PostgreSQL).
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Outbox._meta.db_table}")


def main() -> None:
    call_command("migrate", verbosity=0)
    fill()
    db = Path(tempfile.mkdtemp()) / "province.sqlite3"
    receiver = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "onewindow.cli",
            "province_receiver",
            "--port",
            str(PORT),
            "--db",
            str(db),
            "--token",
            "",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/stats", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        settings.ONEWINDOW_PROVINCE_URL = f"http://127.0.0.1:{PORT}/events"
        t = time.perf_counter()
        sent = 0
        while True:
            result = services.push(batch=500, rounds=1000)
            sent += result.sent
            if not result.sent:
                break
        elapsed = time.perf_counter() - t
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/stats") as r:
            received = r.read().decode()
    finally:
        receiver.terminate()
        receiver.wait(10)
    print(f"database: {connection.vendor}; outbox rows: {EVENTS:,}")
    print(f"pushed {sent:,} events in {elapsed:.2f} s: {sent / elapsed:,.0f} events/s")
    print(f"receiver: {received}; left unsent: {services.backlog()['unsent']}")


if __name__ == "__main__":
    main()
