"""Who may do what in the reform app (see org.permissions)."""

import rules

from onewindow.org.permissions import has_unit, in_own_unit, own_unit_id, page, role, user_unit_id
from onewindow.org.roles import RoleCode

# The reform office and the inspection office (supervisors) read every unit's standing.
rules.add_perm("reform.view_scorecard", page(RoleCode.REFORM_OFFICE, RoleCode.SUPERVISOR))


# --- self-inspection reports and filings (S17, S2(5), S1) ---------------------------------


@rules.predicate
def answers_for_unit(user, unit) -> bool:
    """The user answers for the unit's reform: its window supervisor (their own unit), or its
    leader in charge (分管领导, who the seed makes the window supervisor)."""
    if unit is None or not user.is_authenticated:
        return False
    if RoleCode.WINDOW_SUPERVISOR in user.role_codes and user_unit_id(user) == unit.pk:
        return True
    staff = getattr(user, "staff", None)
    return staff is not None and staff.active and unit.leader_in_charge_id == staff.pk


# Pages: the unit's own report and filings (read by its team leader too), the office's lists.
rules.add_perm(
    "reform.view_own_report",
    role(RoleCode.WINDOW_SUPERVISOR, RoleCode.TEAM_LEADER) & has_unit,
)
# A report or a filing: the office and the inspectors, or the unit's own supervisor and leader.
rules.add_perm(
    "reform.view_submission",
    page(RoleCode.REFORM_OFFICE, RoleCode.SUPERVISOR)
    | (role(RoleCode.WINDOW_SUPERVISOR, RoleCode.TEAM_LEADER) & in_own_unit),
)
rules.add_perm(
    "reform.view_filings",
    page(RoleCode.REFORM_OFFICE, RoleCode.SUPERVISOR)
    | (role(RoleCode.WINDOW_SUPERVISOR, RoleCode.TEAM_LEADER) & has_unit),
)
rules.add_perm("reform.submit_report", answers_for_unit)  # object: the unit
rules.add_perm("reform.file_with_office", answers_for_unit)  # object: the unit
rules.add_perm("reform.view_submissions", page(RoleCode.REFORM_OFFICE, RoleCode.SUPERVISOR))
rules.add_perm("reform.decide_submission", page(RoleCode.REFORM_OFFICE))
rules.add_perm("reform.decide_filing", page(RoleCode.REFORM_OFFICE))
# Timetable rounds and check weights: the reform office only; spot checks: it and the supervisors.
rules.add_perm("reform.manage_rounds", page(RoleCode.REFORM_OFFICE))
rules.add_perm("reform.set_weights", page(RoleCode.REFORM_OFFICE))
rules.add_perm("reform.record_spot_check", page(RoleCode.REFORM_OFFICE, RoleCode.SUPERVISOR))
# Self-inspection files (report, attachments, PDF; object: the unit's id): the unit's own
# window supervisor and team leader for their unit; the reform office and supervisors for any.
own_files = role(RoleCode.WINDOW_SUPERVISOR, RoleCode.TEAM_LEADER) & own_unit_id
rules.add_perm("reform.download_own", own_files)
rules.add_perm(
    "reform.download_unit_files", page(RoleCode.REFORM_OFFICE, RoleCode.SUPERVISOR) | own_files
)
