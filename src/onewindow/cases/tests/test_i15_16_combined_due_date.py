"""Issue 15 item 16: the combined case's due date covers its members' slowest stage path."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from onewindow import workdays
from onewindow.cases.services import combined
from onewindow.cases.tests.combined_factories import combo
from onewindow.cases.tests.conftest import APPLICANT, DAY
from onewindow.catalog import services as catalog_services
from onewindow.catalog.models import CombinedService
from onewindow.catalog.selectors import merged_materials
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def _accepted(one, service):
    parent = combined.combined_submit(
        acting_user=one.clerk,
        service=service,
        channel="window",
        applicant=APPLICANT,
        materials={line.name: "paper" for line in merged_materials(service)},
        day=DAY,
    )
    return combined.combined_accept(
        acting_user=one.clerk, combined=parent, window_post=one.post, day=DAY
    )


def test_i15_16_combined_due_date_is_never_before_the_slowest_stage_path():
    one = combo()
    service = one.service
    parent = _accepted(one, service)
    assert parent.due_date == workdays.add_workdays(DAY, service.promise_days)
    # Every child's own promise fits inside the combined one, stage after stage.
    first = parent.children.get(stage=1)
    stage_one_done = workdays.add_workdays(DAY, first.item.promised_limit)
    for child in parent.children.filter(stage=2):
        assert workdays.add_workdays(stage_one_done, child.item.promised_limit) <= parent.due_date


def test_i15_16_a_member_limit_raised_later_moves_the_combined_due_date():
    one = combo()
    service = one.service
    registration, licence = one.desks[0].item, one.desks[1].item  # stage 1, then stage 2
    catalog_services.item_update(
        acting_user=UserFactory(roles=[RoleCode.REFORM_OFFICE]),
        item=licence,
        data={"promised_limit": service.promised_limit + 2},
    )
    service = CombinedService.objects.get(pk=service.pk)
    parent = _accepted(one, service)
    needed = registration.promised_limit + service.promised_limit + 2  # registration, licence
    assert service.promise_days >= needed
    assert parent.due_date == workdays.add_workdays(DAY, service.promise_days)
