"""Who may read and write the catalogue. The object of `catalog.edit_item` is the id of the
item's unit (an item's `unit_id`, or the unit a new item is made for)."""

import rules

from onewindow.org.permissions import has_unit, own_unit_id, page, role
from onewindow.org.roles import ALL_UNITS, UNIT_BOUND, RoleCode

READERS = (*ALL_UNITS, *UNIT_BOUND)

# Pages.
rules.add_perm("catalog.view_catalogue", page(*READERS))
rules.add_perm("catalog.edit_items", page(RoleCode.REFORM_OFFICE, RoleCode.WINDOW_SUPERVISOR))
rules.add_perm(
    "catalog.view_check",
    page(RoleCode.REFORM_OFFICE, RoleCode.SUPERVISOR, RoleCode.WINDOW_SUPERVISOR),
)

# Acts. The reform office edits every unit's items; a window supervisor their own unit's.
rules.add_perm(
    "catalog.edit_item",
    page(RoleCode.REFORM_OFFICE) | (role(RoleCode.WINDOW_SUPERVISOR) & own_unit_id),
)
rules.add_perm(
    "catalog.create_item",
    page(RoleCode.REFORM_OFFICE) | (role(RoleCode.WINDOW_SUPERVISOR) & has_unit),
)
# Publishing, withdrawal, hall status, import and 一件事: the reform office.
rules.add_perm("catalog.govern", page(RoleCode.REFORM_OFFICE))
