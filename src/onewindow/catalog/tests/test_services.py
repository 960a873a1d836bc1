import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onewindow.catalog import search, selectors, services
from onewindow.catalog.models import CombinedService, HallApproval, Item, ItemVersion, Material
from onewindow.catalog.tests.conftest import MATERIALS, item_data
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import (
    CombinedServiceFactory,
    ItemFactory,
    UnitFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db

APPROVAL = {
    "doc_no": "桃政函〔2026〕31号",
    "approved_on": datetime.date(2026, 11, 16),
    "approver": "桃江县人民政府",
    "reason": "职能划转",
}


def test_item_create_derives_the_implementation_code_and_records_version_1(reform, smj):
    item = services.item_create(acting_user=reform, unit=smj, data=item_data(), materials=MATERIALS)
    assert item.implementation_code == smj.credit_code + "4" + "000122999000"
    assert item.status == Item.Status.DRAFT and item.version == 1
    assert item.initials == "csxksx"  # 测试许可事项
    version = item.versions.get()
    assert version.action == "新增" and version.actor == reform
    assert [m["name"] for m in version.snapshot["materials"]] == ["申请表", "营业执照"]


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"promised_limit": 25}, "promised_limit", "不能超过法定办结时限（20个工作日）"),
        ({"case_kind": "instant"}, "promised_limit", "即办件当场办结，承诺办结时限应为0"),
        ({"promised_limit": 0}, "promised_limit", "应为即办件"),
        ({"basic_code": "00012299900"}, "basic_code", "应为12位"),
        ({"basic_code": "000522999000"}, "basic_code", "与事项类型"),
        ({"relation": "sub"}, "parent", "必须指明所属的上级事项"),
        ({"fee_free": False}, "fee_standard", "收费事项必须填写收费标准"),
        ({"handling_forms": "1,5"}, "handling_forms", "办理形式只能是"),
        ({"service_objects": "外星人"}, "service_objects", "服务对象“外星人”无效"),
        ({"special_procedures": [{"kind": "hearing", "days": 0}]}, "special_procedures", "听证"),
    ],
)
def test_item_rules_refuse_bad_elements_with_the_field_named(
    reform, smj, overrides, field, fragment
):
    with pytest.raises(ValidationError) as exc:
        services.item_create(acting_user=reform, unit=smj, data=item_data(**overrides))
    assert fragment in " ".join(exc.value.message_dict[field])
    assert not Item.objects.filter(basic_code=item_data(**overrides)["basic_code"]).exists()


def test_a_main_material_may_never_be_rongque(reform, smj):
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            acting_user=reform,
            unit=smj,
            data=item_data(),
            materials=[{"name": "申请表", "originals": 1, "is_main": True, "rongque": True}],
        )
    assert "主要材料，不能设为可容缺后补" in str(exc.value)
    assert not Item.objects.filter(name="测试许可事项").exists()  # nothing half-written


def test_a_shared_material_names_its_source_department(reform, smj):
    with pytest.raises(ValidationError, match="请填写提供数据的部门"):
        services.item_create(
            acting_user=reform,
            unit=smj,
            data=item_data(),
            materials=[{"name": "户口簿", "source": "sharing", "originals": 0}],
        )


def test_window_supervisor_edits_own_unit_only(smj):
    winsup = staff_user(RoleCode.WINDOW_SUPERVISOR, unit=smj)
    other = UnitFactory()
    item = services.item_create(acting_user=winsup, unit=smj, data=item_data())
    assert item.unit == smj
    with pytest.raises(PermissionDenied):
        services.item_create(
            acting_user=winsup, unit=other, data=item_data(basic_code="000122998000")
        )
    with pytest.raises(PermissionDenied):
        services.item_publish(acting_user=winsup, item=item)


def test_update_records_who_and_what_changed(reform, draft):
    services.item_update(
        acting_user=reform,
        item=draft,
        data={"promised_limit": 3, "place": "县政务服务中心3楼"},
        materials=[*MATERIALS, {"name": "场所平面图", "originals": 1}],
    )
    latest = ItemVersion.objects.filter(item=draft).order_by("-number").first()
    assert latest.number == 2 and latest.action == "修改"
    assert latest.changes["promised_limit"] == [5, 3]
    assert latest.changes["place"] == ["", "县政务服务中心3楼"]
    assert len(latest.changes["materials"][1]) == 3
    history = selectors.item_history(Item.objects.get(pk=draft.pk))
    labels = [label for label, _old, _new in history[0][1]]
    assert "承诺办结时限（工作日）" in labels and "新增材料" in labels


def test_an_update_that_changes_nothing_adds_no_version(reform, draft):
    services.item_update(acting_user=reform, item=draft, data={"promised_limit": 5})
    assert draft.versions.count() == 1


def test_publish_requires_materials_conditions_and_basis(reform, smj):
    item = services.item_create(
        acting_user=reform, unit=smj, data=item_data(conditions="", legal_basis="")
    )
    with pytest.raises(ValidationError) as exc:
        services.item_publish(acting_user=reform, item=item)
    text = " ".join(exc.value.messages)
    assert "申请材料" in text and "受理条件" in text and "设定依据" in text
    assert Item.objects.get(pk=item.pk).status == Item.Status.DRAFT


def test_publish_puts_the_item_in_the_online_hall(reform, draft):
    services.item_publish(acting_user=reform, item=draft)
    draft.refresh_from_db()
    assert draft.status == Item.Status.PUBLISHED and draft.online_hall
    assert draft.versions.filter(action="发布").exists()


def test_withdrawal_without_approval_is_refused(reform, published):
    with pytest.raises(ValidationError) as exc:
        services.item_withdraw(
            acting_user=reform, item=published, doc_no="", approved_on=None, approver="", reason=""
        )
    assert "撤出须经批准" in str(exc.value)
    published.refresh_from_db()
    assert published.status == Item.Status.PUBLISHED
    assert not HallApproval.objects.filter(item=published).exists()


def test_withdrawal_with_approval_keeps_the_record(reform, published):
    services.item_withdraw(acting_user=reform, item=published, **APPROVAL)
    published.refresh_from_db()
    assert published.status == Item.Status.WITHDRAWN and not published.online_hall
    record = HallApproval.objects.get(item=published)
    assert record.kind == HallApproval.Kind.WITHDRAW and record.doc_no == APPROVAL["doc_no"]
    assert "批准文号" in published.versions.first().changes["_note"]


def test_a_parent_with_published_children_cannot_be_withdrawn(reform):
    parent = ItemFactory(relation=Item.Relation.MAIN)
    ItemFactory(unit=parent.unit, relation=Item.Relation.SUB, parent=parent)
    with pytest.raises(ValidationError, match="仍有已发布的下级事项"):
        services.item_withdraw(acting_user=reform, item=parent, **APPROVAL)


def test_leaving_the_hall_needs_approval(reform, published):
    with pytest.raises(ValidationError, match="须经批准"):
        services.item_set_hall_status(
            acting_user=reform, item=published, data={"hall_status": "not_yet"}
        )
    published.refresh_from_db()
    assert published.hall_status == Item.HallStatus.ENTERED
    services.item_set_hall_status(
        acting_user=reform, item=published, data={"hall_status": "not_yet"}, approval=APPROVAL
    )
    published.refresh_from_db()
    assert published.hall_status == Item.HallStatus.NOT_YET
    assert HallApproval.objects.get(item=published).kind == HallApproval.Kind.LEAVE_HALL


def test_an_exemption_needs_reason_document_and_date(reform, draft):
    with pytest.raises(ValidationError) as exc:
        services.item_set_hall_status(
            acting_user=reform, item=draft, data={"hall_status": "exempt"}
        )
    assert {"exempt_reason", "exempt_doc_no", "exempt_date"} <= set(exc.value.message_dict)
    services.item_set_hall_status(
        acting_user=reform,
        item=draft,
        data={
            "hall_status": "exempt",
            "exempt_reason": "space",
            "exempt_doc_no": "县政发〔2026〕9号",
            "exempt_date": datetime.date(2026, 6, 1),
        },
    )
    assert Item.objects.get(pk=draft.pk).hall_status == Item.HallStatus.EXEMPT


def _members(*units):
    """A published item of each unit given (of a new unit where None)."""
    return [ItemFactory(**({"unit": u} if u else {})) for u in units]


def test_combined_service_limit_is_at_most_45_working_days(reform, smj):
    with pytest.raises(ValidationError) as exc:
        services.combined_save(
            acting_user=reform,
            data={"name": "开办药店", "lead_unit": smj, "promised_limit": 46},
            items=_members(smj, None),
        )
    assert "45个工作日" in str(exc.value)


def test_combined_service_spans_departments_and_the_lead_takes_part(reform, smj):
    with pytest.raises(ValidationError) as exc:
        services.combined_save(
            acting_user=reform,
            data={"name": "开办药店", "lead_unit": smj, "promised_limit": 10},
            items=_members(smj, smj),
        )
    assert "两个以上部门" in str(exc.value)
    other = UnitFactory()
    with pytest.raises(ValidationError, match="牵头单位必须承担"):
        services.combined_save(
            acting_user=reform,
            data={"name": "开办药店", "lead_unit": other, "promised_limit": 10},
            items=_members(smj, None),
        )
    assert not CombinedService.objects.filter(name="开办药店").exists()


def test_merged_materials_ask_once_for_a_shared_material():
    # Every factory item asks for 申请表 and 营业执照: three items, each material listed once.
    service = CombinedServiceFactory(items=[ItemFactory(), ItemFactory(), ItemFactory()])
    merged = selectors.merged_materials(selectors.combined_get(service.pk, public=True))
    licence = next(m for m in merged if m.name == "营业执照")
    assert len(licence.item_names) >= 3
    total = sum(m.item.materials.count() for m in service.members.select_related("item"))
    assert len(merged) < total
    assert len({m.name for m in merged}) == len(merged)  # each material once


def test_material_constraint_holds_in_the_database_too(published):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Material.objects.create(item=published, name="x", is_main=True, rongque=True)


def test_materials_given_as_a_generator_are_all_saved_on_a_published_item(reform, published):
    # The published-item check reads the materials before they are saved; a generator given by
    # a caller must survive that.
    services.item_update(
        acting_user=reform,
        item=published,
        data={},
        materials=(m for m in [*MATERIALS, {"name": "委托书", "originals": 1}]),
    )
    assert published.materials.count() == 3


def test_the_longest_name_keeps_search_keys_within_their_columns(reform, smj):
    """庄 spells zhuang: 200 of them are 1,200 letters of pinyin, twice the column. PostgreSQL
    refused the save (SQLite stored it); the keys are cut to their columns wherever set."""
    name = "庄" * Item._meta.get_field("name").max_length
    item = services.item_create(acting_user=reform, unit=smj, data=item_data(name=name))
    item.refresh_from_db()
    assert item.pinyin == "zhuang" * 100 and len(item.pinyin) == 600
    assert item.initials == "z" * 200
    assert item in selectors.item_search(Item.objects.all(), "zhuangzhuang")
    service = CombinedService(name="庄" * CombinedService._meta.get_field("name").max_length)
    search.set_keys(service, service.name)
    assert len(service.pinyin) == CombinedService._meta.get_field("pinyin").max_length == 300
