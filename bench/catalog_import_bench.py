"""Benchmark: importing a 5,000-item catalogue (3 materials each) from XLSX, and exporting it.

    .venv/bin/python bench/catalog_import_bench.py    # SQLite: var/bench-catalog.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/onewindow_bench \
        .venv/bin/python bench/catalog_import_bench.py

Builds the workbook with the project's own exporter from generated rows, then times: reading
and checking the file, the import into an empty catalogue, a no-change re-import (every row
compared), and the export. Issue 4's target: the import takes under 10 s. Figures go to
docs/BENCHMARKS.md.
"""

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
os.environ.setdefault("ONEWINDOW_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var"))
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{os.environ['ONEWINDOW_VAR_DIR']}/bench-catalog.sqlite3"
)

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from onewindow.catalog import transfer  # noqa: E402
from onewindow.catalog.elements import ITEM_COLUMNS, MATERIAL_COLUMNS  # noqa: E402
from onewindow.catalog.models import CombinedMember, HallApproval, Item  # noqa: E402
from onewindow.demo import county as demo  # noqa: E402
from onewindow.mandates.models import Letter  # noqa: E402
from onewindow.org.models import Unit, User  # noqa: E402

N = int(os.environ.get("BENCH_ITEMS", "5000"))
NAMES = ["许可", "登记", "备案", "核准", "确认", "给付", "审批", "认定"]


def rows() -> tuple[list[dict], list[dict]]:
    units = list(Unit.objects.filter(in_reform=True).order_by("id"))
    items, materials = [], []
    for n in range(N):
        unit = units[n % len(units)]
        basic = f"4301{n // len(units) + 1:05d}000"
        code = f"{unit.credit_code}4{basic}"
        items.append(
            {
                "implementation_code": code,
                "basic_code": basic,
                "name": f"{unit.short_name}测试事项{n}{NAMES[n % len(NAMES)]}",
                "item_type": "01",
                "relation": "independent",
                "parent": "",
                "unit_name": unit.name,
                "unit": unit.credit_code,
                "level": "4",
                "legal_limit": 20,
                "promised_limit": 5 + n % 10,
                "case_kind": "promised",
                "handling_forms": "1,2,3",
                "online_depth": "4",
                "fee_free": True,
                "legal_basis": "《中华人民共和国行政许可法》",
                "conditions": "申请材料齐全、符合法定形式。",
                "service_objects": "自然人、企业法人",
                "place": "桃江县政务服务中心",
                "hours": "工作日 8:30-17:30",
                "visits": 1,
                "special_procedures": [{"kind": "site_inspection", "days": 5}] if n % 7 else [],
                "life_events": ["准营经营"] if n % 3 == 0 else [],
                "online_hall": True,
                "hall_status": "entered",
                "supervised": True,
                "status": "published",
            }
        )
        for order, name in enumerate(("申请表", "营业执照", "场所使用证明"), start=1):
            materials.append(
                {
                    "item": code,
                    "order": order,
                    "name": name,
                    "originals": 1,
                    "copies": 1,
                    "required": order < 3,
                    "form": "paper",
                    "source": "applicant",
                    "is_main": order < 3,
                    "rongque": order == 3,
                }
            )
    for row in items:
        for col in ITEM_COLUMNS:
            row.setdefault(col.key, "")
    for row in materials:
        for col in MATERIAL_COLUMNS:
            row.setdefault(col.key, "")
    return items, materials


def main() -> None:
    call_command("migrate", verbosity=0)
    demo.load()
    Letter.objects.all().delete()
    CombinedMember.objects.all().delete()
    HallApproval.objects.all().delete()
    Item.objects.exclude(parent=None).delete()
    Item.objects.all().delete()
    user = User.objects.get(username="reform")

    item_rows, material_rows = rows()
    # Write the workbook with the exporter's own sheet writer, as a county would receive it.
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    transfer.write_sheet(wb, "事项", ITEM_COLUMNS, item_rows)
    transfer.write_sheet(wb, "申请材料", MATERIAL_COLUMNS, material_rows)
    path = Path(os.environ["ONEWINDOW_VAR_DIR"]) / "bench-catalog.xlsx"
    wb.save(path)
    data = path.read_bytes()

    t0 = time.perf_counter()
    items, materials, errors = transfer.read_xlsx(data)
    t1 = time.perf_counter()
    result = transfer.import_catalogue(
        acting_user=user, item_rows=items, material_rows=materials, errors=errors
    )
    t2 = time.perf_counter()
    assert result.created == N, result
    items, materials, errors = transfer.read_xlsx(data)
    t3 = time.perf_counter()
    again = transfer.import_catalogue(
        acting_user=user, item_rows=items, material_rows=materials, errors=errors
    )
    t4 = time.perf_counter()
    assert again.unchanged == N, again
    exported = transfer.export_xlsx(Item.objects.all())
    t5 = time.perf_counter()

    print(f"database: {connection.vendor}; python {sys.version.split()[0]}")
    print(f"workbook: {N} items, {len(material_rows)} materials, {len(data) / 1048576:.1f} MB")
    print(f"read + parse XLSX:            {t1 - t0:6.2f} s")
    print(f"check + import (empty):       {t2 - t1:6.2f} s")
    print(f"total first import:           {t2 - t0:6.2f} s  (target < 10 s)")
    print(f"re-import, nothing changed:   {t4 - t2:6.2f} s  (read {t3 - t2:.2f} s)")
    print(f"export XLSX:                  {t5 - t4:6.2f} s  ({len(exported) / 1048576:.1f} MB)")


if __name__ == "__main__":
    main()
