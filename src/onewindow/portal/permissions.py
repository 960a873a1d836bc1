"""The applicant's own pages (我的办事); the guide and the progress link are public."""

import rules

from onewindow.org.permissions import page
from onewindow.org.roles import RoleCode

rules.add_perm("portal.view_my_cases", page(RoleCode.APPLICANT))
rules.add_perm("portal.apply", page(RoleCode.APPLICANT))
