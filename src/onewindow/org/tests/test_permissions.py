"""The permission building blocks (org.permissions), the one unit-scoping filter, and the
navigation: every entry is shown to exactly the users its page admits."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.urls import resolve, reverse

from onewindow.org import permissions as p
from onewindow.org.models import Staff, Unit, User, WindowPost
from onewindow.org.roles import RoleCode
from onewindow.web.navigation import NAV, nav_for, page_permission, sees

pytestmark = pytest.mark.django_db

DEMO = ["admin", "inspector", "reform", "hallmgr", "winsup", "teamlead", "clerk", "reviewer"]


def _user(name: str) -> User:
    return User.objects.get(username=name)


def test_role_holds_only_the_roles_named_and_page_adds_the_sysadmin():
    clerk, admin = _user("clerk"), _user("admin")
    assert p.role(RoleCode.WINDOW_CLERK).test(clerk)
    assert not p.role(RoleCode.HALL_MANAGER).test(clerk)
    assert not p.role(RoleCode.WINDOW_CLERK).test(admin)  # not named: not let through
    assert p.page(RoleCode.WINDOW_CLERK).test(admin)  # a page: the sysadmin opens it
    assert p.role(RoleCode.WINDOW_CLERK) is p.role(RoleCode.WINDOW_CLERK)  # built once
    assert not p.page(RoleCode.WINDOW_CLERK).test(AnonymousUser())


def test_unit_predicates():
    clerk, reform, applicant = _user("clerk"), _user("reform"), _user("applicant")
    assert p.unit_bound.test(clerk) and not p.unit_bound.test(reform)
    assert p.sees_all_units.test(reform) and not p.sees_all_units.test(clerk)
    assert p.active_staff.test(clerk) and not p.active_staff.test(applicant)
    assert p.has_unit.test(clerk) and not p.has_unit.test(reform)
    own = clerk.staff.unit_id
    other = Unit.objects.exclude(pk=own).first()
    assert p.in_own_unit.test(clerk, Staff(unit_id=own))
    assert not p.in_own_unit.test(clerk, Staff(unit_id=other.pk))
    assert not p.in_own_unit.test(reform, Staff(unit_id=own))  # no unit of their own
    assert p.own_unit_id.test(clerk, own) and not p.own_unit_id.test(clerk, other.pk)
    assert p.staff_of_unit.test(clerk, Staff(unit_id=own))
    assert not p.staff_of_unit.test(applicant, Staff(unit_id=own))


def test_an_inactive_staff_record_gives_no_unit():
    clerk = _user("clerk")
    clerk.staff.active = False
    assert p.user_unit_id(clerk) is None
    assert not p.has_unit.test(clerk) and not p.active_staff.test(clerk)
    assert p.scope_to_unit(Staff.objects.all(), clerk).count() == 0


def test_allows_asks_the_rule_not_the_superuser_flag():
    admin = _user("admin")
    assert admin.is_superuser
    # Django's ModelBackend says yes to a superuser for anything; the rule does not.
    assert admin.has_perm("supervision.respond_order", None)
    assert not p.allows(admin, "supervision.respond_order", None)
    assert p.allows(admin, "supervision.issue_order")
    with pytest.raises(KeyError):
        p.allows(admin, "supervision.no_such_permission")


def test_scope_to_unit_by_role():
    qs = Staff.objects.all()
    clerk = _user("clerk")
    own = clerk.staff.unit_id
    assert set(p.scope_to_unit(qs, clerk).values_list("unit_id", flat=True)) == {own}
    assert p.scope_to_unit(qs, _user("inspector")).count() == Staff.objects.count()
    assert p.scope_to_unit(qs, _user("applicant")).count() == 0
    assert p.scope_to_unit(qs, AnonymousUser()).count() == 0
    units = p.scope_to_unit(Unit.objects.all(), clerk, field="pk")
    assert list(units.values_list("pk", flat=True)) == [own]
    assert p.visible_unit_ids(clerk) == [own]
    assert p.visible_unit_ids(_user("hallmgr")) is None
    assert p.visible_unit_ids(_user("applicant")) == []


def test_scope_to_unit_over_several_columns_lists_each_row_once():
    clerk = _user("clerk")
    own = clerk.staff.unit_id
    posts = p.scope_to_unit(
        WindowPost.objects.all(), clerk, "units__id", also=("staff_a__unit_id",)
    )
    pks = list(posts.values_list("pk", flat=True))
    assert pks and len(pks) == len(set(pks))
    for post in posts:
        assert own in {u.pk for u in post.units.all()} | {post.staff_a.unit_id}


@pytest.mark.parametrize("entry", NAV, ids=[e.url_name for e in NAV])
def test_every_nav_entry_shows_by_its_pages_permission(entry):
    view = resolve(reverse(entry.url_name)).func
    if entry.permission is not None:  # a page outside the project's views (the admin)
        assert not hasattr(view, "permission")
        assert page_permission(entry) == entry.permission
    elif entry.url_name == "portal:home":  # the public guide
        assert page_permission(entry) is None
    else:
        assert page_permission(entry) == view.permission
    assert page_permission(entry) is None or rules.perm_exists(page_permission(entry))


@pytest.mark.parametrize("username", [*DEMO, "applicant"])
def test_a_user_sees_an_entry_exactly_when_its_page_opens(login, username):
    client = login(username)
    user = _user(username)
    shown = {url for _label, url, _waiting in nav_for(user)}
    disagree = []
    for entry in NAV:
        url = reverse(entry.url_name)
        assert sees(user, entry) == (url in shown)
        status = client.get(url).status_code
        if (url in shown) != (status == 200):
            disagree.append((entry.url_name, url in shown, status))
    assert disagree == []
