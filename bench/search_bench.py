"""Benchmark: the staff case search (cases.search, issue 17 item 1) at a given table size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/onewindow_search \\
        .venv/bin/python bench/search_bench.py 1000000
    .venv/bin/python bench/search_bench.py 1000        # SQLite: var/bench-search.sqlite3

Fills the case table up to N rows (only `cases_case`: the search reads nothing else; COPY on
PostgreSQL, executemany on SQLite; numbers from the units' counters, ~100,000 applicants with
60,000 distinct names, a year of working days, the last 30 days' cases open with lights), then
times each kind of search as the page runs it (`search.page`: the rows of one page and whether
there is a next one), for the hall manager (every unit) and a clerk (their unit), first page
and a page deep in the results. Median of BENCH_RUNS (default 9) runs, milliseconds.
BENCH_EXPLAIN=1 prints each query's plan. Figures go to docs/BENCHMARKS.md.
"""

import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
os.environ.setdefault("ONEWINDOW_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var"))
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{os.environ['ONEWINDOW_VAR_DIR']}/bench-search.sqlite3"
)
sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset  # django.setup, the demo county, the bulk writer
from django.db import connection, transaction
from django.utils import timezone
from stdnum.cn import ric

from onewindow.cases import search as finder
from onewindow.cases.models import Case, CaseCounter
from onewindow.cases.workflow import State
from onewindow.common import crypto
from onewindow.demo.county import SURNAMES
from onewindow.org.models import User

RUNS = int(os.environ.get("BENCH_RUNS", "9"))
EXPLAIN = os.environ.get("BENCH_EXPLAIN") == "1"
GIVEN = "建华丽娟志强秀英桂兰明军国平海燕春梅德胜玉珍红霞晓东伟杰淑芬文斌金凤永刚小龙"
PEOPLE = 100_000
STATES = [(State.TRANSFERRED, 12), (State.SUSPENDED, 5), (State.ACCEPTED, 5), (State.RECEIVED, 3)]
LIGHTS = [("green", 85), ("yellow", 10), ("red", 5)]


def _people(rng: random.Random) -> list[tuple[str, str, str, str]]:
    """(name, encrypted ID, its digest, ID) of the applicants; the ciphertext is shared by
    blocks of people (only the page's 50 rows are ever decrypted, and those only to mask)."""
    people, cipher = [], crypto.encrypt("430922198001011234")
    for i in range(PEOPLE):
        name = SURNAMES[rng.randrange(len(SURNAMES))] + "".join(rng.choices(GIVEN, k=2))
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(50 * 365))
        body = f"430922{born:%Y%m%d}{i % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        people.append((name, cipher, crypto.digest(number), number))
    return people


def fill(n: int, seed: int = 17) -> float:
    """Add cases until the table holds n; seconds taken."""
    have = Case.objects.count()
    if have >= n:
        return 0.0
    started = time.perf_counter()
    rng = random.Random(seed)
    days = dataset._days_back(dataset.END, 250)
    desks = dataset._desks(dataset.END)
    people = _people(rng)
    phone = crypto.encrypt("13807370000")
    # Stored encrypted since migration 0017 (dataset._write only converts plain JSON fields).
    no_delivery = Case._meta.get_field("delivery_detail").get_db_prep_value({}, connection)
    counters = {(c.unit_id, c.day): c.last for c in CaseCounter.objects.all()}
    next_id = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = timezone.now()
    made, todo = 0, n - have
    while made < todo:
        rows = []
        for _ in range(min(dataset.BATCH, todo - made)):
            unit, post, _clerk, _leader, items = desks[rng.randrange(len(desks))]
            item = items[rng.randrange(len(items))]
            age = rng.randrange(len(days))
            day = days[age]
            name, cipher, digest, _ = people[rng.randrange(PEOPLE)]
            state = State.CLOSED
            if age < dataset.RECENT and rng.random() < 0.25:
                state = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
            row = {
                "id": next_id,
                "item_id": item.pk,
                "unit_id": unit.pk,
                "state": state,
                "channel": "window" if state != State.RECEIVED else "online",
                "applicant_kind": "person",
                "applicant_name": name,
                "applicant_id": cipher,
                "applicant_id_digest": digest,
                "phone": phone,
                "delivery_detail": no_delivery,
                "received_on": day,
                "created_at": now,
                "updated_at": now,
            }
            next_id += 1
            if state != State.RECEIVED:
                key = (unit.pk, day)
                counters[key] = counters.get(key, 0) + 1
                row.update(
                    number=f"{unit.region.code[:6]}{day:%Y%m%d}{unit.pk:04d}{counters[key]:05d}",
                    window_post_id=post.pk,
                    accepted_on=day,
                    due_date=day + datetime.timedelta(days=28),
                )
            if state not in (State.CLOSED, State.RECEIVED):
                row["light"] = rng.choices([v for v, _ in LIGHTS], [w for _, w in LIGHTS])[0]
            if state == State.CLOSED:
                row["closed_on"] = row["decided_on"] = day + datetime.timedelta(days=7)
                row["result"] = Case.Result.APPROVED
            rows.append(row)
        with transaction.atomic():
            dataset._write(Case, rows)
        made += len(rows)
        print(f"\r{have + made:,} cases", end="", file=sys.stderr)
    print(file=sys.stderr)
    CaseCounter.objects.bulk_create(
        [CaseCounter(unit_id=u, day=d, last=last) for (u, d), last in counters.items()],
        update_conflicts=True,
        unique_fields=["unit", "day"],
        update_fields=["last"],
        batch_size=dataset.BATCH,
    )
    dataset._reset_sequences()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_case" if connection.vendor != "sqlite" else "ANALYZE")
    return time.perf_counter() - started


def timed(criteria, user, after=None) -> tuple[float, int]:
    """Median milliseconds of one page, and the rows it had."""
    times, rows = [], []
    for _ in range(RUNS):
        t = time.perf_counter()
        rows, _more = finder.page(criteria, user=user, after=after)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), len(rows)


def _query(criteria, user, after=None):
    qs = finder.search(criteria, scope=finder.visible_scope(user), after=after)
    return qs.select_related("item", "unit")[: finder.PAGE + 1]


def explain(criteria, user, after=None) -> str:
    return _query(criteria, user, after).explain()


def in_database(criteria, user, after=None) -> str:
    """PostgreSQL: the median execution time the server reports (EXPLAIN ANALYZE, without the
    Python around it) and the pages the query touched (shared buffers hit + read). SQLite: the
    index its plan reads the case table by."""
    qs = _query(criteria, user, after)
    if connection.vendor != "postgresql":
        plan = qs.explain()
        used = [w for line in plan.splitlines() if "cases_case" in line for w in line.split()]
        index = next((used[i + 1] for i, w in enumerate(used) if w == "INDEX"), "")
        return index or ("SCAN" if "SCAN cases_case" in plan else "?")
    sql, params = qs.query.sql_with_params()
    times, pages = [], 0
    with connection.cursor() as cursor:
        for _ in range(RUNS):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
            doc = cursor.fetchone()[0]
            doc = json.loads(doc) if isinstance(doc, str) else doc
            times.append(doc[0]["Execution Time"])
            top = doc[0]["Plan"]
            pages = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
    return f"{statistics.median(times):6.2f} ms {pages:5} pg"


def kinds(clerk) -> list[tuple[str, finder.Criteria]]:
    """One search of each kind, its values taken from the table (a case of the clerk's unit)."""
    unit_id = clerk.staff.unit_id
    sample = (
        Case.objects.filter(unit_id=unit_id, number__isnull=False)
        .order_by("received_on", "id")
        .values("number", "applicant_name", "applicant_id_digest", "item_id", "received_on")
    )
    mid = sample[sample.count() // 2]
    some_day = mid["received_on"]
    return [
        ("newest (no criteria)", finder.Criteria()),
        ("full number", finder.Criteria(number=mid["number"])),
        ("number tail, 9 digits (unit + sequence)", finder.Criteria(tail=mid["number"][-9:])),
        ("number tail, 5 digits (sequence)", finder.Criteria(tail=mid["number"][-5:])),
        ("applicant name, exact", finder.Criteria(name=mid["applicant_name"])),
        (
            "applicant name, first 2 characters",
            finder.Criteria(name=mid["applicant_name"][:2], name_prefix=True),
        ),
        ("ID number (digest)", finder.Criteria(id_digest=mid["applicant_id_digest"])),
        ("item", finder.Criteria(item_id=mid["item_id"])),
        ("unit", finder.Criteria(unit_id=unit_id)),
        ("state = suspended", finder.Criteria(state=State.SUSPENDED)),
        ("light = red", finder.Criteria(light="red")),
        (
            "received in one week, months ago",
            finder.Criteria(
                received_from=some_day - datetime.timedelta(days=6), received_to=some_day
            ),
        ),
        (
            "unit + state closed + a month",
            finder.Criteria(
                unit_id=unit_id,
                state=State.CLOSED,
                received_from=some_day - datetime.timedelta(days=30),
                received_to=some_day,
            ),
        ),
    ]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    dataset.prepare()
    seconds = fill(n)
    total = Case.objects.count()
    print(f"database: {connection.vendor}; cases: {total:,} (filled in {seconds:.0f} s)")
    manager = User.objects.get(username="hallmgr")
    clerk = User.objects.get(username="clerk")
    print(
        f"{'search':44} {'who':8} {'page 1 ms':>9} {'rows':>4} {'in db (page 1)':>17} "
        f"{'page 5 ms':>9} {'rows':>4} {'in db (page 5)':>17}"
    )
    for label, criteria in kinds(clerk):
        for who, user in (("manager", manager), ("clerk", clerk)):
            first, count = timed(criteria, user)
            db_first = in_database(criteria, user)
            # Page 5: the cursor of the 4th page's last row (the keyset walk, no OFFSET).
            after, deep, deep_rows, db_deep = None, float("nan"), 0, "-"
            for _ in range(4):
                _rows, more = finder.page(criteria, user=user, after=after)
                if not more:
                    after = None
                    break
                after = finder.parse_cursor(more)
            if after is not None:
                deep, deep_rows = timed(criteria, user, after)
                db_deep = in_database(criteria, user, after)
            print(
                f"{label:44} {who:8} {first:9.1f} {count:4} {db_first:>17} "
                f"{deep:9.1f} {deep_rows:4} {db_deep:>17}"
            )
            if EXPLAIN:
                print(explain(criteria, user, after))


if __name__ == "__main__":
    main()
