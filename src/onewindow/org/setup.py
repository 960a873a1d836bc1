"""Hall set-up (the hall manager's pages): window posts, their units and A/B people, a hall's
opening hours. Every write checks the permission, validates fully and appends a SetupChange row
with each field's old and new value in the same transaction."""

import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from onewindow.org import services
from onewindow.org.models import Hall, SetupChange, Staff, Unit, User, WindowPost
from onewindow.org.permissions import allows
from onewindow.org.roles import RoleCode

NUMBER = re.compile(r"^[0-9A-Za-z-]{1,10}$")


def _require(user: User) -> None:
    if not allows(user, "org.manage_windows"):
        raise PermissionDenied("只有政务服务中心管理员可以设置窗口。")


def centre_unit_ids(hall: Hall | None) -> set[int]:
    """The units running the hall: its owner unit, and the unit of the centre's managers (the
    county hall belongs to no unit; its centre is part of the approval bureau)."""
    ids = set(
        Staff.objects.filter(user__roles__code=RoleCode.HALL_MANAGER, active=True).values_list(
            "unit_id", flat=True
        )
    )
    if hall is not None and hall.owner_unit_id:
        ids.add(hall.owner_unit_id)
    return ids


def assignable_unit_ids(*, kind: str, unit_ids: Iterable[int], hall: Hall | None) -> set[int]:
    """Whose staff may hold the post: a department window is staffed by the units it serves
    (their staff are unit-bound and handle that unit's cases); comprehensive, green-channel and
    delivery windows also by the centre itself (S7)."""
    ids = {int(i) for i in unit_ids}
    if kind != WindowPost.Kind.DEPARTMENT:
        ids |= centre_unit_ids(hall)
    return ids


def _person(staff: Staff | None) -> str:
    return f"{staff.name}（{staff.unit}）" if staff is not None else "未配备"


def _units_text(units: Iterable[Unit]) -> str:
    return "、".join(str(u) for u in sorted(units, key=lambda u: u.pk)) or "无"


def _snapshot(post: WindowPost, units: Iterable[Unit]) -> dict[str, str]:
    """The post as the page words it, field by field (old and new are compared as text)."""
    return {
        "窗口号": post.number,
        "窗口名称": post.name,
        "窗口类型": post.get_kind_display(),
        "服务单位": _units_text(units),
        "A岗人员": _person(post.staff_a),
        "B岗人员": _person(post.staff_b),
    }


def _check(post: WindowPost, units: list[Unit], old: WindowPost | None) -> None:
    errors: dict[str, str] = {}
    if not NUMBER.match(post.number):
        errors["number"] = "窗口号只能由数字、字母和连字符组成，最多10位，例如“12”或“A3”。"
    else:
        clash = (
            WindowPost.objects.filter(hall=post.hall, number__iexact=post.number)
            .exclude(pk=post.pk)
            .first()
        )
        if clash is not None:
            errors["number"] = (
                f"{post.hall}已有{clash.number}号窗口（{clash.name}），窗口号不能重复，请换一个。"
            )
    if not post.name.strip():
        errors["name"] = "请填写窗口名称，例如“县市监局窗口”。"
    if not units:
        errors["units"] = "请至少选择一个服务单位：窗口受理所选单位的事项。"
    if post.staff_b_id and post.staff_b_id == post.staff_a_id:
        errors["staff_b"] = "A岗和B岗不能是同一人：A岗请假时须由B岗顶岗，请另选B岗人员。"
    allowed = assignable_unit_ids(kind=post.kind, unit_ids=[u.pk for u in units], hall=post.hall)
    for field, label in (("staff_a", "A岗"), ("staff_b", "B岗")):
        person = getattr(post, field)
        if person is None or field in errors:
            continue
        newly = old is None or getattr(old, f"{field}_id") != person.pk
        if newly and not person.active:
            errors[field] = f"{label}人员{person.name}已不在岗（已停用），不能安排到窗口。"
        elif units and person.unit_id not in allowed:
            errors[field] = (
                f"{label}人员{person.name}是{person.unit}的工作人员，不是本窗口服务单位的人员："
                + (
                    "部门业务窗口的A岗、B岗须由所服务的单位派驻。"
                    if post.kind == WindowPost.Kind.DEPARTMENT
                    else "请选择服务单位或政务服务中心的人员。"
                )
            )
        elif (
            newly
            and person.establishment != Staff.Establishment.ESTABLISHED
            and not person.establishment_exception.strip()
        ):
            errors[field] = (
                f"{label}人员{person.name}为非在编人员：窗口人员原则上在编在岗，"
                "须先在人员信息中登记上岗例外说明（谁批准、为什么）。"
            )
    if errors:
        raise ValidationError(errors)


def _record(*, acting_user: User, hall: Hall, post, action: str, changes: list) -> SetupChange:
    row = SetupChange(
        hall=hall,
        post=post,
        action=action,
        changes=changes,
        by=acting_user,
        by_name=str(acting_user)[:50],
    )
    row.save()
    return row


@transaction.atomic
def window_post_add(
    *,
    acting_user: User,
    hall: Hall,
    number: str,
    name: str,
    kind: str,
    units: Iterable[Unit],
    staff_a: Staff,
    staff_b: Staff | None,
) -> WindowPost:
    """A new window post in the hall, with its A (and B) person."""
    _require(acting_user)
    units = list(units)
    post = WindowPost(
        hall=hall,
        number=(number or "").strip(),
        name=(name or "").strip(),
        kind=kind,
        staff_a=staff_a,
        staff_b=staff_b,
    )
    _check(post, units, None)
    post = services.window_post_create(
        hall=hall,
        number=post.number,
        name=post.name,
        kind=kind,
        units=units,
        staff_a=staff_a,
        staff_b=staff_b,
    )
    changes = [[label, "", new] for label, new in _snapshot(post, units).items()]
    _record(
        acting_user=acting_user,
        hall=hall,
        post=post,
        action=SetupChange.Action.CREATED,
        changes=changes,
    )
    return post


@transaction.atomic
def window_post_edit(
    *,
    acting_user: User,
    post: WindowPost,
    number: str,
    name: str,
    kind: str,
    units: Iterable[Unit],
    staff_a: Staff,
    staff_b: Staff | None,
) -> list[list[str]]:
    """Change a post; returns the changes recorded ([label, old, new], empty when none)."""
    _require(acting_user)
    old = (
        WindowPost.objects.select_for_update(of=("self",))
        .select_related("hall", "staff_a__unit", "staff_b__unit")
        .get(pk=post.pk)
    )
    old_units = list(old.units.all())
    units = list(units)
    post = old
    before = _snapshot(old, old_units)
    was = WindowPost(staff_a_id=old.staff_a_id, staff_b_id=old.staff_b_id)
    post.number, post.name, post.kind = (number or "").strip(), (name or "").strip(), kind
    post.staff_a, post.staff_b = staff_a, staff_b
    _check(post, units, was)
    after = _snapshot(post, units)
    changes = [[k, before[k], after[k]] for k in after if before[k] != after[k]]
    if not changes:
        return []
    post.full_clean()
    post.save()
    post.units.set(units)
    _record(
        acting_user=acting_user,
        hall=post.hall,
        post=post,
        action=SetupChange.Action.EDITED,
        changes=changes,
    )
    return changes


@transaction.atomic
def window_post_set_active(
    *, acting_user: User, post: WindowPost, active: bool, reason: str
) -> WindowPost:
    """Open or close a post; the reason is recorded (S13: no unit withdraws a window on its own,
    the centre decides and says why)."""
    _require(acting_user)
    post = WindowPost.objects.select_for_update(of=("self",)).select_related("hall").get(pk=post.pk)
    reason = (reason or "").strip()
    if post.active == active:
        raise ValidationError("该窗口已" + ("启用" if active else "停用") + "，无需重复操作。")
    if not reason:
        raise ValidationError({"reason": "请写明" + ("启用" if active else "停用") + "原因。"})
    if len(reason) > 200:
        raise ValidationError({"reason": "原因最多200字。"})
    post.active = active
    post.save(update_fields=["active"])
    _record(
        acting_user=acting_user,
        hall=post.hall,
        post=post,
        action=SetupChange.Action.ACTIVATED if active else SetupChange.Action.DEACTIVATED,
        changes=[
            ["状态", "停用" if active else "启用", "启用" if active else "停用"],
            ["原因", "", reason],
        ],
    )
    return post


@transaction.atomic
def hall_set_hours(*, acting_user: User, hall: Hall, hours: str) -> bool:
    """Set the opening hours the public guide shows; False when nothing changed."""
    _require(acting_user)
    hall = Hall.objects.select_for_update().get(pk=hall.pk)
    hours = (hours or "").strip()
    if not hours:
        raise ValidationError("请填写办公时间。")
    if len(hours) > Hall._meta.get_field("hours").max_length:
        raise ValidationError("办公时间过长，最多100字。")
    if hours == hall.hours:
        return False
    old = hall.hours
    hall.hours = hours
    hall.save(update_fields=["hours"])
    _record(
        acting_user=acting_user,
        hall=hall,
        post=None,
        action=SetupChange.Action.HOURS,
        changes=[["办公时间", old, hours]],
    )
    return True
