"""Every write to the catalogue. Each validates fully (bad input saves nothing) and records a
version of the item in the same transaction.

`permissions` says who may write; `items` creates, edits and publishes; `materials` keeps each
material's identity across edits; `halls` records withdrawals and hall departures with their
approvals (S13); `combined` sets up 一件事.
"""

from onewindow.catalog.services.combined import combined_publish, combined_save
from onewindow.catalog.services.halls import item_set_hall_status, item_withdraw, leaves_hall
from onewindow.catalog.services.items import (
    HALL_FIELDS,
    ITEM_EDITABLE,
    item_create,
    item_publish,
    item_update,
    publish_problems,
)
from onewindow.catalog.services.materials import (
    FILE_KEYS,
    MATERIAL_KEYS,
    match_materials,
    material_changed,
    material_values,
)
from onewindow.catalog.services.permissions import (
    can_create_item,
    can_edit_item,
    can_govern_catalogue,
)

__all__ = [
    "FILE_KEYS",
    "HALL_FIELDS",
    "ITEM_EDITABLE",
    "MATERIAL_KEYS",
    "can_create_item",
    "can_edit_item",
    "can_govern_catalogue",
    "combined_publish",
    "combined_save",
    "item_create",
    "item_publish",
    "item_set_hall_status",
    "item_update",
    "item_withdraw",
    "leaves_hall",
    "match_materials",
    "material_changed",
    "material_values",
    "publish_problems",
]
