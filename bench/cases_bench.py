"""Benchmark: case transitions through the same services the pages use, and the department
workbench's first page over a large table.

    .venv/bin/python bench/cases_bench.py                       # SQLite: var/bench-cases.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/onewindow_bench \
        .venv/bin/python bench/cases_bench.py

BENCH_LIFECYCLES (default 2000) instant-item lifecycles, submit → accept → decide at the window →
deliver, each step a service call with its event; BENCH_CASES (default 1,000,000) rows for the
workbench query. Issue 6's targets (PostgreSQL): ≥ 1,000 transitions/s, ≥ 150 lifecycles/s,
first workbench page < 100 ms. Figures go to docs/BENCHMARKS.md.
"""

import datetime
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
from django.db import connection, reset_queries  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from onewindow.cases import selectors, services  # noqa: E402
from onewindow.cases.models import Case, CaseEvent, CaseMaterial  # noqa: E402
from onewindow.cases.workflow import State  # noqa: E402
from onewindow.catalog import demo as catalog_demo  # noqa: E402
from onewindow.catalog.models import Item  # noqa: E402
from onewindow.mandates import demo as mandates_demo  # noqa: E402
from onewindow.org import demo as org_demo  # noqa: E402
from onewindow.org.models import User, WindowPost  # noqa: E402

LIFECYCLES = int(os.environ.get("BENCH_LIFECYCLES", "2000"))
CASES = int(os.environ.get("BENCH_CASES", "1000000"))
DAY = datetime.date(2026, 12, 1)
BODY = "43092219800101123"
ID = BODY + ric.calc_check_digit(BODY + "0")
APPLICANT = {
    "applicant_kind": "person",
    "applicant_name": "王小明",
    "applicant_id": ID,
    "phone": "13807371234",
}


def lifecycles() -> tuple[float, float]:
    clerk = User.objects.get(username="clerk")
    post = WindowPost.objects.get(staff_a=clerk.staff, kind="department")
    item = Item.objects.get(name="个体工商户设立登记")
    given = [{"material_id": m.pk, "status": "paper"} for m in item.materials.all()]
    start = time.perf_counter()
    for _ in range(LIFECYCLES):
        case = services.application_submit(
            acting_user=clerk,
            item=item,
            channel="window",
            applicant=APPLICANT,
            materials=given,
            day=DAY,
        )
        case = services.case_accept(acting_user=clerk, case=case, window_post=post, day=DAY)
        case = services.case_decide_at_window(
            acting_user=clerk, case=case, result="approved", day=DAY
        )
        services.case_deliver(
            acting_user=clerk,
            case=case,
            mode="mail",
            day=DAY,
            detail={"address": "桃江县", "carrier": "EMS", "tracking": "1"},
        )
    elapsed = time.perf_counter() - start
    return LIFECYCLES / elapsed, 4 * LIFECYCLES / elapsed  # four events per lifecycle


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
        page = selectors.department_page(unit_id=unit_id)
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
    CaseEvent.objects.filter(case__applicant_name="王小明").delete()
    CaseMaterial.objects.filter(case__applicant_name="王小明").delete()
    Case.objects.filter(applicant_name="王小明").delete()
    per_life, per_move = lifecycles()
    t = time.perf_counter()
    fill(CASES)
    filled = time.perf_counter() - t
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE cases_case")
    first, second, size = workbench()
    print(f"database: {connection.vendor}; python {sys.version.split()[0]}")
    print(f"instant lifecycles (submit, accept, decide, deliver): {per_life:8.1f} /s")
    print(f"transitions with their events:                       {per_move:8.1f} /s")
    print(f"cases in the table: {Case.objects.count():,} (filled in {filled:.0f} s)")
    print(f"department workbench, first page ({size} rows): median {first:.1f} ms")
    print(f"department workbench, next page (keyset):        {second:.1f} ms")


if __name__ == "__main__":
    main()
