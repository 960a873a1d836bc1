"""Who may write to the catalogue."""

from django.core.exceptions import PermissionDenied

from onewindow.catalog.models import Item
from onewindow.org.models import Unit, User
from onewindow.org.roles import RoleCode
from onewindow.org.selectors import user_unit_id


def can_edit_item(user: User, item: Item | None = None, unit: Unit | None = None) -> bool:
    """The reform office edits every unit's items; a window supervisor edits their own unit's."""
    if user.has_role(RoleCode.REFORM_OFFICE, RoleCode.SYSADMIN):
        return True
    unit_id = item.unit_id if item is not None else (unit.pk if unit else None)
    return user.has_role(RoleCode.WINDOW_SUPERVISOR) and unit_id == user_unit_id(user)


def can_create_item(user: User) -> bool:
    if user.has_role(RoleCode.REFORM_OFFICE, RoleCode.SYSADMIN):
        return True
    return user.has_role(RoleCode.WINDOW_SUPERVISOR) and user_unit_id(user) is not None


def can_govern_catalogue(user: User) -> bool:
    """Publishing, withdrawal, hall status, import and combined services: the reform office."""
    return user.has_role(RoleCode.REFORM_OFFICE, RoleCode.SYSADMIN)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
