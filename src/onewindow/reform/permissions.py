"""Who may do what in the reform app (see org.permissions)."""

import rules

from onewindow.org.permissions import page
from onewindow.org.roles import RoleCode

# The reform office and the inspection office (supervisors) read every unit's standing.
rules.add_perm("reform.view_scorecard", page(RoleCode.REFORM_OFFICE, RoleCode.SUPERVISOR))
