"""Applicants' own account pages."""

import rules

from onewindow.org.permissions import page
from onewindow.org.roles import RoleCode

rules.add_perm("accounts.organisations", page(RoleCode.APPLICANT))
