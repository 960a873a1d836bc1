"""Issue 17 item 8 on the organisation's lists: each says how many and pages at 50."""

import datetime

import pytest

from onewindow.org.models import Leave, StaffChange
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import StaffFactory, UnitFactory, staff_user

pytestmark = pytest.mark.django_db


def test_staff_list_pages_filters_by_unit_and_searches_names(client):
    unit = UnitFactory()
    viewer = staff_user(RoleCode.HALL_MANAGER, unit=unit)
    StaffFactory.create_batch(50, unit=unit)
    StaffFactory(unit=unit, name="欧阳娜娜")
    client.force_login(viewer)
    first = client.get(f"/org/staff/?unit={unit.pk}").content.decode()
    assert "共52项，显示第1–50项" in first
    assert first.count("<tr>") == 51  # the head and 50 people
    assert f"?unit={unit.pk}&amp;page=2" in first  # the pager keeps the filter
    second = client.get(f"/org/staff/?unit={unit.pk}&page=2").content.decode()
    assert "共52项，显示第51–52项" in second and "欧阳娜娜" in second
    found = client.get(f"/org/staff/?unit={unit.pk}&q=欧阳").content.decode()
    assert "共1项" in found and "欧阳娜娜" in found and found.count("<tr>") == 2
    assert client.get("/org/staff/?unit=abc").status_code == 400


def test_unit_bound_staff_see_only_their_unit_and_no_unit_picker(client):
    unit = UnitFactory()
    winsup = staff_user(RoleCode.WINDOW_SUPERVISOR, unit=unit)
    StaffFactory.create_batch(2, unit=unit)
    StaffFactory()  # another unit's
    client.force_login(winsup)
    body = client.get("/org/staff/").content.decode()
    assert "共3项" in body and 'name="unit"' not in body
    other = UnitFactory()
    assert "共0项" in client.get(f"/org/staff/?unit={other.pk}").content.decode()


def test_unit_list_counts_and_pages(client):
    from onewindow.org.models import Unit

    for _ in range(max(0, 51 - Unit.objects.count())):
        UnitFactory(sections=False)
    client.force_login(staff_user(RoleCode.HALL_MANAGER))
    total = Unit.objects.count()
    body = client.get("/org/units/").content.decode()
    assert f"共{total}项，显示第1–50项" in body
    assert f"共{total}项，显示第51–" in client.get("/org/units/?page=2").content.decode()
    assert "第1页" in client.get("/org/units/?page=last").content.decode()


def test_staff_changes_and_leave_page_newest_first(client):
    unit = UnitFactory()
    winsup = staff_user(RoleCode.WINDOW_SUPERVISOR, unit=unit)
    clerk = staff_user(RoleCode.WINDOW_CLERK, unit=unit)
    day = datetime.date(2026, 1, 1)
    Leave.objects.bulk_create(
        Leave(
            staff=clerk.staff,
            start=day + datetime.timedelta(days=i),
            end=day + datetime.timedelta(days=i),
            reason=f"事假{i}号",
            status=Leave.Status.APPROVED,
            requested_by=clerk,
        )
        for i in range(51)
    )
    client.force_login(clerk)
    body = client.get("/org/leave/").content.decode()
    assert "共51项，显示第1–50项" in body
    assert body.index("事假50号") < body.index("事假49号")  # the latest first
    assert "事假0号" not in body and "事假0号" in client.get("/org/leave/?page=2").content.decode()

    StaffChange.objects.bulk_create(
        StaffChange(
            staff=clerk.staff,
            kind=StaffChange.Kind.TRANSFER,
            effective_on=day,
            reason=f"调整{i}号",
            notified_by=winsup,
        )
        for i in range(51)
    )
    client.force_login(winsup)
    body = client.get("/org/changes/").content.decode()
    assert "共51项，显示第1–50项" in body
    assert "共51项，显示第51–51项" in client.get("/org/changes/?page=2").content.decode()
