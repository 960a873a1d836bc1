"""Issue 17 item 8 on the letters, seals and 首问 records: each says how many and pages at 50."""

import copy
import datetime

import pytest
from django.utils import timezone

from onewindow.mandates.models import Enquiry, Letter
from onewindow.org.models import Unit
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import DeskFactory, LetterFactory, staff_user

pytestmark = pytest.mark.django_db


def clones(row, n: int, **vary) -> None:
    """n copies of a saved row in one INSERT; `vary` maps a field to a function of an index."""
    made = []
    for i in range(n):
        c = copy.copy(row)
        c.pk = None
        for field, value in vary.items():
            setattr(c, field, value(i))
        made.append(c)
    type(row).objects.bulk_create(made)


def test_letters_page_and_still_name_the_units_without_one(client):
    desk = DeskFactory(with_letter=False)
    start = timezone.localdate() - datetime.timedelta(days=400)
    old = LetterFactory(
        unit=desk.unit,
        supervisor=desk.winsup.staff,
        team_leader=desk.teamlead.staff,
        valid_from=start,
        valid_until=start + datetime.timedelta(days=1),
        status=Letter.Status.REVOKED,
    )
    clones(
        old,
        50,
        valid_from=lambda i: start + datetime.timedelta(days=2 + i),
        valid_until=lambda i: start + datetime.timedelta(days=3 + i),
    )
    client.force_login(desk.winsup)
    body = client.get("/mandates/").content.decode()
    assert "共51项，显示第1–50项" in body
    assert "尚无有效授权的单位（1个）" in body  # every letter revoked: the unit has none in force
    assert body.count('href="/mandates/') - body.count('href="/mandates/new') >= 50
    second = client.get("/mandates/?page=2").content.decode()
    assert "共51项，显示第51–51项" in second and start.isoformat() in second  # the oldest last


def test_seals_count_the_units(client):
    client.force_login(staff_user(RoleCode.HALL_MANAGER))
    total = Unit.objects.filter(in_reform=True).count()
    body = client.get("/mandates/seals/").content.decode()
    assert f"共{total}项" in body
    assert ("显示第1–50项" in body) == (total > 50)


def test_enquiries_page_newest_first(client):
    desk = DeskFactory()
    first = Enquiry.objects.create(
        staff=desk.clerk.staff, question="问题0号", outcome=Enquiry.Outcome.GUIDED
    )
    clones(first, 50, question=lambda i: f"问题{i + 1}号")
    client.force_login(desk.clerk)
    body = client.get("/mandates/enquiries/").content.decode()
    assert "共51项，显示第1–50项" in body
    assert "问题50号" in body and "问题0号" not in body
    assert "问题0号" in client.get("/mandates/enquiries/?page=2").content.decode()
