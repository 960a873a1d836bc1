"""The dashboards: the event log rolled up once per event, figures scoped by the user, and the
drill-down to the cases behind a figure."""

import datetime

import pytest
from django.utils import timezone

from onewindow.cases.models import Case, CaseEvent
from onewindow.org.roles import RoleCode
from onewindow.supervision import dashboard
from onewindow.supervision import services as supervision
from onewindow.supervision.models import DayStat
from onewindow.supervision.tests.test_scan import transferred
from onewindow.testing.factories import DeskFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db


def _later():
    return timezone.now() + datetime.timedelta(minutes=5)


def test_rollup_counts_each_event_once_and_waits_for_recent_ones():
    case = transferred(day=timezone.localdate())
    assert dashboard.rollup() == 0  # younger than a minute: may still be committing
    read = dashboard.rollup(_later())
    assert read == CaseEvent.objects.count()
    day = timezone.localdate()
    stat = DayStat.objects.get(day=day, unit_id=case.unit_id)
    submits = CaseEvent.objects.filter(action="submit", case__unit_id=case.unit_id).count()
    assert stat.received == submits and stat.accepted >= 1
    assert dashboard.rollup(_later()) == 0  # nothing new: nothing counted twice
    assert DayStat.objects.get(pk=stat.pk).received == submits


def test_overview_figures_and_drill_down(client):
    desk = DeskFactory()
    case = transferred(desk, timezone.localdate())
    late = transferred(desk, timezone.localdate())
    # Overdue: its yellow date before its due date, as acceptance stores them (a due date moved
    # alone leaves a yellow date ahead, which the scan takes for a date moved later: green again;
    # whether it was ahead depended on the factory's item and the day, and failed on 31 December).
    Case.objects.filter(pk=late.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(2),
        yellow_from=timezone.localdate() - datetime.timedelta(4),
    )
    supervision.sweep()
    dashboard.rollup(_later())
    inspector = UserFactory(roles=[RoleCode.SUPERVISOR])  # 电子监察
    data = dashboard.overview(inspector)
    assert data["lights"]["red"] >= 1 and data["open"] >= 2
    assert data["intake_today"] >= 2 and len(data["trend"]) == 30
    row = next(u for u in data["per_unit"] if u["unit_id"] == case.unit_id)
    assert row["red"] >= 1
    client.force_login(inspector)
    page = client.get("/supervision/").content.decode()
    assert "chart-lights" in page and "vendor/echarts.min.js" in page
    assert "政务服务大厅监察大屏" in client.get("/supervision/wall/").content.decode()
    drill = client.get("/supervision/cases/", {"light": "red", "unit": case.unit_id})
    assert late.number in drill.content.decode() and case.number not in drill.content.decode()
    # A unit sees its own figures only.
    clerk2 = staff_user(RoleCode.WINDOW_CLERK)  # of another unit
    other = dashboard.overview(clerk2)
    assert all(u["unit_id"] != case.unit_id for u in other["per_unit"])
    client.force_login(clerk2)
    assert late.number not in client.get("/supervision/cases/").content.decode()
