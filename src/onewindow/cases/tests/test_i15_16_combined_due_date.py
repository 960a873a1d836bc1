"""Issue 15 item 16: the combined case's due date covers its members' slowest stage path."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from onewindow import workdays
from onewindow.cases.services import combined
from onewindow.cases.tests.conftest import APPLICANT, DAY, user
from onewindow.catalog import services as catalog_services
from onewindow.catalog.models import CombinedService, Item
from onewindow.catalog.selectors import merged_materials
from onewindow.org.models import WindowPost

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def _accepted(service):
    parent = combined.combined_submit(
        acting_user=user("zhclerk"),
        service=service,
        channel="window",
        applicant=APPLICANT,
        materials={line.name: "paper" for line in merged_materials(service)},
        day=DAY,
    )
    post = WindowPost.objects.get(staff_a__user__username="zhclerk", kind="comprehensive")
    return combined.combined_accept(
        acting_user=user("zhclerk"), combined=parent, window_post=post, day=DAY
    )


def test_i15_16_combined_due_date_is_never_before_the_slowest_stage_path():
    service = CombinedService.objects.get(name="开办餐饮店")
    parent = _accepted(service)
    assert parent.due_date == workdays.add_workdays(DAY, service.promise_days)
    # Every child's own promise fits inside the combined one, stage after stage.
    first = parent.children.get(stage=1)
    stage_one_done = workdays.add_workdays(DAY, first.item.promised_limit)
    for child in parent.children.filter(stage=2):
        assert workdays.add_workdays(stage_one_done, child.item.promised_limit) <= parent.due_date


def test_i15_16_a_member_limit_raised_later_moves_the_combined_due_date():
    service = CombinedService.objects.get(name="开办餐饮店")
    licence = Item.objects.get(name="食品经营许可（新办）")
    catalog_services.item_update(
        acting_user=user("reform"),
        item=licence,
        data={"promised_limit": service.promised_limit + 2},
    )
    service = CombinedService.objects.get(pk=service.pk)
    parent = _accepted(service)
    needed = 1 + service.promised_limit + 2  # registration (1), then the licence
    assert service.promise_days >= needed
    assert parent.due_date == workdays.add_workdays(DAY, service.promise_days)
