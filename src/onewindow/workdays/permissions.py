"""Who may read and correct the working-day calendar."""

import rules

from onewindow.org.permissions import page
from onewindow.org.roles import RoleCode

STAFF_ROLES = tuple(c for c in RoleCode if c != RoleCode.APPLICANT)

rules.add_perm("workdays.view_calendar", page(*STAFF_ROLES))
# Entering a year's official schedule and correcting a day: the reform office.
rules.add_perm("workdays.edit_calendar", page(RoleCode.REFORM_OFFICE))
