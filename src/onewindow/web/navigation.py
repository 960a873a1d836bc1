"""Each role's home page, and the navigation: one entry per page, shown to exactly the users
the page's own permission admits (read from the view the entry links to), so the menu and the
pages cannot disagree."""

from dataclasses import dataclass
from functools import cache

from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _

from onewindow.org.permissions import allows
from onewindow.org.roles import HOME_ORDER, RoleCode
from onewindow.web import queues


@dataclass(frozen=True)
class NavEntry:
    label: str  # lazily translated
    url_name: str
    permission: str | None = None  # only for pages outside the project's views (the admin)


HOME = {
    RoleCode.SYSADMIN: "admin:index",
    RoleCode.SUPERVISOR: "org:unit_list",
    RoleCode.REFORM_OFFICE: "reform:scorecard",
    RoleCode.HALL_MANAGER: "org:hall_overview",
    RoleCode.WINDOW_SUPERVISOR: "org:my_unit",
    RoleCode.TEAM_LEADER: "org:my_windows",
    RoleCode.DEPT_REVIEWER: "org:my_unit",
    RoleCode.WINDOW_CLERK: "org:my_windows",
    RoleCode.APPLICANT: "portal:my_cases",
}

NAV = [
    NavEntry(_("我的办事"), "portal:my_cases"),
    NavEntry(_("我的窗口"), "org:my_windows"),
    NavEntry(_("窗口工作台"), "cases:workbench"),
    NavEntry(_("组长审核"), "cases:review"),
    NavEntry(_("部门工作台"), "cases:department"),
    NavEntry(_("一件事"), "cases:combined_list"),
    NavEntry(_("重点项目"), "cases:key_projects"),
    NavEntry(_("监察看板"), "supervision:dashboard"),
    NavEntry(_("我的消息"), "supervision:messages"),
    NavEntry(_("预警"), "supervision:warnings"),
    NavEntry(_("督办"), "supervision:orders"),
    NavEntry(_("异常办件"), "supervision:anomalies"),
    NavEntry(_("差评整改"), "supervision:tickets"),
    NavEntry(_("绩效考核"), "supervision:appraisal"),
    NavEntry(_("本单位"), "org:my_unit"),
    NavEntry(_("本单位自查"), "reform:my_report"),
    NavEntry(_("改革报备"), "reform:filings"),
    NavEntry(_("大厅窗口"), "org:hall_overview"),
    NavEntry(_("大厅设备"), "supervision:kiosks"),
    NavEntry(_("六个到位"), "reform:scorecard"),
    NavEntry(_("改革时间表"), "reform:timetable"),
    NavEntry(_("抽查"), "reform:spot_checks"),
    NavEntry(_("检查分值"), "reform:weights"),
    NavEntry(_("自查报告审核"), "reform:submissions"),
    NavEntry(_("改革进度"), "org:reform_units"),
    NavEntry(_("涉改单位"), "org:unit_list"),
    NavEntry(_("监察规则"), "supervision:rules"),
    NavEntry(_("省平台推送"), "exchange:outbox"),
    NavEntry(_("工作人员"), "org:staff_list"),
    NavEntry(_("窗口设置"), "org:window_list"),
    NavEntry(_("事项库"), "catalog:item_list"),
    NavEntry(_("授权"), "mandates:letter_list"),
    NavEntry(_("在岗情况"), "org:hall_cover"),
    NavEntry(_("请假"), "org:my_leave"),
    NavEntry(_("人员调整"), "org:staff_changes"),
    NavEntry(_("首问记录"), "mandates:enquiries"),
    NavEntry(_("办事指南"), "portal:home"),
    NavEntry(_("工作日历"), "workdays:year_list"),
    NavEntry(_("系统管理"), "admin:index", permission="web.open_admin"),
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


def home_url_for(user) -> str:
    for code in HOME_ORDER:
        if code in user.role_codes:
            return reverse(HOME[code])
    return reverse("no_role")


def nav_for(user) -> list[tuple[str, str, int | None]]:
    """The entries the user sees, each with the number of cases waiting there for a move of the
    registry (cases.actions.queues), where the entry is a work queue."""
    entries = [e for e in NAV if sees(user, e)]
    waiting = queues.counts(user, {e.url_name for e in entries})
    return [(e.label, reverse(e.url_name), waiting.get(e.url_name)) for e in entries]
