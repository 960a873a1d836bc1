"""Issue 15 item 16: a 一件事 never promises fewer days than its slowest stage path (stages one
after another, the members of a stage in parallel)."""

import pytest
from django.core.exceptions import ValidationError

from onewindow.catalog import services
from onewindow.catalog.models import CombinedService, Item, slowest_path
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import CombinedServiceFactory, ItemFactory, UserFactory

pytestmark = pytest.mark.django_db

RESTAURANT = "开办餐饮店（测试）"  # the demo has its own 开办餐饮店
MEMBERS = [
    "企业设立登记",
    "食品经营许可（新办）",
    "城镇污水排入排水管网许可",
    "设置大型户外广告审批",
]


@pytest.fixture(autouse=True)
def restaurant(db):
    """开办餐饮店: business registration first (1 day), then three licences of three units in
    parallel (7, 5 and 6 days); it promises 10 working days, the slowest path needing 8."""
    limits = dict(zip(MEMBERS, (1, 7, 5, 6), strict=True))
    items = [ItemFactory(name=name, promised_limit=days) for name, days in limits.items()]
    return CombinedServiceFactory(
        name=RESTAURANT,
        items=items,
        lead_unit=items[1].unit,
        promised_limit=10,
        stages=_stages(items),
    )


def _items():
    return [Item.objects.get(name=n, combined_services__name=RESTAURANT) for n in MEMBERS]


def _stages(items):
    return {i.pk: 1 if i.name == "企业设立登记" else 2 for i in items}


def test_i15_16_slowest_path_is_the_sum_of_each_stages_longest_limit():
    assert slowest_path([(1, 1), (2, 7), (2, 7), (2, 5)]) == {1: 1, 2: 7}
    assert slowest_path([(1, 0), (1, 5), (1, 0)]) == {1: 5}
    items = _items()
    needed = sum(
        max(i.promised_limit for i in items if _stages(items)[i.pk] == stage) for stage in (1, 2)
    )
    assert CombinedService.objects.get(name=RESTAURANT).minimum_limit() == needed


def test_i15_16_a_promise_shorter_than_the_members_need_is_refused(reform):
    items = _items()
    needed = CombinedService.objects.get(name=RESTAURANT).minimum_limit()
    service = CombinedService.objects.get(name=RESTAURANT)
    with pytest.raises(ValidationError) as exc:
        services.combined_save(
            acting_user=reform,
            data={"promised_limit": needed - 1},
            items=items,
            stages=_stages(items),
            service=service,
        )
    message = exc.value.message_dict["promised_limit"][0]
    assert f"不能少于{needed}个工作日" in message and "第2阶段" in message
    # All in one stage they run in parallel, so the longest one alone is the minimum.
    longest = max(i.promised_limit for i in items)
    saved = services.combined_save(
        acting_user=reform,
        data={"promised_limit": longest},
        items=items,
        stages={i.pk: 1 for i in items},
        service=service,
    )
    assert saved.promised_limit == longest


def test_i15_16_the_edit_page_names_the_minimum(client):
    client.force_login(UserFactory(roles=[RoleCode.REFORM_OFFICE]))
    service = CombinedService.objects.get(name=RESTAURANT)
    needed = service.minimum_limit()
    response = client.post(
        f"/catalog/combined/{service.pk}/edit/",
        {
            "name": service.name,
            "lead_unit": service.lead_unit_id,
            "promised_limit": 5,
            "member_items": [m.item_id for m in service.members.all()],
        },
    )
    assert response.status_code == 400
    assert f"不能少于{needed}个工作日" in response.content.decode()
    service.refresh_from_db()
    assert service.promised_limit >= needed


def test_i15_16_members_beyond_the_joint_statutory_limit_are_refused(reform):
    items = _items()
    stages = {i.pk: n for n, i in enumerate(items, start=1)}  # four stages in sequence
    Item.objects.filter(pk__in=[i.pk for i in items[1:]]).update(legal_limit=20, promised_limit=20)
    with pytest.raises(ValidationError, match="超过联合办理的法定时限45个工作日"):
        services.combined_save(
            acting_user=reform,
            data={"promised_limit": 45},
            items=[Item.objects.get(pk=i.pk) for i in items],
            stages=stages,
            service=CombinedService.objects.get(name=RESTAURANT),
        )


def test_i15_16_a_member_limit_raised_later_raises_the_promise_in_force(reform, client):
    service = CombinedService.objects.get(name=RESTAURANT)
    declared = service.promised_limit
    assert service.promise_days == declared
    licence = _items()[1]
    services.item_update(
        acting_user=reform, item=licence, data={"promised_limit": licence.promised_limit + 5}
    )
    service = CombinedService.objects.get(name=RESTAURANT)
    assert service.promised_limit == declared  # the unit's change is not refused ...
    assert service.promise_days == service.minimum_limit() > declared  # ... nor hidden
    client.force_login(reform)
    page = client.get(f"/catalog/combined/{service.pk}/").content.decode()
    assert f"改为不少于{service.promise_days}个工作日" in page
    client.force_login(UserFactory(roles=[RoleCode.APPLICANT]))
    guide = client.get(f"/guide/combined/{service.pk}/").content.decode()
    assert f"承诺{service.promise_days}个工作日办结" in guide
