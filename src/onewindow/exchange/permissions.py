"""Who may watch the push to the province's platform, and who may resend a refused record."""

import rules

from onewindow.org.permissions import page
from onewindow.org.roles import ALL_UNITS, RoleCode

rules.add_perm("exchange.view_outbox", page(*ALL_UNITS))
# 重新推送 after the source data was fixed: the hall's manager and e-supervision, who watch the
# push (the reform office reads the page only).
rules.add_perm("exchange.resend_outbox", page(RoleCode.HALL_MANAGER, RoleCode.SUPERVISOR))
