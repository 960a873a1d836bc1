"""Every write to organisation data. Each validates fully, so bad input saves nothing."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from onewindow.common.validators import normalize_credit_code
from onewindow.org.models import Hall, Region, Role, Section, Staff, Unit, User, WindowPost
from onewindow.org.roles import RoleCode


def _save(obj, *, exclude: Iterable[str] = ()) -> None:
    obj.full_clean(exclude=list(exclude))
    obj.save()


def model_update(*, instance, fields: Iterable[str], data: dict[str, Any]):
    """Apply the whitelisted fields of `data`, validate, and save only what changed."""
    changed = [f for f in fields if f in data and getattr(instance, f) != data[f]]
    for f in changed:
        setattr(instance, f, data[f])
    if changed:
        instance.full_clean()
        instance.save(update_fields=changed)
    return instance


@transaction.atomic
def region_create(*, code: str, name: str, level: str, parent: Region | None = None) -> Region:
    region = Region(code=code, name=name, level=level, parent=parent)
    _save(region)
    return region


@transaction.atomic
def unit_create(
    *,
    name: str,
    credit_code: str,
    region: Region,
    kind: str,
    short_name: str = "",
    in_reform: bool = True,
) -> Unit:
    unit = Unit(
        name=name,
        short_name=short_name,
        credit_code=normalize_credit_code(credit_code),
        region=region,
        kind=kind,
        in_reform=in_reform,
    )
    _save(unit)
    return unit


@transaction.atomic
def unit_set_leadership(
    *, unit: Unit, leader_in_charge: Staff | None, lead_section: Section | None
) -> Unit:
    """Name the leader in charge (分管领导) and the lead section (牵头股室), S1."""
    return model_update(
        instance=unit,
        fields=["leader_in_charge", "lead_section"],
        data={"leader_in_charge": leader_in_charge, "lead_section": lead_section},
    )


@transaction.atomic
def section_create(*, unit: Unit, name: str, **fields: Any) -> Section:
    section = Section(unit=unit, name=name, **fields)
    _save(section)
    return section


@transaction.atomic
def staff_create(
    *,
    unit: Unit,
    name: str,
    mobile: str,
    section: Section | None = None,
    title: str = "",
    establishment: str = Staff.Establishment.ESTABLISHED,
    user: User | None = None,
) -> Staff:
    staff = Staff(
        unit=unit,
        name=name,
        mobile=mobile,
        section=section,
        title=title,
        establishment=establishment,
        user=user,
    )
    _save(staff, exclude=["mobile_digest"])
    return staff


@transaction.atomic
def hall_create(*, name: str, kind: str, region: Region, **fields: Any) -> Hall:
    hall = Hall(name=name, kind=kind, region=region, **fields)
    _save(hall)
    return hall


@transaction.atomic
def window_post_create(
    *,
    hall: Hall,
    number: str,
    name: str,
    kind: str,
    units: Iterable[Unit],
    staff_a: Staff,
    staff_b: Staff | None,
) -> WindowPost:
    post = WindowPost(
        hall=hall, number=number.strip(), name=name, kind=kind, staff_a=staff_a, staff_b=staff_b
    )
    _save(post)
    post.units.set(list(units))
    return post


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    display_name: str,
    roles: Iterable[str],
    is_superuser: bool = False,
) -> User:
    """An account with its roles. The password must pass the configured password rules."""
    from django.contrib.auth.password_validation import validate_password

    user = User(
        username=username,
        display_name=display_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    validate_password(password, user)
    user.set_password(password)
    _save(user, exclude=["password"])
    user.roles.set(Role.objects.filter(code__in=[RoleCode(r) for r in roles]))
    return user
