"""Benchmark: case lifecycles and transitions through the same services the pages use, and the
department workbench's first page over a large table.

    .venv/bin/python bench/cases_bench.py                       # SQLite: var/bench-cases.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/onewindow_bench \
        .venv/bin/python bench/cases_bench.py

BENCH_PROCS (default 1 on SQLite, 4 on PostgreSQL) worker processes, each with its own database
connection, as the web server's workers would be; BENCH_LIFECYCLES (default 2000, shared among
them) instant-item lifecycles, submit → accept → decide at the window → deliver; then as many
promised cases, accepted beforehand, taken through transfer → suspend → resume → decide →
deliver (five transitions each: team leader, department reviewer, window); BENCH_CASES (default
1,000,000) rows for the workbench query. Issue 6's targets (PostgreSQL): ≥ 1,000 transitions/s,
≥ 150 lifecycles/s, first workbench page < 100 ms. Figures go to docs/BENCHMARKS.md.
"""

import datetime
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
os.environ.setdefault("ONEWINDOW_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var"))
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{os.environ['ONEWINDOW_VAR_DIR']}/bench-cases.sqlite3"
)

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, reset_queries  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from onewindow.cases import selectors, services  # noqa: E402
from onewindow.cases.models import Case, CaseEvent, CaseMaterial  # noqa: E402
from onewindow.cases.workflow import State  # noqa: E402
from onewindow.catalog.models import Item  # noqa: E402
from onewindow.demo import catalogue as catalog_demo  # noqa: E402
from onewindow.demo import county as org_demo  # noqa: E402
from onewindow.demo import letters as mandates_demo  # noqa: E402
from onewindow.exchange.models import Outbox  # noqa: E402
from onewindow.org.models import User, WindowPost  # noqa: E402

LIFECYCLES = int(os.environ.get("BENCH_LIFECYCLES", "2000"))
CASES = int(os.environ.get("BENCH_CASES", "1000000"))
PROCS = int(os.environ.get("BENCH_PROCS", "4" if connection.vendor == "postgresql" else "1"))
DAY = datetime.date(2026, 12, 1)
BODY = "43092219800101123"
ID = BODY + ric.calc_check_digit(BODY + "0")
APPLICANT = {
    "applicant_kind": "person",
    "applicant_name": "王小明",
    "applicant_id": ID,
    "phone": "13807371234",
}
INSTANT, PROMISED = "个体工商户设立登记", "食品生产许可"
MAIL = {"address": "桃江县", "carrier": "EMS", "tracking": "1"}


def _actors():
    clerk = User.objects.get(username="clerk")
    post = WindowPost.objects.get(staff_a=clerk.staff, kind="department")
    return clerk, post, User.objects.get(username="teamlead"), User.objects.get(username="reviewer")


def _submit_accept(item, clerk, post, given):
    case = services.application_submit(
        acting_user=clerk,
        item=item,
        channel="window",
        applicant=APPLICANT,
        materials=given,
        day=DAY,
    )
    return services.case_accept(acting_user=clerk, case=case, window_post=post, day=DAY)


def _given(item):
    return [{"material_id": m.pk, "status": "paper"} for m in item.materials.all()]


def lifecycle_worker(n: int) -> None:
    clerk, post, _, _ = _actors()
    item = Item.objects.get(name=INSTANT)
    given = _given(item)
    for _ in range(n):
        case = _submit_accept(item, clerk, post, given)
        case = services.case_decide_at_window(
            acting_user=clerk, case=case, result="approved", day=DAY
        )
        services.case_deliver(acting_user=clerk, case=case, mode="mail", day=DAY, detail=MAIL)


def prepare_promised(n: int) -> list[int]:
    clerk, post, _, _ = _actors()
    item = Item.objects.get(name=PROMISED)
    given = _given(item)
    return [_submit_accept(item, clerk, post, given).pk for _ in range(n)]


def transition_worker(ids: list[int]) -> None:
    clerk, _, leader, reviewer = _actors()
    for case in Case.objects.filter(pk__in=ids):
        case = services.case_transfer(acting_user=leader, case=case, day=DAY)
        case = services.case_suspend(
            acting_user=reviewer,
            case=case,
            procedure="expert_review",
            expected_days=5,
            reason="专家评审",
            day=DAY,
        )
        case = services.case_resume(acting_user=reviewer, case=case, day=DAY)
        case = services.case_decide(acting_user=reviewer, case=case, result="approved", day=DAY)
        services.case_deliver(acting_user=clerk, case=case, mode="mail", day=DAY, detail=MAIL)


def parallel(target, args: list) -> float:
    """Run target(arg) in one process per arg, all starting together; wall seconds."""
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(len(args) + 1)
    procs = [ctx.Process(target=_run, args=(target, arg, start)) for arg in args]
    for p in procs:
        p.start()
    start.wait()
    t = time.perf_counter()
    for p in procs:
        p.join()
        if p.exitcode:
            raise SystemExit(f"worker failed with exit code {p.exitcode}")
    return time.perf_counter() - t


def _run(target, arg, start) -> None:
    connections.close_all()
    connection.ensure_connection()
    start.wait()
    target(arg)


def _split(seq: list, parts: int) -> list[list]:
    return [seq[i::parts] for i in range(parts)]


def lifecycles() -> tuple[float, float]:
    per_proc = LIFECYCLES // PROCS
    lifecycle_worker(5)  # warm the catalogue and powers paths once
    life = PROCS * per_proc / parallel(lifecycle_worker, [per_proc] * PROCS)
    ids = prepare_promised(PROCS * per_proc)
    moves = 5 * len(ids) / parallel(transition_worker, _split(ids, PROCS))
    return life, moves


def fill(n: int) -> None:
    """n cases spread over the units and states, as a year of a county might look."""
    have = Case.objects.count()
    if have >= n:
        return
    items = list(Item.objects.filter(status="published").values_list("pk", "unit_id"))
    # Encrypt once and reuse: the benchmark measures the query, not SM4.
    from onewindow.common import crypto

    enc_id, enc_phone = crypto.encrypt(ID), crypto.encrypt("13807371234")
    batch, rows = 10000, []
    states = [State.CLOSED] * 8 + [State.TRANSFERRED, State.SUSPENDED]
    with connection.cursor():
        for i in range(have, n):
            item_id, unit_id = items[i % len(items)]
            due = DAY + datetime.timedelta(days=i % 400)
            rows.append(
                Case(
                    item_id=item_id,
                    unit_id=unit_id,
                    state=states[i % 10],
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
                )
            )
            if len(rows) == batch:
                _insert(rows)
                rows = []
        if rows:
            _insert(rows)


def _insert(rows) -> None:
    # Bypass the field's encryption (the values above are ciphertexts already).
    from onewindow.common.fields import EncryptedCharField

    original = EncryptedCharField.get_prep_value
    EncryptedCharField.get_prep_value = lambda self, value: value
    try:
        Case.objects.bulk_create(rows, batch_size=len(rows))
    finally:
        EncryptedCharField.get_prep_value = original


def workbench() -> tuple[float, float, int]:
    unit_id = Case.objects.filter(state=State.TRANSFERRED).values_list("unit_id", flat=True).first()
    times = []
    for _ in range(30):
        reset_queries()
        t = time.perf_counter()
        page, _more = selectors.department_page(unit_id=unit_id)
        times.append((time.perf_counter() - t) * 1000)
    last = page[-1]
    t = time.perf_counter()
    selectors.department_page(unit_id=unit_id, after=(last.due_date, last.pk))
    second = (time.perf_counter() - t) * 1000
    return statistics.median(times), second, len(page)


def main() -> None:
    call_command("migrate", verbosity=0)
    org_demo.load()
    catalog_demo.load()
    mandates_demo.load()
    # The last run's cases, with their events' outbox rows: left unsent, they would be refused
    # once their cases are gone (源数据不存在) and hold the push of nothing (bench/http_bench.py
    # waits for the backlog to be sent before it measures).
    mine = list(Case.objects.filter(applicant_name="王小明").values_list("pk", flat=True))
    Outbox.objects.filter(key__in=[f"case-{pk}" for pk in mine]).delete()
    CaseEvent.objects.filter(case__applicant_name="王小明").delete()
    CaseMaterial.objects.filter(case__applicant_name="王小明").delete()
    Case.objects.filter(applicant_name="王小明").delete()
    per_life, per_move = lifecycles()
    print(f"database: {connection.vendor}; python {sys.version.split()[0]}")
    print(f"worker processes: {PROCS}")
    print(f"instant lifecycles (submit, accept, decide, deliver): {per_life:8.1f} /s")
    print(f"transitions with their events (transfer … deliver):  {per_move:8.1f} /s")
    if not CASES:
        return
    t = time.perf_counter()
    fill(CASES)
    filled = time.perf_counter() - t
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE cases_case")
    first, second, size = workbench()
    print(f"cases in the table: {Case.objects.count():,} (filled in {filled:.0f} s)")
    print(f"department workbench, first page ({size} rows): median {first:.1f} ms")
    print(f"department workbench, next page (keyset):        {second:.1f} ms")


if __name__ == "__main__":
    main()
