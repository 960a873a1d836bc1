"""Who may watch a unit's webhooks and send a delivery again: the unit's window supervisor (its
leader in charge, as for its letters of authorisation) for its own unit's subscriptions, and the
system administrator for every unit's. The object of the acts is a subscription."""

import rules

from onewindow.org.permissions import in_own_unit, is_sysadmin, page, role
from onewindow.org.roles import RoleCode

manages_subscription = is_sysadmin | (role(RoleCode.WINDOW_SUPERVISOR) & in_own_unit)

rules.add_perm("webhooks.view_subscriptions", page(RoleCode.WINDOW_SUPERVISOR))  # the list
rules.add_perm("webhooks.view_deliveries", manages_subscription)  # one subscription's page
rules.add_perm("webhooks.redeliver", manages_subscription)
