import datetime

import pytest

from onewindow.catalog import selectors, services
from onewindow.catalog.models import Item
from onewindow.catalog.tests.conftest import item_data
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import DeskFactory, ItemFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    """A few items to search: names, a keyword, and initials that match scattered or in a row."""
    made = [
        ItemFactory(name="建筑工程施工许可", keywords="施工许可证"),
        ItemFactory(name="建筑起重机械使用登记许可"),  # j-z … x-k, scattered
        ItemFactory(name="食品经营许可"),
        ItemFactory(name="食品生产许可"),
        ItemFactory(name="个体工商户设立登记"),
        ItemFactory(name="药品零售企业经营许可"),
    ]
    return Item.objects.filter(pk__in=[i.pk for i in made])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jzxk", "建筑工程施工许可"),
        ("spjy", "食品经营许可"),
        ("食品经营", "食品经营许可"),
        ("shipin", "食品生产许可"),
        ("施工许可证", "建筑工程施工许可"),  # a keyword
    ],
)
def test_search_by_name_keyword_and_pinyin(catalogue, query, expected):
    hits = [i.name for i in selectors.item_search(catalogue, query)]
    assert expected in hits[:5], hits[:5]


def test_contiguous_initials_rank_before_scattered_ones(catalogue):
    hits = [i.name for i in selectors.item_search(catalogue, "jzxk")]
    assert hits[:2] == ["建筑工程施工许可", "建筑起重机械使用登记许可"]


def test_unit_staff_see_only_their_units_items():
    desk = DeskFactory(with_letter=False)
    ItemFactory()  # another unit's
    units = set(
        selectors.item_list_for_user(user=desk.clerk).values_list("unit__short_name", flat=True)
    )
    assert units == {desk.unit.short_name}
    applicant = UserFactory(roles=[RoleCode.APPLICANT])
    assert not selectors.item_list_for_user(user=applicant).exists()


def _reasons(user, item) -> set[str]:
    findings = selectors.catalogue_check(user=user, unit_id=item.unit_id)
    return {f.rule for f in findings.get(item.unit, []) if f.item.pk == item.pk}


def test_catalogue_check_reports_each_rule_with_a_reason(reform, smj):
    bare = services.item_create(
        acting_user=reform, unit=smj, data=item_data(conditions="", legal_basis="")
    )
    assert {"缺少申请材料", "缺少受理条件", "缺少设定依据"} <= _reasons(reform, bare)

    # Rows written around the services (old data, a direct database fix) are caught too.
    Item.objects.filter(pk=bare.pk).update(
        legal_limit=5, promised_limit=5, implementation_code="X" * 31
    )
    reasons = _reasons(reform, Item.objects.get(pk=bare.pk))
    assert {"承诺时限未短于法定时限", "编码无效"} <= reasons

    twin = services.item_create(
        acting_user=reform, unit=smj, data=item_data(name="重复", level="3")
    )
    assert "编码重复" in _reasons(reform, twin)

    online = ItemFactory(unit=smj, hall_status=Item.HallStatus.NOT_YET)
    assert "已在网上大厅发布但未进驻实体大厅，也未经批准不进驻" in _reasons(reform, online)

    exempt = services.item_set_hall_status(
        acting_user=reform,
        item=ItemFactory(unit=smj, hall_status=Item.HallStatus.NOT_YET),
        data={
            "hall_status": Item.HallStatus.EXEMPT,
            "exempt_reason": Item.ExemptReason.SECRECY,
            "exempt_doc_no": "桃政函〔2026〕8号",
            "exempt_date": datetime.date(2026, 6, 1),
        },
    )
    assert _reasons(reform, exempt) == set()
    Item.objects.filter(pk=exempt.pk).update(exempt_doc_no="")
    assert "不进驻但无批准文件" in _reasons(reform, exempt)

    unsupervised = ItemFactory(unit=smj, supervised=False)
    assert "未纳入电子监察" in _reasons(reform, unsupervised)


def test_catalogue_check_reports_children_of_withdrawn_parents(reform):
    parent = ItemFactory(relation=Item.Relation.MAIN)
    child = ItemFactory(unit=parent.unit, relation=Item.Relation.SUB, parent=parent)
    Item.objects.filter(pk=parent.pk).update(status=Item.Status.WITHDRAWN)
    assert "上级事项缺失" in _reasons(reform, child)


def test_promised_above_legal_cannot_even_be_stored(draft):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.filter(pk=draft.pk).update(promised_limit=99)


def test_a_clean_item_has_no_findings(reform):
    item = ItemFactory()
    assert _reasons(reform, item) == set()
    assert item.exempt_date is None
