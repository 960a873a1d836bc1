"""Who may write to the catalogue."""

from django.core.exceptions import PermissionDenied

from onewindow.catalog.models import Item
from onewindow.org.models import Unit, User
from onewindow.org.permissions import allows


def can_edit_item(user: User, item: Item | None = None, unit: Unit | None = None) -> bool:
    """The reform office edits every unit's items; a window supervisor edits their own unit's."""
    unit_id = item.unit_id if item is not None else (unit.pk if unit else None)
    return allows(user, "catalog.edit_item", unit_id)


def can_create_item(user: User) -> bool:
    return allows(user, "catalog.create_item")


def can_govern_catalogue(user: User) -> bool:
    """Publishing, withdrawal, hall status, import and combined services: the reform office."""
    return allows(user, "catalog.govern")


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
