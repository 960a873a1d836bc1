"""The roles of the platform, and which of them see every unit's rows."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleCode(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    WINDOW_CLERK = "window_clerk", _("窗口工作人员")
    TEAM_LEADER = "team_leader", _("窗口组长")
    WINDOW_SUPERVISOR = "window_supervisor", _("窗口主管")
    DEPT_REVIEWER = "dept_reviewer", _("部门审核人员")
    HALL_MANAGER = "hall_manager", _("政务服务中心管理员")
    REFORM_OFFICE = "reform_office", _("审改办（行政审批服务局）")
    SUPERVISOR = "supervisor", _("电子监察人员")
    SYSADMIN = "sysadmin", _("系统管理员")


# Roles whose reads are not limited to one unit. The supervisor reads all and changes nothing.
ALL_UNITS = frozenset(
    {RoleCode.HALL_MANAGER, RoleCode.REFORM_OFFICE, RoleCode.SUPERVISOR, RoleCode.SYSADMIN}
)
# Roles tied to the staff member's own unit.
UNIT_BOUND = frozenset(
    {
        RoleCode.WINDOW_CLERK,
        RoleCode.TEAM_LEADER,
        RoleCode.WINDOW_SUPERVISOR,
        RoleCode.DEPT_REVIEWER,
    }
)
# When a user holds several roles, the home page is that of the first in this order.
HOME_ORDER = [
    RoleCode.SYSADMIN,
    RoleCode.SUPERVISOR,
    RoleCode.REFORM_OFFICE,
    RoleCode.HALL_MANAGER,
    RoleCode.WINDOW_SUPERVISOR,
    RoleCode.TEAM_LEADER,
    RoleCode.DEPT_REVIEWER,
    RoleCode.WINDOW_CLERK,
    RoleCode.APPLICANT,
]
