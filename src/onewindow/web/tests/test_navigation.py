"""The navigation grouped by task (issue 17 item 4): at most seven top entries, the same groups in
the same order for every role, each NAV entry in exactly one group, waiting counts summed per
group, the current page and its group marked. (That an entry shows exactly when its page opens is
org/tests/test_permissions.py.)"""

import pytest
from django.urls import reverse, set_script_prefix

from onewindow.demo.county import DEMO_LOGINS
from onewindow.org.models import Role, Staff, User
from onewindow.org.roles import RoleCode
from onewindow.web import navigation
from onewindow.web.navigation import GROUP_KEYS, GROUPS, NAV, menu_for, nav_for

pytestmark = pytest.mark.django_db

LOGINS = [
    "admin",
    "inspector",
    "reform",
    "hallmgr",
    "winsup",
    "teamlead",
    "clerk",
    "reviewer",
    "zhclerk",
    "greenclerk",
    "applicant",
]


def _user(name: str) -> User:
    return User.objects.get(username=name)


def test_every_entry_is_in_exactly_one_known_group():
    assert len(GROUPS) <= 7
    assert len(set(GROUP_KEYS)) == len(GROUP_KEYS)
    names = [e.url_name for e in NAV]
    assert len(set(names)) == len(names), "an entry listed twice"
    assert {e.group for e in NAV} == set(GROUP_KEYS), "an unknown group, or a group never used"


@pytest.mark.parametrize("username", LOGINS)
def test_each_role_sees_at_most_seven_groups_in_the_common_order(username):
    user = _user(username)
    menus = menu_for(user)
    keys = [m.key for m in menus]
    assert 1 <= len(menus) <= 7
    assert keys == [k for k in GROUP_KEYS if k in keys], "the groups out of their common order"
    assert all(m.entries for m in menus)
    # The menus hold exactly the entries the user sees, each once, in the same order.
    flat = [(e.label, e.url, e.waiting) for m in menus for e in m.entries]
    assert flat == nav_for(user)
    # Each entry under the group NAV gives it.
    group_of = {reverse(e.url_name): e.group for e in NAV}
    assert all(group_of[e.url] == m.key for m in menus for e in m.entries)


def test_the_groups_are_the_same_for_every_role():
    seen = {name: [m.key for m in menu_for(_user(name))] for name in LOGINS}
    order = {k: i for i, k in enumerate(GROUP_KEYS)}
    for keys in seen.values():
        assert [order[k] for k in keys] == sorted(order[k] for k in keys)
    # Every group is somebody's: the administrator sees them all.
    assert seen["admin"] == GROUP_KEYS
    assert seen["applicant"] == ["mine", "items"]  # 我的办事, 我的申请, 我的单位; 办事指南


def test_a_group_with_one_entry_is_a_plain_link():
    menus = {m.key: m for m in menu_for(_user("applicant"))}
    assert menus["items"].single.url == reverse("portal:home")
    assert [e.url for e in menus["mine"].entries] == [
        reverse("portal:my_cases"),
        reverse("portal:applications"),
        reverse("accounts:organisations"),
    ]
    assert menus["mine"].single is None
    admin = {m.key: m for m in menu_for(_user("admin"))}
    assert admin["cases"].single is None


def test_a_group_counts_the_sum_of_its_entries(monkeypatch):
    waiting = {"cases:workbench": 3, "cases:review": 4, "cases:key_projects": 0}

    def counts(user, url_names):
        return {name: n for name, n in waiting.items() if name in url_names}

    monkeypatch.setattr(navigation.queues, "counts", counts)
    menus = {m.key: m for m in menu_for(_user("admin"))}
    cases = menus["cases"]
    by_url = {e.url: e.waiting for e in cases.entries}
    assert by_url[reverse("cases:workbench")] == 3
    assert by_url[reverse("cases:key_projects")] == 0
    assert by_url[reverse("cases:combined_list")] is None  # not a queue
    assert cases.waiting == 3 + 4 + 0 == sum(e.waiting or 0 for e in cases.entries)
    assert menus["reform"].waiting is None  # no queue in it: no count at all
    # The clerk sees the workbench only: the group's count is its count.
    clerk = {m.key: m for m in menu_for(_user("clerk"))}
    assert clerk["cases"].waiting == 3


def test_the_current_page_and_its_group_are_marked():
    admin = _user("admin")
    warnings = reverse("supervision:warnings")
    menus = menu_for(admin, warnings)
    assert [m.key for m in menus if m.current] == ["supervision"]
    marked = [(e.url, e.current) for m in menus for e in m.entries if e.current]
    assert marked == [(warnings, "page")]
    # A page below an entry (a warning's own page) marks that entry, not the dashboard above it.
    menus = menu_for(admin, warnings + "12/")
    marked = [(e.url, e.current) for m in menus for e in m.entries if e.current]
    assert marked == [(warnings, "true")]
    assert [m.key for m in menus if m.current] == ["supervision"]
    # The public guide's root does not make every page "below" it; an unknown page marks nothing.
    assert not any(m.current for m in menu_for(admin, "/no/such/page/"))


def test_the_header_renders_menus_counts_and_the_current_page(client, monkeypatch):
    monkeypatch.setattr(
        navigation.queues, "counts", lambda user, names: {"cases:workbench": 2} if names else {}
    )
    client.force_login(_user("clerk"))
    body = client.get(reverse("org:my_windows")).content.decode()
    nav = body[body.index('<nav class="menus"') : body.index("</nav>", body.index('class="menus"'))]
    assert nav.count("<details") == len([m for m in menu_for(_user("clerk")) if not m.single])
    assert 'class="menu here"' in nav  # 我的: the clerk's home is in it
    assert f'href="{reverse("org:my_windows")}" aria-current="page"' in nav
    assert 'title="待办2件"' in nav  # on 窗口工作台 and on its group 办件
    assert nav.count('title="待办2件"') == 2
    assert 'class="top"' in nav  # 涉改单位, 工作人员: one entry each for a clerk
    assert "onewindow/nav.js" in body


# --- the menu asked once per set of roles (issue 22) -----------------------------------------


def _uncached_menu(user, monkeypatch, path=""):
    """The menu as it was built before issue 22: every entry's rule asked of the user, every URL
    reversed."""
    with monkeypatch.context() as m:
        m.setattr(navigation, "visible", lambda u: [e for e in NAV if navigation.sees(u, e)])
        m.setattr(navigation, "entry_urls", lambda: {e.url_name: reverse(e.url_name) for e in NAV})
        return menu_for(user, path)


def _odd_accounts() -> dict[str, User]:
    """Accounts the rules could treat apart from their roles."""
    from onewindow.testing.factories import UserFactory, staff_user

    odd = {}
    odd["two roles"] = User.objects.get(username="clerk")
    odd["two roles"].roles.add(Role.objects.get(code=RoleCode.REFORM_OFFICE))
    odd["inactive clerk"] = staff_user(RoleCode.WINDOW_CLERK)
    User.objects.filter(pk=odd["inactive clerk"].pk).update(is_active=False)
    odd["superuser, no role row"] = UserFactory(is_superuser=True)
    odd["administrator with staff"] = staff_user(RoleCode.SYSADMIN)
    odd["team leader, staff left"] = staff_user(RoleCode.TEAM_LEADER)
    odd["window supervisor, staff left"] = staff_user(RoleCode.WINDOW_SUPERVISOR)
    Staff.objects.filter(user__in=[odd[k] for k in odd if "staff left" in k]).update(active=False)
    odd["no role"] = UserFactory()
    return {name: User.objects.get(pk=u.pk) for name, u in odd.items()}


def test_the_menu_by_roles_is_the_menu_every_rule_asked_gives(monkeypatch):
    # Every demo login (one or more per role: conftest.ROLE_LOGIN's among them) and odd accounts.
    users = {name: _user(name) for name, _role, _where in DEMO_LOGINS} | _odd_accounts()
    for name, user in users.items():
        before = _uncached_menu(user, monkeypatch, reverse("cases:search"))
        assert menu_for(user, reverse("cases:search")) == before, name
        assert navigation.visible(user) == [e for e in NAV if navigation.sees(user, e)], name
    # The odd accounts do differ where the rules say so: the check above has something to check.
    shown = {name: {e.url_name for e in navigation.visible(u)} for name, u in users.items()}
    assert "org:my_leave" in shown["administrator with staff"] - shown["admin"]
    assert "reform:my_report" in shown["teamlead"] - shown["team leader, staff left"]
    assert "reform:filings" in shown["winsup"] - shown["window supervisor, staff left"]
    assert shown["two roles"] == shown["clerk"] | shown["reform"]
    assert shown["superuser, no role row"] == shown["admin"]
    assert shown["no role"] == {"portal:home"}


def test_a_change_of_roles_changes_the_menu():
    clerk = _user("clerk")
    before = {e.url_name for e in navigation.visible(clerk)}
    assert "cases:workbench" in before and "reform:scorecard" not in before
    clerk.roles.add(Role.objects.get(code=RoleCode.REFORM_OFFICE))
    clerk.roles.remove(Role.objects.get(code=RoleCode.WINDOW_CLERK))
    after = {e.url_name for e in navigation.visible(_user("clerk"))}
    assert "reform:scorecard" in after and "cases:workbench" not in after
    # Another clerk's menu is still a clerk's, and the same user as superuser sees everything.
    assert {e.url_name for e in navigation.visible(_user("zhclerk"))} == before
    User.objects.filter(username="clerk").update(is_superuser=True)
    assert "admin:index" in {e.url_name for e in navigation.visible(_user("clerk"))}


def test_only_the_rules_that_read_more_than_the_roles_are_asked_per_user(monkeypatch):
    names = ["clerk", "reviewer", "inspector", "hallmgr", "reform", "applicant", "teamlead"]
    users = {name: _user(name) for name in names}
    for user in users.values():
        navigation.visible(user)  # each set of roles answered once, in this process
    asked = []
    real = navigation.allows
    monkeypatch.setattr(navigation, "allows", lambda u, p: asked.append(p) or real(u, p))
    for name in names[:-1]:
        navigation.visible(_user(name))
    assert asked == []
    navigation.visible(_user("teamlead"))  # their unit's own report and filings
    assert asked == ["reform.view_own_report", "reform.view_filings"]


def test_entry_urls_follow_the_script_prefix():
    name = "cases:workbench"
    root = reverse(name)
    assert navigation.entry_urls()[name] == root
    set_script_prefix("/onewindow/")
    try:
        assert navigation.entry_urls()[name] == reverse(name) == "/onewindow" + root
    finally:
        set_script_prefix("/")
    assert navigation.entry_urls() == {e.url_name: reverse(e.url_name) for e in NAV}
