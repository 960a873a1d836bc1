"""Issue 17 item 8 on the calendar: the years are counted, the changes paged, the latest first."""

import pytest

from onewindow.org.roles import RoleCode
from onewindow.testing.factories import staff_user
from onewindow.workdays.models import CalendarRevision

pytestmark = pytest.mark.django_db


def test_year_list_counts_years_and_pages_changes(client):
    before = CalendarRevision.objects.count()
    CalendarRevision.objects.bulk_create(
        CalendarRevision(action="更正", year=2026, detail={"n": f"第{i}次"}) for i in range(51)
    )
    client.force_login(staff_user(RoleCode.HALL_MANAGER))
    body = client.get("/calendar/").content.decode()
    total = before + 51
    assert f"共{total:,}项，显示第1–50项" in body
    assert "第50次" in body and body.index("第50次") < body.index("第49次")
    assert "第0次" in client.get(f"/calendar/?page={(total + 49) // 50}").content.decode()
    assert body.count('class="list-count"') == 2  # the years and the changes
