"""Every write to organisation data. Each validates fully, so bad input saves nothing."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from onewindow import workdays
from onewindow.common import crypto
from onewindow.common.validators import (
    normalize_credit_code,
    normalize_id_number,
    validate_credit_code,
    validate_id_number,
)
from onewindow.org import cover
from onewindow.org.models import (
    Hall,
    Leave,
    Region,
    Role,
    Section,
    Staff,
    StaffChange,
    Unit,
    User,
    WindowPost,
)
from onewindow.org.permissions import allows
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


def identity_digest(*, kind: str, number: str) -> str:
    """The keyed digest of a checked resident ID number (kind "person") or unified social credit
    code ("organisation"): the one cases carry. ValidationError says what is wrong."""
    if kind == "person":
        number = normalize_id_number(number)
        validate_id_number(number)
    elif kind == "organisation":
        number = normalize_credit_code(number)
        validate_credit_code(number)
    else:
        raise ValidationError({"kind": "请选择个人（身份证）或法人（统一社会信用代码）。"})
    return crypto.digest(number)


def applicant_verify(*, user: User, kind: str, number: str) -> User:
    """Record an applicant's verified identity (in production from the province's unified
    identity authentication). Only its digest is kept."""
    digest = identity_digest(kind=kind, number=number)
    if not allows(user, "org.verify_identity"):
        raise ValidationError("只有申请人账号可以登记实名认证信息。")
    user.identity_digest = digest
    user.save(update_fields=["identity_digest"])
    for hook in IDENTITY_VERIFIED:
        hook(user=user, digest=digest)
    return user


# Apps higher up (accounts) register a function (user=, digest=) told when staff verified an
# applicant's identity here (accounts: a self-registered person of that number becomes "hall").
IDENTITY_VERIFIED: list = []


# --- leave and staff changes (S12) --------------------------------------------------------

# Apps higher up (cases) register a function staff -> number of open cases, so that a person
# with open cases cannot leave a post without a handover; org itself knows no cases.
OPEN_CASE_COUNTERS: list = []


def open_case_count(staff: Staff) -> int:
    return sum(counter(staff) for counter in OPEN_CASE_COUNTERS)


def _fmt_days(days) -> str:
    shown = "、".join(f"{d.month}月{d.day}日" for d in days[:6])
    return shown + (f"等{len(days)}天" if len(days) > 6 else "")


@transaction.atomic
def leave_request(
    *, acting_user: User, staff: Staff, start, end, reason: str
) -> tuple[Leave, list]:
    """Decide a leave at once: approved when every A post stays covered, otherwise refused
    with the posts and days that lack cover. Both outcomes are kept."""
    if start and end and end < start:
        raise ValidationError({"end": "结束日期不能早于开始日期。"})
    if start and end and (end - start).days > 366:
        raise ValidationError({"end": "一次请假不能超过一年，请分段申请。"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写请假事由。"})
    if cover.leaves_overlapping(staff, start, end).exists():
        raise ValidationError({"start": "该时间段内已有批准的请假，请勿重复申请。"})
    # Lock the posts involved so two leaves decided at once cannot both take the last cover.
    list(WindowPost.objects.select_for_update().filter(Q(staff_a=staff) | Q(staff_b=staff)))
    try:
        gaps = cover.leave_gaps(staff, start, end)
    except workdays.CalendarRangeError:
        raise ValidationError({"start": "请假日期超出工作日历的范围，请核对年份。"}) from None
    leave = Leave(
        staff=staff, start=start, end=end, reason=reason.strip(), requested_by=acting_user
    )
    if gaps:
        leave.status = Leave.Status.REFUSED
        leave.decision = "不予批准：" + "；".join(
            f"{g.post}在{_fmt_days(g.days)}无人在岗（{g.why}）" for g in gaps
        )
    else:
        leave.status = Leave.Status.APPROVED
        leave.decision = "B岗在岗，准予请假。"
    _save(leave)
    return leave, gaps


@transaction.atomic
def staff_change_notify(
    *,
    acting_user: User,
    staff: Staff,
    kind: str,
    effective_on,
    reason: str,
    successor: Staff | None,
    handover: str,
    today=None,
) -> StaffChange:
    """The unit's prior notice to the hall (S12): before the date, with a handover plan."""
    today = today or datetime.date.today()
    errors = {}
    if effective_on and effective_on <= today:
        errors["effective_on"] = "人员调整须事先报备：拟调整日期应晚于今天。"
    holds_posts = WindowPost.objects.filter(Q(staff_a=staff) | Q(staff_b=staff), active=True)
    open_cases = open_case_count(staff)
    if (holds_posts.exists() or open_cases) and successor is None:
        errors["successor"] = (
            f"{staff.name}仍在窗口岗位上"
            + (f"且有{open_cases}件在办件" if open_cases else "")
            + "，须指定接替人员并办理交接。"
        )
    if open_cases and not (handover or "").strip():
        errors["handover"] = f"{staff.name}有{open_cases}件在办件，请写明交接给谁。"
    if successor is not None and successor.pk == staff.pk:
        errors["successor"] = "接替人员不能是本人。"
    if successor is not None and successor.unit_id != staff.unit_id:
        errors["successor"] = "接替人员应为同一派出单位的工作人员。"
    if StaffChange.objects.filter(staff=staff, status=StaffChange.Status.NOTIFIED).exists():
        errors["staff"] = f"{staff.name}已有待确认的调整报备。"
    if errors:
        raise ValidationError(errors)
    change = StaffChange(
        staff=staff,
        kind=kind,
        effective_on=effective_on,
        reason=reason,
        successor=successor,
        handover=handover,
        notified_by=acting_user,
    )
    _save(change)
    return change


@transaction.atomic
def staff_change_decide(
    *, acting_user: User, change: StaffChange, confirm: bool, decision: str = ""
) -> StaffChange:
    """The hall manager confirms the handover (the successor takes the posts) or rejects it."""
    if not allows(acting_user, "org.decide_staff_change"):
        raise PermissionDenied("只有政务服务中心管理员可以确认人员调整。")
    change = StaffChange.objects.select_for_update().get(pk=change.pk)
    if change.status != StaffChange.Status.NOTIFIED:
        raise ValidationError("该报备已处理。")
    if confirm:
        for post in WindowPost.objects.select_for_update().filter(
            Q(staff_a=change.staff) | Q(staff_b=change.staff)
        ):
            if change.successor is None:
                raise ValidationError(f"{change.staff}仍在{post}，须指定接替人员。")
            if post.staff_a_id == change.staff_id:
                post.staff_a = change.successor
            else:
                post.staff_b = change.successor
            if post.staff_a_id == post.staff_b_id:
                raise ValidationError(
                    f"接替人员{change.successor}已是{post}的另一岗，请另行安排接替人员。"
                )
            post.save(update_fields=["staff_a", "staff_b"])
        if change.kind == StaffChange.Kind.WITHDRAW:
            change.staff.active = False
            change.staff.save(update_fields=["active"])
    change.status = StaffChange.Status.CONFIRMED if confirm else StaffChange.Status.REJECTED
    change.decided_by = acting_user
    change.decided_at = timezone.now()
    change.decision = decision
    change.save(update_fields=["status", "decided_by", "decided_at", "decision"])
    return change
