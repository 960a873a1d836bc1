"""Benchmark: the provincial push drains the outbox to the strict stand-in receiver as national
data-set records (issue 20: at least 2,000 records per second, PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/onewindow_bench \
        .venv/bin/python bench/push_bench.py

BENCH_CASES (default 20,000) cases of the demo county made by bench/dataset.py (a case's events
from submission to its state, its checklist, an outbox row per event); their outbox rows are
then set unsent, and the pusher sends batches of 500: each batch's records built from the rows
and the case, event, checklist rows (a constant number of queries), checked against the schema,
posted to the receiver, which runs as its own process (`onewindow province_receiver`, SQLite
file) and checks every record again before storing it once by record id. Prints rows/s and
records/s, and where the pusher's time went.
"""

import collections
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dataset  # sets Django up (bench/dataset.py makes the cases)
from django.conf import settings
from django.db import connection

from onewindow.cases.models import Case, CaseEvent, CaseMaterial
from onewindow.exchange import services
from onewindow.exchange.models import Outbox

CASES = int(os.environ.get("BENCH_CASES", "20000"))
PORT = 8931
SPENT: dict[str, float] = collections.defaultdict(float)


def timed(name: str, fn):
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            SPENT[name] += time.perf_counter() - t

    return wrapper


def fill() -> int:
    dataset.prepare()
    Outbox.objects.all().delete()
    dataset.generate(CASES)
    print(file=sys.stderr)
    Outbox.objects.update(sent_at=None)
    # Statistics as autovacuum keeps them on a live table: planned on the empty table's, each
    # claim would read every unsent row (166 ms instead of 6 ms at 30,000 rows on PostgreSQL).
    # Dead rows vacuumed as autovacuum would have (the rows were just rewritten as unsent), and
    # the source tables' statistics as it keeps them: planned on the stale ones, the builders'
    # reads of a batch's events and checklists scan whole tables (89 ms instead of 1 ms).
    verb = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    with connection.cursor() as cursor:
        for model in (Outbox, Case, CaseEvent, CaseMaterial):
            cursor.execute(f"{verb} {model._meta.db_table}")
    return Outbox.objects.count()


def main() -> None:
    rows = fill()
    db = Path(tempfile.mkdtemp()) / "province.sqlite3"
    receiver = subprocess.Popen(
        [
            *(sys.executable, "-m", "onewindow.cli", "province_receiver"),
            *("--port", str(PORT), "--db", str(db), "--token", ""),
        ],
        stdout=subprocess.DEVNULL,
    )
    services.claim = timed("claim", services.claim)
    services.build = timed("build (queries + records)", services.build)
    services._check = timed("check against the schema", services._check)
    services._mark_sent = timed("mark sent", services._mark_sent)
    client = services._http()
    client.post = timed("post (JSON, HTTP, receiver)", client.post)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/stats", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        settings.ONEWINDOW_PROVINCE_URL = f"http://127.0.0.1:{PORT}/records"
        t = time.perf_counter()
        total = services.PushResult()
        while True:
            result = services.push(batch=500, rounds=1000)
            for name in ("sent", "records", "refused", "failed"):
                setattr(total, name, getattr(total, name) + getattr(result, name))
            if not result.sent:
                break
        elapsed = time.perf_counter() - t
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/stats") as r:
            received = r.read().decode()
    finally:
        receiver.terminate()
        receiver.wait(10)
    print(f"database: {connection.vendor}; cases: {CASES:,}; outbox rows: {rows:,}")
    print(
        f"pushed {total.sent:,} rows = {total.records:,} records in {elapsed:.2f} s: "
        f"{total.sent / elapsed:,.0f} rows/s, {total.records / elapsed:,.0f} records/s"
    )
    print(f"refused: {total.refused:,}; failed: {total.failed:,}")
    for o in services.refused(5):
        print(f"  refused {o.event_id}: {o.refusal}")
    print(f"receiver: {received}; left unsent: {services.backlog()['unsent']:,}")
    print("pusher's time:")
    for name, seconds in sorted(SPENT.items(), key=lambda kv: -kv[1]):
        print(f"  {name:32} {seconds:6.2f} s  {100 * seconds / elapsed:4.0f}%")


if __name__ == "__main__":
    main()
