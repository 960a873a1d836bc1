"""Benchmark: the work queues' counts (issue 17 item 2) over a large case table — what every
page view of a clerk, a reviewer, the inspector and the hall manager adds for the navigation.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/onewindow_bench_queues \
        .venv/bin/python bench/queues_bench.py

BENCH_CASES (default 1,000,000) rows: mostly closed (a tenth of them mailed, nine in ten of those
signed for), the rest under review, spread over the demo's items; the demo's window day on top.
Prints the median of 20 runs of each count, in milliseconds. ("clerk: navigation counts" asks
for every queue page, the department's too; the real navigation asks only for the pages the
user sees.)
"""

import datetime
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
os.environ.setdefault("ONEWINDOW_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var"))
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{os.environ['ONEWINDOW_VAR_DIR']}/bench-queues.sqlite3"
)

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from onewindow.cases.actions import queues  # noqa: E402
from onewindow.cases.models import Case  # noqa: E402
from onewindow.cases.workflow import State  # noqa: E402
from onewindow.catalog.models import Item  # noqa: E402
from onewindow.common import crypto  # noqa: E402
from onewindow.common.fields import EncryptedCharField  # noqa: E402
from onewindow.demo import catalogue, county, letters, window_day  # noqa: E402
from onewindow.org.models import User  # noqa: E402
from onewindow.web import queues as nav_queues  # noqa: E402

CASES = int(os.environ.get("BENCH_CASES", "1000000"))
DAY = datetime.date(2026, 1, 5)


def fill(n: int) -> None:
    have = Case.objects.count()
    items = list(Item.objects.filter(status="published").values_list("pk", "unit_id"))
    enc_id, enc_phone = crypto.encrypt("430922198001011232"), crypto.encrypt("13807371234")
    original = EncryptedCharField.get_prep_value
    EncryptedCharField.get_prep_value = lambda self, value: value
    try:
        rows = []
        for i in range(have, n):
            item_id, unit_id = items[i % len(items)]
            state = State.TRANSFERRED if i % 10 == 9 else State.CLOSED
            mailed = state == State.CLOSED and i % 10 == 3
            due = DAY + datetime.timedelta(days=i % 300)
            rows.append(
                Case(
                    item_id=item_id,
                    unit_id=unit_id,
                    state=state,
                    channel="online",
                    applicant_kind="person",
                    applicant_name="批量",
                    applicant_id=enc_id,
                    applicant_id_digest="x",
                    phone=enc_phone,
                    received_on=DAY,
                    accepted_on=DAY,
                    due_date=due,
                    yellow_from=due,
                    closed_on=due if state == State.CLOSED else None,
                    delivery_mode="mail" if mailed else "collect" if state == State.CLOSED else "",
                    mail_received_on=due if mailed and i % 100 != 3 else None,
                )
            )
            if len(rows) == 10000:
                Case.objects.bulk_create(rows)
                rows = []
        if rows:
            Case.objects.bulk_create(rows)
    finally:
        EncryptedCharField.get_prep_value = original


def median_ms(run) -> float:
    times = []
    for _ in range(20):
        t = time.perf_counter()
        run()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    call_command("migrate", verbosity=0)
    county.load()
    catalogue.load()
    letters.load()
    window_day.load()
    fill(CASES)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case")
    users = {name: User.objects.get(username=name) for name in ("clerk", "reviewer", "teamlead")}
    users |= {name: User.objects.get(username=name) for name in ("inspector", "hallmgr")}
    every = {"cases:workbench", "cases:review", "cases:department"}
    every |= {"supervision:warnings", "supervision:orders", "org:hall_cover"}
    print(f"database: {connection.vendor}; cases: {Case.objects.count():,}")
    for label, run in (
        (
            "clerk: the workbench's five tabs",
            lambda: queues.tab_counts("cases:workbench", users["clerk"]),
        ),
        (
            "reviewer: the department's three",
            lambda: queues.tab_counts("cases:department", users["reviewer"]),
        ),
        ("team leader: review", lambda: queues.tab_counts("cases:review", users["teamlead"])),
        ("inspector: navigation counts", lambda: nav_queues.counts(users["inspector"], every)),
        ("hall manager: navigation counts", lambda: nav_queues.counts(users["hallmgr"], every)),
        ("clerk: navigation counts", lambda: nav_queues.counts(users["clerk"], every)),
    ):
        print(f"{label:<36} {median_ms(run):8.1f} ms")


if __name__ == "__main__":
    main()
