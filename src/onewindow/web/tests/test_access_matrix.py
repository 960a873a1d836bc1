"""Every role × every page: allowed roles get 200, others 403 (or the admin's own login).

The expectations are written out here, independently of the decorators in the code.
"""

import pytest
from django.urls import reverse

from onewindow.catalog.models import CombinedService, Item
from onewindow.mandates.models import Letter
from onewindow.org.models import Unit

pytestmark = pytest.mark.django_db

ALL = {
    "admin",
    "inspector",
    "reform",
    "hallmgr",
    "winsup",
    "teamlead",
    "clerk",
    "reviewer",
    "applicant",
}
UNIT_STAFF = {"winsup", "teamlead", "clerk", "reviewer"}
HALL_WIDE = {"admin", "inspector", "reform", "hallmgr"}

EXPECTED_200 = {
    "/org/units/": HALL_WIDE | UNIT_STAFF,
    "/org/units/{own}/": HALL_WIDE | UNIT_STAFF,
    "/org/staff/": HALL_WIDE | UNIT_STAFF,
    "/org/windows/": HALL_WIDE | UNIT_STAFF,
    "/org/windows/new/": {"hallmgr", "admin"},
    "/org/windows/hours/": {"hallmgr", "admin"},
    "/org/staff/pick/?q=王": {"hallmgr", "reform", "admin"} | UNIT_STAFF,
    "/unit/": UNIT_STAFF,
    "/window/": UNIT_STAFF | {"admin"},
    "/hall/": {"hallmgr", "inspector", "admin"},
    "/reform/units/": {"reform", "inspector", "admin"},
    "/me/": {"applicant", "admin"},
    "/me/applications/": {"applicant", "admin"},
    "/calendar/": HALL_WIDE | UNIT_STAFF,
    "/calendar/2026/": HALL_WIDE | UNIT_STAFF,
    "/calendar/2027/enter/": {"reform", "admin"},
    "/calendar/day/": {"reform", "admin"},
    "/catalog/": HALL_WIDE | UNIT_STAFF,
    "/catalog/items/{own_item}/": HALL_WIDE | UNIT_STAFF,
    "/catalog/items/new/": {"reform", "winsup", "admin"},
    "/catalog/items/{own_item}/edit/": {"reform", "winsup", "admin"},
    "/catalog/items/{own_item}/hall/": {"reform", "admin"},
    "/catalog/items/{own_item}/withdraw/": {"reform", "admin"},
    "/catalog/check/": {"reform", "inspector", "winsup", "admin"},
    "/catalog/import/": {"reform", "admin"},
    "/catalog/export.xlsx": HALL_WIDE | UNIT_STAFF,
    "/catalog/template.xlsx": HALL_WIDE | UNIT_STAFF,
    "/catalog/combined/": HALL_WIDE | UNIT_STAFF,
    "/catalog/combined/new/": {"reform", "admin"},
    "/mandates/": HALL_WIDE | UNIT_STAFF,
    "/mandates/new/": {"reform", "winsup", "admin"},
    "/mandates/{own_letter}/": HALL_WIDE | UNIT_STAFF,
    "/mandates/{own_letter}/powers/": {"reform", "winsup", "admin"},
    "/mandates/seal/{own}/": HALL_WIDE | UNIT_STAFF,
    "/mandates/seals/": HALL_WIDE,
    "/mandates/enquiries/": HALL_WIDE | UNIT_STAFF,
    "/org/leave/": UNIT_STAFF,
    "/hall/cover/": {"hallmgr", "inspector", "admin"},
    "/org/changes/": {"winsup", "hallmgr", "reform", "admin"},
    "/cases/window/": {"clerk", "teamlead", "winsup", "admin"},
    "/cases/review/": {"teamlead", "winsup", "admin"},
    "/cases/new/{own_item}/": {"clerk", "teamlead", "winsup", "admin"},
    "/cases/combined/": HALL_WIDE | UNIT_STAFF,
    "/cases/combined/new/{combined}/": {"clerk", "teamlead", "winsup", "admin"},
    "/cases/key-projects/": HALL_WIDE,
    "/cases/search/": HALL_WIDE | UNIT_STAFF,
    "/supervision/": HALL_WIDE | UNIT_STAFF,
    "/supervision/wall/": HALL_WIDE | UNIT_STAFF,
    "/supervision/kiosks/": {"hallmgr", "inspector", "admin"},
    "/supervision/cases/": HALL_WIDE | UNIT_STAFF,
    "/supervision/messages/": HALL_WIDE | UNIT_STAFF,
    "/supervision/warnings/": HALL_WIDE | UNIT_STAFF,
    "/supervision/rules/": HALL_WIDE,
    "/exchange/outbox/": HALL_WIDE,
    "/supervision/orders/": HALL_WIDE | UNIT_STAFF,
    "/supervision/anomalies/": HALL_WIDE | UNIT_STAFF,
    "/supervision/tickets/": HALL_WIDE | UNIT_STAFF,
    "/supervision/appraisal/": HALL_WIDE | UNIT_STAFF,
    "/supervision/orders/new/": {"inspector", "admin"},
    "/admin/": {"admin"},
    "/admin/org/windowpost/": {"admin"},
    "/admin/org/leave/": {"admin"},
    "/admin/mandates/letter/": {"admin"},
    "/admin/mandates/seal/": {"admin"},
    "/admin/mandates/enquiry/": {"admin"},
    "/admin/catalog/item/": {"admin"},
}


def _url(template: str) -> str:
    own = Unit.objects.get(short_name="县市监局").pk  # the demo unit-bound logins work there
    own_item = Item.objects.filter(unit_id=own, status=Item.Status.PUBLISHED).first().pk
    own_letter = Letter.objects.get(unit_id=own).pk
    combined = CombinedService.objects.get(name="开办餐饮店").pk
    return template.format(own=own, own_item=own_item, own_letter=own_letter, combined=combined)


@pytest.mark.parametrize("template", sorted(EXPECTED_200))
@pytest.mark.parametrize("username", sorted(ALL))
def test_role_page_matrix(login, template, username):
    response = login(username).get(_url(template))
    if username in EXPECTED_200[template]:
        assert response.status_code == 200, (username, template)
    elif template.startswith("/admin/"):
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    else:
        assert response.status_code == 403, (username, template, response.status_code)
        assert "无权访问" in response.content.decode() or "未关联单位" in response.content.decode()


PUBLIC = ["/", "/guide/", "/guide/search/?q=jzxk", "/api/catalog/items", "/api/docs"]


@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_open_without_login(client, url):
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert all("/login/" not in url for url, _status in response.redirect_chain)


@pytest.mark.parametrize("template", sorted(EXPECTED_200))
def test_anonymous_is_sent_to_login(client, template):
    response = client.get(_url(template))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("username", sorted(UNIT_STAFF))
def test_unit_staff_get_404_for_another_units_page(login, username):
    other = Unit.objects.get(short_name="县住建局")
    response = login(username).get(f"/org/units/{other.pk}/")
    assert response.status_code == 404
    assert "没有找到" in response.content.decode()


def test_clerk_of_another_unit_sees_none_of_its_staff(login):
    body = login("clerk2").get("/org/staff/").content.decode()
    assert "县住建局" in body and "县市监局" not in body


@pytest.mark.parametrize("username", sorted(ALL))
def test_home_lands_on_the_role_home_in_chinese(login, username):
    client = login(username)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    # Django's own admin declares its language as Django names it (zh-hans); our pages zh-CN.
    assert ('lang="zh-hans"' if username == "admin" else 'lang="zh-CN"') in body
    assert response.redirect_chain, "home must redirect to the role's page"


def test_staff_mobile_numbers_are_masked_in_lists(login):
    body = login("hallmgr").get("/org/staff/").content.decode()
    assert "****" in body
    import re

    assert not re.search(r"1[3-9]\d{9}", body)
