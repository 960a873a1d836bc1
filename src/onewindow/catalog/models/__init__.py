"""The item catalogue: items (事项 / 实施清单), materials, versions, withdrawal approvals, life
events and combined services (一件事)."""

from onewindow.catalog.models.approvals import HallApproval
from onewindow.catalog.models.combined import (
    JOINT_STATUTORY_LIMIT,
    CombinedMember,
    CombinedService,
    slowest_path,
)
from onewindow.catalog.models.items import (
    HANDLING_FORMS,
    ONLINE_DEPTHS,
    SERVICE_OBJECTS,
    SPECIAL_PROCEDURES,
    Item,
    ItemVersion,
    LifeEvent,
    special_procedure_problem,
)
from onewindow.catalog.models.materials import CurrentMaterials, Material, material_upload_path

__all__ = [
    "HANDLING_FORMS",
    "JOINT_STATUTORY_LIMIT",
    "ONLINE_DEPTHS",
    "SERVICE_OBJECTS",
    "SPECIAL_PROCEDURES",
    "CombinedMember",
    "CombinedService",
    "CurrentMaterials",
    "HallApproval",
    "Item",
    "ItemVersion",
    "LifeEvent",
    "Material",
    "material_upload_path",
    "slowest_path",
    "special_procedure_problem",
]
