"""The shell's own permission: the administration site's entry in the navigation."""

import rules

from onewindow.org.permissions import is_sysadmin

rules.add_perm("web.open_admin", is_sysadmin)
