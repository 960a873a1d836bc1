"""Applicants' own account pages."""

import rules

from onewindow.org.permissions import page
from onewindow.org.roles import RoleCode

rules.add_perm("accounts.organisations", page(RoleCode.APPLICANT))
# 核验单位: a hall clerk or the hall manager checks the business licence and verifies an
# organisation registered online.
rules.add_perm(
    "accounts.verify_organisations",
    page(
        RoleCode.HALL_MANAGER,
        RoleCode.WINDOW_CLERK,
        RoleCode.TEAM_LEADER,
        RoleCode.WINDOW_SUPERVISOR,
    ),
)
