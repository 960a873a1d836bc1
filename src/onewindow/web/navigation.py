"""Each role's home page, and the navigation: one entry per page, shown to exactly the users
the page's own permission admits (read from the view the entry links to), so the menu and the
pages cannot disagree. The entries sit in task groups (GROUPS: at most seven, the same for every
role, in the same order); the header shows each group as a menu, with the waiting counts of its
entries summed (issue 17 item 4)."""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, resolve, reverse
from django.utils.translation import gettext_lazy as _

from onewindow.org.permissions import allows
from onewindow.org.roles import HOME_ORDER, RoleCode
from onewindow.web import queues


@dataclass(frozen=True)
class NavGroup:
    """A top entry of the navigation: a menu of the entries of one task."""

    key: str
    label: str  # lazily translated


# The same groups, in the same order, for every role; a role sees those with an entry for it.
GROUPS = [
    NavGroup("mine", _("我的")),
    NavGroup("cases", _("办件")),
    NavGroup("supervision", _("监察")),
    NavGroup("hall", _("大厅")),
    NavGroup("reform", _("改革")),
    NavGroup("items", _("事项")),
    NavGroup("system", _("系统")),
]
GROUP_KEYS = [g.key for g in GROUPS]


@dataclass(frozen=True)
class NavEntry:
    label: str  # lazily translated
    url_name: str
    group: str  # a NavGroup key
    permission: str | None = None  # only for pages outside the project's views (the admin)


HOME = {
    RoleCode.SYSADMIN: "admin:index",
    RoleCode.SUPERVISOR: "supervision:dashboard",
    RoleCode.REFORM_OFFICE: "reform:scorecard",
    RoleCode.HALL_MANAGER: "org:hall_overview",
    RoleCode.WINDOW_SUPERVISOR: "org:my_unit",
    RoleCode.TEAM_LEADER: "cases:review",
    RoleCode.DEPT_REVIEWER: "cases:department",
    RoleCode.WINDOW_CLERK: "cases:workbench",
    RoleCode.APPLICANT: "portal:my_cases",
}

NAV = [
    NavEntry(_("我的办事"), "portal:my_cases", "mine"),
    NavEntry(_("我的申请"), "portal:applications", "mine"),
    NavEntry(_("我的单位"), "accounts:organisations", "mine"),
    NavEntry(_("我的窗口"), "org:my_windows", "mine"),
    NavEntry(_("本单位"), "org:my_unit", "mine"),
    NavEntry(_("我的消息"), "supervision:messages", "mine"),
    NavEntry(_("请假"), "org:my_leave", "mine"),
    NavEntry(_("窗口工作台"), "cases:workbench", "cases"),
    NavEntry(_("组长审核"), "cases:review", "cases"),
    NavEntry(_("部门工作台"), "cases:department", "cases"),
    NavEntry(_("一件事"), "cases:combined_list", "cases"),
    NavEntry(_("重点项目"), "cases:key_projects", "cases"),
    NavEntry(_("办件查询"), "cases:search", "cases"),
    NavEntry(_("监察看板"), "supervision:dashboard", "supervision"),
    NavEntry(_("预警"), "supervision:warnings", "supervision"),
    NavEntry(_("督办"), "supervision:orders", "supervision"),
    NavEntry(_("异常办件"), "supervision:anomalies", "supervision"),
    NavEntry(_("差评整改"), "supervision:tickets", "supervision"),
    NavEntry(_("绩效考核"), "supervision:appraisal", "supervision"),
    NavEntry(_("监察规则"), "supervision:rules", "supervision"),
    NavEntry(_("省平台推送"), "exchange:outbox", "supervision"),
    NavEntry(_("省平台申请拒收"), "cases:province_refused", "supervision"),
    NavEntry(_("大厅窗口"), "org:hall_overview", "hall"),
    NavEntry(_("在岗情况"), "org:hall_cover", "hall"),
    NavEntry(_("窗口设置"), "org:window_list", "hall"),
    NavEntry(_("大厅设备"), "supervision:kiosks", "hall"),
    NavEntry(_("首问记录"), "mandates:enquiries", "hall"),
    NavEntry(_("核验单位"), "accounts:organisation_verify", "hall"),
    NavEntry(_("六个到位"), "reform:scorecard", "reform"),
    NavEntry(_("改革时间表"), "reform:timetable", "reform"),
    NavEntry(_("抽查"), "reform:spot_checks", "reform"),
    NavEntry(_("检查分值"), "reform:weights", "reform"),
    NavEntry(_("自查报告审核"), "reform:submissions", "reform"),
    NavEntry(_("本单位自查"), "reform:my_report", "reform"),
    NavEntry(_("改革报备"), "reform:filings", "reform"),
    NavEntry(_("改革进度"), "org:reform_units", "reform"),
    NavEntry(_("涉改单位"), "org:unit_list", "reform"),
    NavEntry(_("事项库"), "catalog:item_list", "items"),
    NavEntry(_("授权"), "mandates:letter_list", "items"),
    NavEntry(_("工作日历"), "workdays:year_list", "items"),
    NavEntry(_("办事指南"), "portal:home", "items"),
    NavEntry(_("工作人员"), "org:staff_list", "system"),
    NavEntry(_("人员调整"), "org:staff_changes", "system"),
    NavEntry(_("机构人员导入"), "org:onboard", "system"),
    NavEntry(_("部门系统推送"), "webhooks:subscriptions", "system"),
    NavEntry(_("系统管理"), "admin:index", "system", permission="web.open_admin"),
]


@cache
def page_permission(entry: NavEntry) -> str | None:
    """The permission of the page the entry links to; None for a public page."""
    if entry.permission is not None:
        return entry.permission
    return getattr(resolve(reverse(entry.url_name)).func, "permission", None)


def sees(user, entry: NavEntry) -> bool:
    permission = page_permission(entry)
    return permission is None or allows(user, permission)


class _AsksTheUser(Exception):
    """A rule read more of the user than their roles (not an AttributeError: `getattr(user,
    "staff", None)` must not take it for a user without a staff record)."""


class _Roles:
    """A signed-in user who is nothing but their role codes: a rule that reads anything else
    (the staff record, the unit, a flag) raises, and that entry is asked of the real user."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, role_codes: frozenset[str]):
        self.role_codes = role_codes

    def __getattr__(self, name: str):
        raise _AsksTheUser(name)


@cache
def _by_roles(role_codes: frozenset[str]) -> tuple[bool | None, ...]:
    """Per NAV entry, whether a holder of exactly these roles sees it, where the page's rule
    reads nothing of the user but the roles (the superuser flag is in them: User.role_codes);
    None where it reads more (org.request_leave's staff record for the administrator,
    reform.view_own_report's unit for a team leader): that one is asked per user. The pages'
    rules read no clock, setting or table but through the user (web/tests/test_navigation.py
    compares this with every entry asked of every demo login and of odd accounts), so the answer
    for a set of roles holds for the process: one per combination of roles that signs in."""
    stand_in = _Roles(role_codes)
    verdicts = []
    for entry in NAV:
        try:
            verdicts.append(sees(stand_in, entry))
        except _AsksTheUser:
            verdicts.append(None)
    return tuple(verdicts)


def visible(user) -> list[NavEntry]:
    """The entries the user sees, in NAV order: exactly `[e for e in NAV if sees(user, e)]`,
    with the rules that depend on the roles alone answered once per set of roles."""
    if not user.is_authenticated:
        return [e for e in NAV if sees(user, e)]
    return [
        entry
        for entry, shown in zip(NAV, _by_roles(user.role_codes), strict=True)
        if (sees(user, entry) if shown is None else shown)
    ]


@cache
def _reversed(prefix: str, urlconf: str) -> dict[str, str]:
    return {e.url_name: reverse(e.url_name, urlconf=urlconf) for e in NAV}


def entry_urls() -> dict[str, str]:
    """reverse() of every entry's url_name (none takes arguments), once per process: keyed by
    the script prefix and the urlconf in force (the project sets neither per request; a test may
    override ROOT_URLCONF). Each read once per menu: both are context-local (asgiref), slow."""
    return _reversed(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


def home_url_for(user) -> str:
    for code in HOME_ORDER:
        if code in user.role_codes:
            return reverse(HOME[code])
    return reverse("no_role")


def _shown(user, known: dict[str, int] | None = None) -> list[tuple[NavEntry, str, int | None]]:
    """The entries the user sees, with their URL and the items waiting there (web.queues), where
    the entry is a work queue; `known`: those the page itself counted in this request."""
    entries = visible(user)
    names = {e.url_name for e in entries}
    # A queue page's own tab counts (cases.actions.queues.counted_here: the one app whose queues
    # the page lists) stand for its entry: the same cases are not counted twice in a request.
    known = {k: n for k, n in (known or {}).items() if k in names}
    waiting = {**queues.counts(user, names - known.keys()), **known}
    urls = entry_urls()
    return [(e, urls[e.url_name], waiting.get(e.url_name)) for e in entries]


def nav_for(user) -> list[tuple[str, str, int | None]]:
    """The entries the user sees, flat: (label, URL, waiting or None)."""
    return [(e.label, url, n) for e, url, n in _shown(user)]


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url: str
    waiting: int | None
    current: str | None  # aria-current: "page" on the page itself, "true" on a page below it


@dataclass(frozen=True)
class Menu:
    key: str
    label: str
    entries: list[MenuEntry]
    waiting: int | None  # the sum of its entries' counts; None when none is a queue
    current: bool  # the page being shown is one of its entries, or below one of them

    @property
    def single(self) -> MenuEntry | None:
        """The one entry of a group that has only one for this user: shown as a plain link."""
        return self.entries[0] if len(self.entries) == 1 else None


def _below(path: str, shown: list[str]) -> str | None:
    """The entry URL the path is at or deepest below (/supervision/warnings/3/ is below the
    warnings, not the dashboard at /supervision/)."""
    inside = [url for url in shown if path == url or (path.startswith(url) and url != "/")]
    return max(inside, key=len, default=None)


def _current(url: str, path: str, here: str | None) -> str | None:
    if url == path:
        return "page"
    return "true" if url == here else None


def menu_for(user, path: str = "", known: dict[str, int] | None = None) -> list[Menu]:
    """The navigation as the header shows it: the groups (GROUPS order) with at least one entry
    for the user, each with its entries, the count of each and their sum. `known`: the counts
    the page itself made in this request (request.waiting), not made again."""
    shown = _shown(user, known)
    here = _below(path, [url for _e, url, _n in shown])
    by_group: dict[str, list[MenuEntry]] = {}
    for e, url, n in shown:
        by_group.setdefault(e.group, []).append(
            MenuEntry(e.label, url, n, _current(url, path, here))
        )
    menus = []
    for group in GROUPS:
        entries = by_group.get(group.key)
        if not entries:
            continue
        counts = [m.waiting for m in entries if m.waiting is not None]
        menus.append(
            Menu(
                group.key,
                group.label,
                entries,
                sum(counts) if counts else None,
                here is not None and any(m.url == here for m in entries),
            )
        )
    return menus
