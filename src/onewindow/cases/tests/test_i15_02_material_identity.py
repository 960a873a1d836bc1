"""Issue 15 item 2: saving a catalogue item never detaches a case's checklist from its materials.

Every path that writes an item's materials (the edit page, the REST API, the XLSX/JSON import)
updates them in place; a removed material is retired, never deleted while a case refers to it.
"""

import datetime
import json
from zoneinfo import ZoneInfo

import lxml.html
import pytest
import time_machine
from django.db.models import ProtectedError

from onewindow import workdays
from onewindow.cases import repairs, services
from onewindow.cases.models import CaseMaterial
from onewindow.cases.tests.conftest import DAY, signed_in, submit_at
from onewindow.cases.workflow import State
from onewindow.catalog import services as catalog_services
from onewindow.catalog import transfer
from onewindow.catalog.forms import MaterialForm
from onewindow.catalog.models import Item, Material
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import ApplicantFactory, DeskFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(scope="module")
def _module_desk(module_db):
    """A desk whose promised item has an optional minor material, 从业人员培训合格证明 (容缺
    allowed), beside two required ones: built once for the module (conftest.module_db), at
    the module's NOW as each test's own was."""
    with time_machine.travel(NOW, tick=False):
        return DeskFactory(
            item__materials=(
                {"name": "食品经营许可申请书", "originals": 1, "copies": 0},
                {"name": "营业执照", "originals": 0, "copies": 1},
                {
                    "name": "从业人员培训合格证明",
                    "originals": 0,
                    "copies": 1,
                    "required": False,
                    "is_main": False,
                    "rongque": True,
                },
            )
        )


@pytest.fixture
def desk(_desk):
    """A copy of the module's desk, for this test."""
    return _desk


@pytest.fixture
def reform(db):
    return UserFactory(roles=[RoleCode.REFORM_OFFICE])


def _links(case) -> dict[int, tuple[int | None, bool | None]]:
    """Checklist row → (material id, whether the catalogue still calls it required)."""
    return {
        row.pk: (row.material_id, row.material.required if row.material else None)
        for row in case.materials.select_related("material")
    }


def _post_back(client, url: str):
    """Post the edit page's form with exactly the values the page rendered."""
    page = client.get(url)
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.content)
    form = next(f for f in doc.xpath("//main//form") if f.method == "POST")
    data: dict[str, list[str]] = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return client.post(url, data)


def _accept_with_rongque(case, desk):
    minor = case.materials.get(name__contains="培训合格证明")
    minor.status = CaseMaterial.Status.MISSING
    minor.save()
    return services.case_accept(
        acting_user=desk.clerk,
        case=case,
        window_post=desk.post,
        day=DAY,
        rongque={"commitment": "本人承诺补齐", "deadline": workdays.add_workdays(DAY, 3)},
    )


def test_i15_02_unchanged_save_on_the_edit_page_keeps_every_checklist_link(client, desk, reform):
    case = submit_at(desk)
    before = _links(case)
    assert all(mid is not None for mid, _ in before.values())
    assert False in {required for _, required in before.values()}  # an optional material

    item = desk.item
    response = _post_back(signed_in(client, reform), f"/catalog/items/{item.pk}/edit/")
    assert response.status_code == 302, response.content.decode()

    assert _links(case) == before  # same material rows, still optional where they were
    case = _accept_with_rongque(case, desk)  # 容缺 still possible after the save
    assert case.state == State.ACCEPTED and case.rongque_open


def test_i15_02_api_patch_and_import_keep_the_links(client, desk, reform):
    case = submit_at(desk)
    before = _links(case)
    item = desk.item
    client.force_login(reform)
    current = client.get(f"/api/catalog/items/{item.implementation_code}").json()["materials"]
    for m in current:
        m.pop("id", None)  # a client that knows only the names
        m["standard"] = m["standard"] + "（复印件加盖公章）"
    response = client.patch(
        f"/api/catalog/items/{item.implementation_code}",
        json.dumps({"materials": current}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert _links(case) == before
    assert {r["id"] for r in response.json()["materials"]} == {m for m, _ in before.values()}

    exported = json.loads(transfer.export_json(Item.objects.filter(pk=item.pk)))
    for m in exported["materials"]:
        m["copies"] += 1
    items, materials, errors = transfer.read_json(json.dumps(exported).encode())
    result = transfer.import_catalogue(
        acting_user=reform, item_rows=items, material_rows=materials, errors=errors
    )
    assert result.updated == 1
    assert _links(case) == before


def test_i15_02_edited_material_keeps_its_id(desk, reform):
    item = desk.item
    rows = [_row(m) for m in item.materials.all()]
    first = rows[0]
    old_name = first["name"]
    first["name"] = old_name + "（加盖公章）"
    catalog_services.item_update(acting_user=reform, item=item, data={}, materials=rows)
    renamed = Material.objects.get(pk=first["id"])
    assert renamed.name == old_name + "（加盖公章）" and renamed.retired_at is None
    assert not Material.all_objects.filter(item=item, name=old_name).exists()


def _row(material: Material) -> dict:
    """The material as the edit page's row sends it: its id and every form field but the files."""
    keys = [f for f in MaterialForm.Meta.fields if f not in ("blank_form", "sample")]
    return {"id": material.pk} | {k: getattr(material, k) for k in keys}


def test_i15_02_removed_material_is_retired_and_old_cases_still_show_it(client, desk, reform):
    old_case = submit_at(desk)
    item = desk.item
    minor = item.materials.get(name__contains="培训合格证明")
    kept = [_row(m) for m in item.materials.exclude(pk=minor.pk)]
    catalog_services.item_update(acting_user=reform, item=item, data={}, materials=kept)

    minor = Material.all_objects.get(pk=minor.pk)  # still there, retired
    assert minor.retired_at is not None
    assert minor.pk not in {m.pk for m in item.materials.all()}
    assert not Material.objects.filter(pk=minor.pk).exists()
    # Hidden from the guide and from the checklists of new cases ...
    assert minor.name not in client_get_guide(client, item).content.decode()
    new_case = submit_at(desk)
    assert not new_case.materials.filter(name=minor.name).exists()
    # ... while the old case keeps it, linked and shown.
    row = old_case.materials.get(name=minor.name)
    assert row.material_id == minor.pk and row.material.rongque
    page = signed_in(client, desk.clerk).get(f"/cases/{old_case.pk}/").content.decode()
    assert minor.name in page

    # Listing it again brings the same material back rather than a new one.
    catalog_services.item_update(
        acting_user=reform, item=item, data={}, materials=[*kept, _row(minor)]
    )
    assert Material.objects.get(pk=minor.pk).retired_at is None


def client_get_guide(client, item):
    return signed_in(client, ApplicantFactory()).get(f"/guide/items/{item.implementation_code}/")


def test_i15_02_a_material_a_case_refers_to_is_never_deleted(desk):
    case = submit_at(desk)
    material = case.materials.exclude(material=None).first().material
    with pytest.raises(ProtectedError):
        material.delete()


def test_i15_02_migration_relinks_lost_links_by_name(desk):
    case = submit_at(desk)
    before = _links(case)
    item = desk.item
    # What a save of the old code left behind: checklist rows whose material was deleted.
    case.materials.update(material=None)
    stray = CaseMaterial.objects.create(case=case, name="已不在清单中的材料", status="paper")

    fixed = repairs.relink_case_materials(CaseMaterial, Material)

    assert fixed == len(before)
    assert _links(case) == before | {stray.pk: (None, None)}
    assert all(row.material.item_id == item.pk for row in case.materials.exclude(material=None))
    assert repairs.relink_case_materials(CaseMaterial, Material) == 0  # idempotent
