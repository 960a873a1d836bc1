"""The dashboard's drill-down pages the cases behind a figure, 50 at a time in due order, and says
how many there are: it listed the first 300 and said nothing of the rest (26,173 lit cases at
1,000,000), and sorted every lit case to find them (issue 22)."""

import datetime
import re

import pytest
from django.utils import timezone

from onewindow.cases.models import Case
from onewindow.cases.workflow import Light
from onewindow.org.roles import RoleCode
from onewindow.supervision.tests.test_scan import transferred
from onewindow.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

MANY = 57  # more than a page (common.paging.PER_PAGE)


def _lit_county():
    """MANY red cases of one unit, each due a day later than the one before, and one green."""
    first = transferred(day=timezone.localdate())
    rows = []
    for n in range(MANY - 1):
        row = Case.objects.get(pk=first.pk)
        row.pk = None
        row.number = f"DRILL{n:04d}"
        row.client_key = ""
        rows.append(row)
    Case.objects.bulk_create(rows)
    day = timezone.localdate()
    cases = list(Case.objects.filter(unit_id=first.unit_id).order_by("id"))
    for n, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(
            light=Light.RED, due_date=day - datetime.timedelta(days=len(cases) - n)
        )
    green = transferred(day=day)
    Case.objects.filter(pk=green.pk).update(light=Light.GREEN)
    return cases, green


def _numbers(html: str) -> list[str]:
    return re.findall(r'href="/cases/\d+/">([^<]+)</a>', html)


def test_drill_down_pages_in_due_order_and_says_how_many(client):
    cases, green = _lit_county()
    client.force_login(UserFactory(roles=[RoleCode.SUPERVISOR]))
    in_due_order = [c.number for c in cases]  # the earliest due first

    first = client.get("/supervision/cases/", {"light": "red"}).content.decode()
    assert _numbers(first) == in_due_order[:50]
    assert f"共{MANY}项，显示第1–50项" in first
    # The pager keeps the light: the second page is the rest of the red cases, not all of them.
    link = re.search(r'href="\?([^"]*page=2)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "light=red" in link
    second = client.get(f"/supervision/cases/?{link}").content.decode()
    assert _numbers(second) == in_due_order[50:]
    assert green.number not in first + second

    # Every lit case (no light chosen): the green one too, in the same due order.
    every = client.get("/supervision/cases/", {"page": 2}).content.decode()
    assert f"共{MANY + 1}项" in every
    assert green.number in _numbers(client.get("/supervision/cases/?page=1").content.decode()) + (
        _numbers(every)
    )
