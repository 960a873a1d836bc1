"""Each role's home page and navigation entries, in one table."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from onewindow.org.roles import HOME_ORDER, RoleCode


@dataclass(frozen=True)
class NavEntry:
    label: str  # lazily translated
    url_name: str
    roles: frozenset[str]


HOME = {
    RoleCode.SYSADMIN: "admin:index",
    RoleCode.SUPERVISOR: "org:unit_list",
    RoleCode.REFORM_OFFICE: "org:reform_units",
    RoleCode.HALL_MANAGER: "org:hall_overview",
    RoleCode.WINDOW_SUPERVISOR: "org:my_unit",
    RoleCode.TEAM_LEADER: "org:my_windows",
    RoleCode.DEPT_REVIEWER: "org:my_unit",
    RoleCode.WINDOW_CLERK: "org:my_windows",
    RoleCode.APPLICANT: "portal:my_cases",
}

_unit_roles = frozenset(
    {
        RoleCode.WINDOW_SUPERVISOR,
        RoleCode.TEAM_LEADER,
        RoleCode.DEPT_REVIEWER,
        RoleCode.WINDOW_CLERK,
    }
)
_hall_wide = frozenset(
    {RoleCode.HALL_MANAGER, RoleCode.REFORM_OFFICE, RoleCode.SUPERVISOR, RoleCode.SYSADMIN}
)

NAV = [
    NavEntry(_("我的办事"), "portal:my_cases", frozenset({RoleCode.APPLICANT})),
    NavEntry(_("我的窗口"), "org:my_windows", _unit_roles - {RoleCode.DEPT_REVIEWER}),
    NavEntry(
        _("窗口工作台"),
        "cases:workbench",
        frozenset({RoleCode.WINDOW_CLERK, RoleCode.TEAM_LEADER, RoleCode.WINDOW_SUPERVISOR}),
    ),
    NavEntry(
        _("组长审核"),
        "cases:review",
        frozenset({RoleCode.TEAM_LEADER, RoleCode.WINDOW_SUPERVISOR}),
    ),
    NavEntry(
        _("部门工作台"),
        "cases:department",
        frozenset({RoleCode.DEPT_REVIEWER, RoleCode.WINDOW_SUPERVISOR, RoleCode.TEAM_LEADER}),
    ),
    NavEntry(_("一件事"), "cases:combined_list", _hall_wide | _unit_roles),
    NavEntry(
        _("重点项目"),
        "cases:key_projects",
        frozenset(
            {RoleCode.HALL_MANAGER, RoleCode.SUPERVISOR, RoleCode.REFORM_OFFICE, RoleCode.SYSADMIN}
        ),
    ),
    NavEntry(_("监察看板"), "supervision:dashboard", _hall_wide | _unit_roles),
    NavEntry(_("我的消息"), "supervision:messages", _hall_wide | _unit_roles),
    NavEntry(_("预警"), "supervision:warnings", _hall_wide | _unit_roles),
    NavEntry(_("督办"), "supervision:orders", _hall_wide | _unit_roles),
    NavEntry(_("异常办件"), "supervision:anomalies", _hall_wide | _unit_roles),
    NavEntry(_("差评整改"), "supervision:tickets", _hall_wide | _unit_roles),
    NavEntry(_("绩效考核"), "supervision:appraisal", _hall_wide | _unit_roles),
    NavEntry(_("本单位"), "org:my_unit", _unit_roles),
    NavEntry(
        _("大厅窗口"),
        "org:hall_overview",
        frozenset({RoleCode.HALL_MANAGER, RoleCode.SUPERVISOR, RoleCode.SYSADMIN}),
    ),
    NavEntry(
        _("大厅设备"),
        "supervision:kiosks",
        frozenset({RoleCode.HALL_MANAGER, RoleCode.SUPERVISOR, RoleCode.SYSADMIN}),
    ),
    NavEntry(
        _("改革进度"),
        "org:reform_units",
        frozenset({RoleCode.REFORM_OFFICE, RoleCode.SUPERVISOR, RoleCode.SYSADMIN}),
    ),
    NavEntry(_("涉改单位"), "org:unit_list", _hall_wide),
    NavEntry(_("监察规则"), "supervision:rules", _hall_wide),
    NavEntry(_("省平台推送"), "exchange:outbox", _hall_wide),
    NavEntry(_("工作人员"), "org:staff_list", _hall_wide | _unit_roles),
    NavEntry(_("窗口设置"), "org:window_list", _hall_wide | _unit_roles),
    NavEntry(_("事项库"), "catalog:item_list", _hall_wide | _unit_roles),
    NavEntry(_("授权"), "mandates:letter_list", _hall_wide | _unit_roles),
    NavEntry(
        _("在岗情况"),
        "org:hall_cover",
        frozenset({RoleCode.HALL_MANAGER, RoleCode.SUPERVISOR, RoleCode.SYSADMIN}),
    ),
    NavEntry(_("请假"), "org:my_leave", _unit_roles),
    NavEntry(
        _("人员调整"),
        "org:staff_changes",
        frozenset(
            {
                RoleCode.WINDOW_SUPERVISOR,
                RoleCode.HALL_MANAGER,
                RoleCode.REFORM_OFFICE,
                RoleCode.SYSADMIN,
            }
        ),
    ),
    NavEntry(_("首问记录"), "mandates:enquiries", _unit_roles),
    NavEntry(_("办事指南"), "portal:home", frozenset(RoleCode)),
    NavEntry(_("工作日历"), "workdays:year_list", _hall_wide | _unit_roles),
    NavEntry(_("系统管理"), "admin:index", frozenset({RoleCode.SYSADMIN})),
]


def home_url_for(user) -> str:
    for code in HOME_ORDER:
        if code in user.role_codes:
            return reverse(HOME[code])
    return reverse("no_role")


def nav_for(user) -> list[tuple[str, str]]:
    codes = user.role_codes
    return [(e.label, reverse(e.url_name)) for e in NAV if e.roles & codes]
