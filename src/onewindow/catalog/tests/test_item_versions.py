"""What creating, publishing and entering an item costs, and the versions it leaves: the
services read the item once, take both snapshots from it and number the version from the
item's own `version` column, writing the same version rows as when each step read it all
again."""

import pytest
from django.db import connection

from onewindow.catalog import elements, services
from onewindow.catalog.models import Item, ItemVersion
from onewindow.catalog.services.items import loaded_item
from onewindow.catalog.tests.conftest import MATERIALS, item_data
from onewindow.testing.factories import UnitFactory, credit_code

pytestmark = pytest.mark.django_db

CREDIT_CODE = credit_code(990_001)


def _create_publish_enter(reform, unit) -> Item:
    item = services.item_create(
        acting_user=reform, unit=unit, data=item_data(), materials=MATERIALS
    )
    item = services.item_publish(acting_user=reform, item=item)
    return services.item_set_hall_status(
        acting_user=reform, item=item, data={"hall_status": "entered", "supervised": True}
    )


def test_creating_publishing_and_entering_an_item_takes_39_queries(
    reform, django_assert_num_queries
):
    unit = UnitFactory(name="计数县市场监督管理局", short_name="计数市监局")
    # 68 when each step read the item again for each snapshot and the last version's number
    # from the versions, and entering checked the unit and the constraints again.
    with django_assert_num_queries(39):
        _create_publish_enter(reform, unit)


def test_the_three_steps_leave_the_version_rows_they_always_did(reform):
    unit = UnitFactory(
        name="版本县市场监督管理局", short_name="版本市监局", credit_code=CREDIT_CODE
    )
    item = _create_publish_enter(reform, unit)
    versions = list(ItemVersion.objects.filter(item=item).order_by("number"))
    assert [(v.number, v.action, v.actor_id) for v in versions] == [
        (1, "新增", reform.pk),
        (2, "发布", reform.pk),
        (3, "调整进驻", reform.pk),
    ]
    assert [v.changes for v in versions] == [
        {},
        {"online_hall": [False, True], "status": ["draft", "published"]},
        {"hall_status": ["not_yet", "entered"], "supervised": [False, True]},
    ]
    first = {
        "implementation_code": CREDIT_CODE + "4000122999000",
        "basic_code": "000122999000",
        "local_basic_code": "",
        "local_implementation_code": "",
        "library_version": "",
        "name": "测试许可事项",
        "item_type": "01",
        "relation": "independent",
        "level": "4",
        "legal_limit": 20,
        "promised_limit": 5,
        "case_kind": "promised",
        "handling_forms": "1",
        "online_depth": "1",
        "fee_free": True,
        "fee_standard": "",
        "fee_basis": "",
        "legal_basis": "《测试条例》第一条",
        "conditions": "材料齐全",
        "process": "",
        "service_objects": "自然人",
        "place": "",
        "hours": "",
        "consult_phone": "",
        "complaint_phone": "",
        "visits": 1,
        "special_procedures": [],
        "faq": "",
        "keywords": "",
        "online_hall": False,
        "hall_status": "not_yet",
        "exempt_reason": "",
        "exempt_note": "",
        "exempt_doc_no": "",
        "exempt_date": None,
        "supervised": False,
        "status": "draft",
        "parent": "",
        "unit": CREDIT_CODE,
        "unit_name": "版本县市场监督管理局",
        "life_events": [],
        "materials": [
            {
                "order": 1,
                "name": "申请表",
                "issuer": "",
                "originals": 1,
                "copies": 0,
                "required": True,
                "form": "paper",
                "source": "applicant",
                "sharing_unit": "",
                "standard": "",
                "is_main": True,
                "rongque": False,
            },
            {
                "order": 1,
                "name": "营业执照",
                "issuer": "",
                "originals": 0,
                "copies": 1,
                "required": True,
                "form": "paper",
                "source": "applicant",
                "sharing_unit": "",
                "standard": "",
                "is_main": False,
                "rongque": True,
            },
        ],
    }
    published = first | {"status": "published", "online_hall": True}
    entered = published | {"hall_status": "entered", "supervised": True}
    assert [v.snapshot for v in versions] == [first, published, entered]
    if connection.vendor == "sqlite":  # PostgreSQL's jsonb orders the keys its own way
        assert [list(v.snapshot) for v in versions] == [list(first)] * 3
    # The last snapshot is the item as stored, and the item's version the last number.
    assert versions[-1].snapshot == elements.snapshot(loaded_item(item.pk))
    assert Item.objects.get(pk=item.pk).version == item.version == 3


def test_a_hall_status_that_changes_nothing_adds_no_version(reform):
    item = _create_publish_enter(reform, UnitFactory())
    again = services.item_set_hall_status(
        acting_user=reform, item=item, data={"hall_status": "entered", "supervised": True}
    )
    assert again.version == 3 and item.versions.count() == 3
    assert Item.objects.get(pk=item.pk).version == 3


def test_an_item_handed_back_reads_its_materials_as_they_now_are(reform):
    item = _create_publish_enter(reform, UnitFactory())
    assert [m.name for m in item.materials.all()] == ["申请表", "营业执照"]
    item = services.item_update(
        acting_user=reform, item=item, data={}, materials=[{"name": "身份证", "originals": 1}]
    )
    assert [m.name for m in item.materials.all()] == ["身份证"]
    assert [(v.number, v.action) for v in item.versions.order_by("number")][-1] == (4, "修改")
