"""Who may watch the push to the province's platform."""

import rules

from onewindow.org.permissions import page
from onewindow.org.roles import ALL_UNITS

rules.add_perm("exchange.view_outbox", page(*ALL_UNITS))
