"""Scope: unit staff never see another unit's rows; hall-wide roles see all."""

import pytest
from django.http import Http404

from onewindow.org import selectors
from onewindow.org.models import Staff, Unit, User, WindowPost
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import DeskFactory, UnitFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db

UNIT_BOUND = ["clerk", "teamlead", "winsup", "reviewer"]


def _user(name):
    """The account of that role: unit-bound ones at a desk of their own unit."""
    if name in UNIT_BOUND:
        return getattr(DeskFactory(with_letter=False), name)
    if name == "admin":
        return UserFactory(is_superuser=True, roles=[RoleCode.SYSADMIN])
    role = {
        "inspector": RoleCode.SUPERVISOR,
        "reform": RoleCode.REFORM_OFFICE,
        "hallmgr": RoleCode.HALL_MANAGER,
        "applicant": RoleCode.APPLICANT,
    }[name]
    return UserFactory(roles=[role]) if name == "applicant" else staff_user(role)


@pytest.mark.parametrize("username", UNIT_BOUND)
def test_unit_staff_see_only_their_unit(username):
    user = _user(username)
    own = user.staff.unit_id
    assert set(selectors.unit_list_for_user(user=user).values_list("pk", flat=True)) == {own}
    assert set(selectors.staff_list_for_user(user=user).values_list("unit_id", flat=True)) == {own}
    assert set(selectors.section_list_for_user(user=user).values_list("unit_id", flat=True)) == {
        own
    }
    for post in selectors.window_post_list_for_user(user=user):
        assert own in {u.pk for u in post.units.all()} | {post.staff_a.unit_id}
    other = Unit.objects.exclude(pk=own).first()
    with pytest.raises(Http404):
        selectors.unit_get_for_user(other.pk, user=user)


@pytest.mark.parametrize("username", ["inspector", "reform", "hallmgr", "admin"])
def test_hall_wide_roles_see_all(username):
    user = _user(username)
    assert selectors.unit_list_for_user(user=user).count() == Unit.objects.count()
    assert selectors.staff_list_for_user(user=user).count() == Staff.objects.count()
    assert selectors.window_post_list_for_user(user=user).count() == WindowPost.objects.count()


def test_applicant_sees_no_org_rows():
    user = _user("applicant")
    assert not selectors.unit_list_for_user(user=user).exists()
    assert not selectors.staff_list_for_user(user=user).exists()


def test_inactive_staff_loses_unit_scope():
    user = _user("clerk")
    Staff.objects.filter(pk=user.staff.pk).update(active=False)
    user = User.objects.get(pk=user.pk)
    assert not selectors.unit_list_for_user(user=user).exists()


def test_s1_missing_lists_the_incomplete_units():
    incomplete = UnitFactory(sections=False)  # neither a leader in charge nor a lead section
    no_leader = UnitFactory()  # a lead section, no leader in charge
    complete = DeskFactory(with_letter=False).unit
    names = set(
        selectors.units_missing_s1(user=_user("reform")).values_list("short_name", flat=True)
    )
    assert {incomplete.short_name, no_leader.short_name} <= names
    assert complete.short_name not in names


def test_unit_list_query_count_is_constant(django_assert_max_num_queries):
    user = _user("reform")
    with django_assert_max_num_queries(3):
        rows = [
            (
                u.name,
                u.leader_in_charge and u.leader_in_charge.name,
                u.lead_section and u.lead_section.name,
                u.staff_count,
            )
            for u in selectors.unit_list_for_user(user=user)
        ]
    assert len(rows) == Unit.objects.count()
