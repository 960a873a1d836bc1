"""Who may do what with letters of authorisation (授权委托书), seals and first-asked records.
The object of the unit-level permissions is the unit's id (a letter's `unit_id`, a seal's unit)."""

import rules

from onewindow.org.permissions import has_unit, own_unit_id, page, role, sees_all_units
from onewindow.org.roles import ALL_UNITS, UNIT_BOUND, RoleCode

READERS = (*ALL_UNITS, *UNIT_BOUND)
MANAGERS = (RoleCode.WINDOW_SUPERVISOR, RoleCode.REFORM_OFFICE)


# The reform office for every unit; a unit's window supervisor (its leader in charge) for it.
manages_unit = page(RoleCode.REFORM_OFFICE) | (role(RoleCode.WINDOW_SUPERVISOR) & own_unit_id)

# Pages.
rules.add_perm("mandates.view_letters", page(*READERS))
rules.add_perm("mandates.view_seal", page(*READERS))
rules.add_perm("mandates.view_seals", page(*ALL_UNITS))
rules.add_perm("mandates.view_enquiries", page(*READERS))
rules.add_perm("mandates.edit_letter", page(*MANAGERS))  # the form and the powers table
rules.add_perm("mandates.act_on_letter", page(*MANAGERS, RoleCode.HALL_MANAGER))

# Acts.
rules.add_perm("mandates.create_letter", page(*MANAGERS) & (sees_all_units | has_unit))
rules.add_perm("mandates.manage_unit", manages_unit)  # write, sign, set powers, seal (unit id)
rules.add_perm("mandates.file_letter", page(RoleCode.HALL_MANAGER))
rules.add_perm("mandates.revoke_letter", manages_unit | role(RoleCode.HALL_MANAGER))
rules.add_perm("mandates.view_enquiry_counts", sees_all_units)  # every person's, hall-wide
