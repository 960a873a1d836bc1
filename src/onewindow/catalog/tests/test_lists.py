"""Issue 17 item 8 on the catalogue: the item list says how many and pages with its filters."""

import re

import pytest

from onewindow.org.roles import RoleCode
from onewindow.testing.factories import ItemFactory, UnitFactory, staff_user

pytestmark = pytest.mark.django_db


def test_item_list_counts_and_pages_with_its_filter(client):
    unit = UnitFactory()
    ItemFactory.create_batch(51, unit=unit)
    client.force_login(staff_user(RoleCode.REFORM_OFFICE))
    body = client.get(f"/catalog/?unit={unit.pk}").content.decode()
    assert "共51项，显示第1–50项" in body
    assert f"?unit={unit.pk}&amp;page=2" in body
    second = client.get(f"/catalog/?unit={unit.pk}&page=2").content.decode()
    assert "共51项，显示第51–51项" in second
    assert len(re.findall(r'href="/catalog/items/\d+/"', second)) == 1
