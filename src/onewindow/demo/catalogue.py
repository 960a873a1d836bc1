"""The Taojiang demo catalogue: 101 items of 23 units (instant and promised, main items with sub
items and business-handling items, exemptions, drafts still to be corrected) and three combined
services (一件事).

The items and their materials are `data/catalogue.json`, in the catalogue's own JSON format, and
load through the product's importer (`catalog.transfer`): every `onewindow demo` reads and
checks the whole file, and writes only what is new or differs. The combined services, which the
importer does not carry, are `data/combined.json`, saved and published through the catalogue
services. Idempotent: a second load changes nothing.
"""

import json
from pathlib import Path

from django.db import transaction

from onewindow.catalog import services
from onewindow.catalog.models import CombinedService, Item, LifeEvent
from onewindow.catalog.transfer import ImportResult, import_catalogue, read_json
from onewindow.org.models import Unit, User

DATA = Path(__file__).parent / "data"
CATALOGUE = DATA / "catalogue.json"
COMBINED = DATA / "combined.json"


def catalogue_rows() -> tuple[list, list, list]:
    """(item rows, material rows, errors) of the data file, as the importer's reader reads it."""
    return read_json(CATALOGUE.read_bytes())


def _moved_on(item_rows) -> set[str]:
    """Codes of stored items whose status or halls were changed in the product since the demo
    loaded them (withdrawn, left a hall): the importer may not undo such moves, and the demo
    leaves them as they are. Any other change to a demo item the file undoes, with a version."""
    wanted = {r["implementation_code"]: r for _, r in item_rows}
    moved = set()
    for item in Item.objects.filter(implementation_code__in=wanted).only(
        "implementation_code", "status", "online_hall", "hall_status"
    ):
        row = wanted[item.implementation_code]
        if (item.status, item.online_hall, item.hall_status) != (
            row["status"],
            row["online_hall"],
            row["hall_status"],
        ):
            moved.add(item.implementation_code)
    return moved


def import_items(acting_user: User) -> ImportResult:
    item_rows, material_rows, errors = catalogue_rows()
    moved = _moved_on(item_rows)
    if moved:
        item_rows = [(n, r) for n, r in item_rows if r["implementation_code"] not in moved]
        material_rows = [(n, r) for n, r in material_rows if r["item"] not in moved]
    if not item_rows:
        return ImportResult(created=0, updated=0, unchanged=0, materials=0)
    return import_catalogue(
        acting_user=acting_user, item_rows=item_rows, material_rows=material_rows, errors=errors
    )


def save_combined(acting_user: User) -> None:
    """The combined services not stored yet, saved and published through the services."""
    units = {u.credit_code: u for u in Unit.objects.all()}
    events = {e.name: e for e in LifeEvent.objects.all()}
    for row in json.loads(COMBINED.read_text()):
        if CombinedService.objects.filter(name=row["name"]).exists():
            continue
        codes = [m["item"] for m in row["items"]]
        by_code = {
            i.implementation_code: i for i in Item.objects.filter(implementation_code__in=codes)
        }
        members = [by_code[code] for code in codes]
        service = services.combined_save(
            acting_user=acting_user,
            data={
                "name": row["name"],
                "lead_unit": units[row["lead_unit"]],
                "description": row["description"],
                "promised_limit": row["promised_limit"],
                "place": row["place"],
                "consult_phone": row["consult_phone"],
                "conditions": row["conditions"],
            },
            items=members,
            life_events=[events[name] for name in row["life_events"]],
            stages={by_code[m["item"]].pk: m["stage"] for m in row["items"]},
        )
        if row["status"] == CombinedService.Status.PUBLISHED:
            services.combined_publish(acting_user=acting_user, service=service)


@transaction.atomic
def load() -> dict[str, int]:
    reform = User.objects.get(username="reform")
    import_items(reform)
    save_combined(reform)
    return {"items": Item.objects.count(), "combined": CombinedService.objects.count()}
