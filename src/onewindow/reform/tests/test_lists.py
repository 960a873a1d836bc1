"""Issue 17 item 8 on the reform office's lists: spot checks, self-inspection reports and
filings say how many and page at 50, newest first where they are dated."""

import datetime

import pytest
from django.utils import timezone

from onewindow.org.roles import RoleCode
from onewindow.reform.models import Filing, Round, SpotCheck, Task
from onewindow.reform.tests.factories import filing
from onewindow.testing.factories import DeskFactory, UnitFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client):
    user = staff_user(RoleCode.REFORM_OFFICE)
    client.force_login(user)
    return user


def test_spot_checks_page_newest_first(client, office):
    unit = UnitFactory()
    today = timezone.localdate()
    SpotCheck.objects.bulk_create(
        SpotCheck(
            unit=unit,
            checked_on=today - datetime.timedelta(days=i),
            inspector=office,
            findings=f"发现{i}号问题",
            deduction=0,
        )
        for i in range(51)
    )
    body = client.get("/reform/spot-checks/").content.decode()
    assert "显示第1–50项" in body and "发现0号问题" in body
    assert body.index("发现0号问题") < body.index("发现1号问题")


def test_submissions_page_over_the_rounds_units(client, office):
    today = timezone.localdate()
    rnd = Round.objects.create(
        name="分页测试轮次",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=300),
        report_due=today + datetime.timedelta(days=30),
    )
    Task.objects.create(round=rnd, order=1, title="单位进驻", checks=["hall"], deadline=today)
    rnd.units.add(*[UnitFactory(sections=False) for _ in range(51)])
    body = client.get(f"/self-inspection/reports/?round={rnd.pk}").content.decode()
    assert "共51项，显示第1–50项" in body
    assert f"round={rnd.pk}&amp;page=2" in body
    second = client.get(f"/self-inspection/reports/?round={rnd.pk}&page=2").content.decode()
    assert "共51项，显示第51–51项" in second


def test_filings_page(client, office):
    desk = DeskFactory()
    for i in range(51):
        filing(
            desk.unit,
            Filing.Kind.UNDETERMINED_ITEM,
            state=Filing.State.FILED,
            item=desk.item,
            superior=f"上级{i}号",
            basis="上级未明确",
        )
    body = client.get("/reform/filings/").content.decode()
    assert "显示第1–50项" in body
    total = Filing.objects.count()
    assert f"共{total}项" in body
