"""Who may do what in supervision: pages, orders (督办), anomalies, bad-rating tickets, the
rules and the hall devices. Built from org.permissions; asked by the views, the services, the
templates (`perms.supervision.…`) and the navigation."""

import rules

from onewindow.org.permissions import page, role, staff_of_unit
from onewindow.org.roles import ALL_UNITS, UNIT_BOUND, RoleCode

READERS = (*ALL_UNITS, *UNIT_BOUND)
# The unit's people who answer for it: orders, anomalies and bad-rating tickets.
RESPONDERS = (RoleCode.WINDOW_SUPERVISOR, RoleCode.TEAM_LEADER, RoleCode.DEPT_REVIEWER)
WINDOW_ROLES = (RoleCode.WINDOW_CLERK, RoleCode.TEAM_LEADER, RoleCode.WINDOW_SUPERVISOR)

# Pages: every supervision list is open to all staff, each scoped to the reader's units.
for name in ("messages", "warnings", "orders", "anomalies", "tickets", "appraisal", "dashboard"):
    rules.add_perm(f"supervision.view_{name}", page(*READERS))
rules.add_perm(
    "supervision.view_rules",
    page(RoleCode.SUPERVISOR, RoleCode.HALL_MANAGER, RoleCode.REFORM_OFFICE),
)
rules.add_perm("supervision.view_kiosks", page(RoleCode.HALL_MANAGER, RoleCode.SUPERVISOR))

# The supervisor's acts (the system administrator's too).
rules.add_perm("supervision.edit_rules", page(RoleCode.SUPERVISOR))
rules.add_perm("supervision.issue_order", page(RoleCode.SUPERVISOR))  # and close it
rules.add_perm("supervision.confirm_anomaly", page(RoleCode.SUPERVISOR))
rules.add_perm("supervision.review_appeal", page(RoleCode.SUPERVISOR))

# The unit's answers, on the object: its people only, not the system administrator.
rules.add_perm("supervision.respond_order", role(*RESPONDERS) & staff_of_unit)
rules.add_perm("supervision.explain_anomaly", role(*RESPONDERS) & staff_of_unit)
rules.add_perm("supervision.handle_ticket", role(*RESPONDERS) & staff_of_unit)

# Hall devices: the hall manager registers and revokes; a window offers a case for rating.
rules.add_perm("supervision.manage_kiosks", page(RoleCode.HALL_MANAGER))
rules.add_perm("supervision.open_offer", page(*WINDOW_ROLES))  # the page; the act is narrower
rules.add_perm("supervision.offer_rating", role(*WINDOW_ROLES))
