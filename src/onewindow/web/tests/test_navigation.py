"""The navigation grouped by task (issue 17 item 4): at most seven top entries, the same groups in
the same order for every role, each NAV entry in exactly one group, waiting counts summed per
group, the current page and its group marked. (That an entry shows exactly when its page opens is
org/tests/test_permissions.py.)"""

import pytest
from django.urls import reverse

from onewindow.org.models import User
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
