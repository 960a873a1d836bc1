"""Every change to a case goes through `move`: it checks the transition table, the actor's
scope, window post and powers, writes the case and its event in one transaction, and announces
the move after commit. The functions below are the actions, each a thin wrapper around it."""

import datetime
import hashlib
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from onewindow.cases import events
from onewindow.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    Channel,
    CombinedCase,
    Handoff,
    TechReview,
)
from onewindow.cases.signals import case_moved
from onewindow.cases.workflow import ENDED, MOVES, OPEN, Move, State, Who, light_after_move
from onewindow.catalog.models import SPECIAL_PROCEDURES, Item
from onewindow.common import crypto, limits, rows
from onewindow.common.fields import EncryptedCharField
from onewindow.common.validators import (
    normalize_credit_code,
    normalize_id_number,
    parse_yuan,
    validate_credit_code,
    validate_id_number,
)
from onewindow.documents.files import sniff
from onewindow.exchange import services as exchange
from onewindow.mandates.powers import Power, may, reviewing_items
from onewindow.org.models import Region, Staff, Unit, User, WindowPost
from onewindow.org.roles import RoleCode
from onewindow.org.selectors import posts_serving
from onewindow.workdays import add_workdays, workdays_between
from onewindow.workdays.deadlines import (
    DEFAULT_YELLOW,
    YellowRule,
    due_date,
    suspended_days,
    yellow_from,
)

DEEMED_AFTER = 5  # 行政许可法 art. 32: tell the applicant within 5 days, or it counts as accepted
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


class Conflict(ValidationError):
    """Someone else changed the case first."""


def _today() -> datetime.date:
    return timezone.localdate()


def _staff(user: User | None) -> Staff | None:
    staff = getattr(user, "staff", None) if user is not None else None
    return staff if staff is not None and staff.active else None


def hall_posts(staff: Staff, item: Item) -> set[int]:
    """Ids of the active window posts `staff` holds (A or B) that serve the item's unit."""
    return posts_serving(staff_id=staff.pk, unit_id=item.unit_id)


def green_channel_staff(staff: Staff, item: Item) -> bool:
    ids = hall_posts(staff, item)
    return WindowPost.objects.filter(pk__in=ids, kind=WindowPost.Kind.GREEN_CHANNEL).exists()


def _authorize(user: User | None, case: Case, move: Move, day: datetime.date) -> None:
    if move.who == Who.SYSTEM:
        if user is not None:
            raise PermissionDenied(f"“{move.label}”由系统按时限自动处理。")
        return
    staff = _staff(user)
    if staff is None:
        raise PermissionDenied("只有在岗工作人员可以办理办件。")
    if move.who == Who.DEPARTMENT:
        ok = staff.unit_id == case.unit_id and user.has_role(
            RoleCode.DEPT_REVIEWER, RoleCode.WINDOW_SUPERVISOR
        )
        if not ok:
            raise PermissionDenied(f"只有{case.unit}的审查人员可以{move.label}。")
        return
    if move.who == Who.LEAD:
        lead = case.parent.lead_unit if case.parent_id else None
        ok = (
            lead is not None
            and staff.unit_id == lead.pk
            and staff.unit_id != case.unit_id
            and user.has_role(
                RoleCode.DEPT_REVIEWER, RoleCode.WINDOW_SUPERVISOR, RoleCode.TEAM_LEADER
            )
        )
        if not ok:
            raise PermissionDenied("只有一件事牵头部门的审查人员可以催办其他部门的事项。")
        return
    if move.who == Who.HALL:
        if user.has_role(RoleCode.HALL_MANAGER) or green_channel_staff(staff, case.item):
            return
        raise PermissionDenied("只有大厅管理人员或重点项目绿色通道窗口可以标记重点项目。")
    power = may(staff, case.item, day)
    if power < move.power:
        hint = ""
        if move.power >= Power.FIRST_REVIEW and case.item_id not in reviewing_items(
            case.unit_id, day
        ):
            hint = (
                f"授权委托书未授予窗口该事项的审核权，请由{case.unit}的审查人员“部门接办”后决定。"
            )
        raise PermissionDenied(
            f"您对“{case.item.name}”的权限为“{power.label}”，不能{move.label}"
            f"（需要“{move.power.label}”）。{hint}"
        )


# The encrypted applicant columns stay deferred: no move reads or writes them, and each would cost a
# decryption on every move.
_CASE_COLUMNS = [
    f.attname for f in Case._meta.concrete_fields if not isinstance(f, EncryptedCharField)
]
# The case locked with what a move reads of its item, unit and region (other item fields load on
# first use): one statement with SQL built once, instead of the ORM compiling a four-table join
# on every move (decision 22).
_LOCKED = rows.JoinedRead(
    [
        rows.Part(Case, "c", _CASE_COLUMNS),
        rows.Part(
            Item,
            "i",
            [
                "id",
                "name",
                "status",
                "unit_id",
                "case_kind",
                "legal_limit",
                "promised_limit",
                "implementation_code",
            ],
            f"JOIN {Item._meta.db_table} i ON i.id = c.item_id",
            (0, "item"),
        ),
        rows.Part(
            Unit,
            "u",
            ["id", "name", "region_id"],
            f"JOIN {Unit._meta.db_table} u ON u.id = c.unit_id",
            (0, "unit"),
        ),
        rows.Part(
            Region,
            "r",
            ["id", "code", "name"],
            f"JOIN {Region._meta.db_table} r ON r.id = u.region_id",
            (2, "region"),
        ),
    ],
    lock=True,
)


def move(
    *,
    acting_user: User | None,
    case: Case,
    action: str,
    details: dict[str, Any] | None = None,
    expected_version: int | None = None,
    channel: str | None = None,
    day: datetime.date | None = None,
    apply: Callable[[Case, datetime.date], None] | None = None,
) -> Case:
    """The one way to change a case. Raises Conflict when `expected_version` is stale. Without
    a `channel`, the move is the window's, or the department system's inside `acting_system`."""
    day = day or _today()
    channel = channel or (Channel.DEPT_SYSTEM if ACTING_SYSTEM.get() else Channel.WINDOW)
    details = dict(details or {})
    step = MOVES[action]
    check_texts(details)
    with transaction.atomic():
        case = _LOCKED.get(case.pk)
        if case is None:
            raise Case.DoesNotExist("办件不存在。")
        if expected_version is not None and case.version != expected_version:
            raise Conflict(
                f"该办件已被他人处理（现为“{case.get_state_display()}”），请刷新页面后再操作。"
            )
        if case.parent_id and case.parent.state == CombinedCase.State.WITHDRAWN:
            raise ValidationError(f"所属一件事（{case.parent}）已撤回，子办件不能再{step.label}。")
        if case.state not in step.sources:
            raise ValidationError(f"办件当前为“{case.get_state_display()}”，不能{step.label}。")
        _authorize(acting_user, case, step, day)
        if step.needs_reason and not str(details.get("reason", "")).strip():
            raise ValidationError({"reason": f"{step.label}须写明理由。"})
        before = case.state
        fields = {name: getattr(case, name) for name in _CASE_COLUMNS}
        if apply is not None:
            apply(case, day)
        if step.target:
            case.state = step.target
        if case.key_project:
            _set_step_due(case, day)
        case.light = light_after_move(case.state, case.yellow_from, day, case.light)
        case.version += 1
        event = _event(case, acting_user, channel, action, before, details)
        changed = [k for k, v in fields.items() if getattr(case, k) != v]
        rows.update_columns(case, changed)
        rows.insert(event)
        _report(case, event)
        if case.parent_id and step.target:
            sync_parent(case.parent_id, day)
    if case_moved.has_listeners(Case):
        transaction.on_commit(
            lambda: case_moved.send(sender=Case, case_id=case.pk, action=action, state=case.state)
        )
    return case


# The system (API client) on whose behalf the current request acts; its name goes into each
# event it causes, so supervision can see a case changed by a system that did not submit it,
# and its moves are the department system's channel unless the caller names another.
ACTING_SYSTEM: ContextVar[str] = ContextVar("acting_system", default="")


@contextmanager
def acting_system(name: str) -> Iterator[None]:
    """Every move inside is made by the system `name` (an API client), through the API."""
    token = ACTING_SYSTEM.set(name)
    try:
        yield
    finally:
        ACTING_SYSTEM.reset(token)


def _event(case: Case, user, channel: str, action: str, before: str, details: dict) -> CaseEvent:
    """The next link of the case's chain; the case row (locked) holds the chain's head."""
    if ACTING_SYSTEM.get():
        details = {**details, "system": ACTING_SYSTEM.get()}
    event = CaseEvent(
        case=case,
        seq=case.events_seq + 1,
        at=timezone.now(),
        actor=user,
        channel=channel,
        action=action,
        from_state=before,
        to_state=case.state,
        details=details,
    )
    event.digest = events.event_digest(case.last_digest or events.GENESIS, event)
    case.events_seq, case.last_digest = event.seq, event.digest
    case.seal = events.case_seal(case)  # after every change the move makes to the row
    return event


def _report(case: Case, event: CaseEvent) -> None:
    """The event for the provincial platform (S10), in the same transaction (outbox)."""
    exchange.enqueue(
        "case_event",
        f"case-{case.pk}",
        f"case-event-{event.pk}",
        {
            "case_id": case.pk,
            "case_number": case.number,
            "item_code": case.item.implementation_code,
            "unit_id": case.unit_id,
            "seq": event.seq,
            "at": event.at.isoformat(),
            "channel": event.channel,
            "action": event.action,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "due_date": case.due_date.isoformat() if case.due_date else None,
            "digest": event.digest,
        },
    )


# What the free text of a move may hold (common.limits): it goes into the event, the notices and
# the provincial push. Any other text in a move's details is held to REASON.
DETAIL_LIMITS = {
    "reason": ("理由", limits.REASON),
    "opinion": ("意见", limits.REASON),
    "approver": ("批准人", limits.NAME),
    "problems": ("补正内容", CaseMaterial._meta.get_field("note").max_length),
    "project_name": ("项目名称", Case._meta.get_field("project_name").max_length),
    "project_doc": ("认定文件", Case._meta.get_field("project_doc").max_length),
    "assignee_org": ("承担机构", TechReview._meta.get_field("assignee_org").max_length),
}


def check_texts(details: dict[str, Any]) -> None:
    """ValidationError naming the first text of a move's details that is too long."""
    for key, value in details.items():
        label, limit = DETAIL_LIMITS.get(key, ("填写内容", limits.REASON))
        for text in value.values() if isinstance(value, dict) else [value]:
            limits.check_length(text, limit=limit, label=label, field=key)


# --- arrival ------------------------------------------------------------------------------


def check_applicant(data: dict[str, Any]) -> dict[str, Any]:
    errors = {}
    for key, label in (("applicant_name", "申请人"), ("agent_name", "代理人")):
        limit = Case._meta.get_field(key).max_length
        if limits.too_long(data.get(key), limit):
            errors[key] = limits.MESSAGE % {"label": label, "limit": limit, "n": len(data[key])}
    if errors:
        raise ValidationError(errors)
    kind = data.get("applicant_kind")
    if kind not in Case.ApplicantKind.values:
        errors["applicant_kind"] = "请选择申请人类型：自然人或法人。"
    if not str(data.get("applicant_name", "")).strip():
        errors["applicant_name"] = "请填写申请人姓名或名称。"
    raw = str(data.get("applicant_id", ""))
    try:
        if kind == Case.ApplicantKind.ORGANISATION:
            validate_credit_code(raw)
            data["applicant_id"] = normalize_credit_code(raw)
        else:
            validate_id_number(raw)
            data["applicant_id"] = normalize_id_number(raw)
    except ValidationError as exc:
        errors["applicant_id"] = exc.messages[0]
    phone = str(data.get("phone", "")).replace(" ", "")
    if not _PHONE.match(phone):
        errors["phone"] = "联系电话应为11位手机号码或带区号的固定电话，如0737-8822000。"
    data["phone"] = phone
    if data.get("agent_name") or data.get("agent_id"):
        try:
            validate_id_number(str(data.get("agent_id", "")))
            data["agent_id"] = normalize_id_number(str(data["agent_id"]))
        except ValidationError as exc:
            errors["agent_id"] = "代理人" + exc.messages[0]
        if not str(data.get("agent_name", "")).strip():
            errors["agent_name"] = "请填写代理人姓名。"
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def application_submit(
    *,
    acting_user: User | None,
    item: Item,
    channel: str,
    applicant: dict[str, Any],
    materials: Iterable[dict[str, Any]] = (),
    source: str = "",
    client_key: str = "",
    day: datetime.date | None = None,
) -> Case:
    """An application arrives (S6). At a window the clerk enters it; online ones wait in the
    unit's acceptance queue. Idempotent by (source, client_key)."""
    day = day or _today()
    if client_key:
        existing = Case.objects.filter(source=source, client_key=client_key).first()
        if existing is not None:
            return existing
    if item.status != Item.Status.PUBLISHED:
        raise ValidationError({"item": f"“{item.name}”未发布或已撤销，不能申请。"})
    if channel == Channel.WINDOW:
        staff = _staff(acting_user)
        if staff is None or not hall_posts(staff, item):
            raise PermissionDenied(f"只有服务{item.unit}的窗口工作人员可以在窗口收件。")
    data = check_applicant(dict(applicant))
    return create_case(
        acting_user, item, channel, data, day, materials, source=source, client_key=client_key
    )


APPLICANT_FIELDS = (
    "applicant_kind",
    "applicant_name",
    "applicant_id",
    "phone",
    "agent_name",
    "agent_id",
)


def create_case(
    acting_user: User | None,
    item: Item,
    channel: str,
    data: dict[str, Any],
    day: datetime.date,
    materials: Iterable[dict[str, Any]],
    *,
    source: str = "",
    client_key: str = "",
    parent: CombinedCase | None = None,
    stage: int = 1,
) -> Case:
    """The row, its checklist and its first event; the applicant was checked by the caller."""
    case = Case(
        item=item,
        unit_id=item.unit_id,
        channel=channel,
        source=source,
        client_key=client_key,
        received_on=day,
        parent=parent,
        stage=stage,
        **{k: data.get(k, "") for k in APPLICANT_FIELDS},
    )
    # Field rules only: the applicant was checked above, item and unit are objects in hand, and
    # the client-key constraint is the database's (caught below).
    case.clean_fields(exclude=["applicant_id_digest", "number", "item", "unit", "parent"])
    case.set_digest()
    if client_key:
        try:
            with transaction.atomic():
                rows.insert(case)
        except IntegrityError:
            return Case.objects.get(source=source, client_key=client_key)  # a concurrent twin
    else:
        rows.insert(case)  # nothing unique to collide with: no savepoint needed
    _checklist(case, item, {m.get("material_id"): m for m in materials})
    event = _event(case, acting_user, channel, "submit", "", {"item": item.implementation_code})
    rows.insert(event)
    rows.update_columns(case, ["events_seq", "last_digest", "seal"])
    _report(case, event)
    return case


def _checklist(case: Case, item: Item, given: dict) -> None:
    """One row per catalogue material: as given, shared when the catalogue says so, else missing."""
    checklist = []
    for m in item.materials.all():
        got = given.get(m.pk, {})
        status = got.get("status") or (
            CaseMaterial.Status.SHARED if m.source == "sharing" else CaseMaterial.Status.MISSING
        )
        if status not in CaseMaterial.Status.values:
            raise ValidationError({"materials": f"材料“{m.name}”的状态无效。"})
        checklist.append(CaseMaterial(case=case, material=m, name=m.name, status=status))
    rows.insert_many(checklist)


# --- the window's decision on an application ----------------------------------------------


def case_number(unit: Unit, day: datetime.date) -> str:
    """Region (6) + date (8) + unit (4) + sequence (5): readable, unique, never reused. One upsert
    on the unit's counter row for the day: only that unit's acceptances of that day queue."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_casecounter (unit_id, day, last) VALUES (%s, %s, 1) "
            "ON CONFLICT (unit_id, day) DO UPDATE SET last = cases_casecounter.last + 1 "
            "RETURNING last",
            [unit.pk, day],
        )
        seq = cursor.fetchone()[0]
    region = unit.region.code[:6]
    return f"{region}{day:%Y%m%d}{unit.pk:04d}{seq:05d}"


def _start_clock(case: Case, accepted_on: datetime.date, day: datetime.date) -> None:
    case.number = case_number(case.unit, day)
    case.accepted_on = accepted_on
    _set_due(case)


# Where the yellow-warning thresholds in force come from: supervision (a higher app) registers
# its settings here; without it, the documented defaults.
YELLOW_RULES: list[Callable[[], YellowRule]] = []


def yellow_rule() -> YellowRule:
    return YELLOW_RULES[0]() if YELLOW_RULES else DEFAULT_YELLOW


def recompute_yellow(changed_since: datetime.datetime | None = None) -> int:
    """After the thresholds changed: the yellow-from date of every open, accepted case (or of
    those written since `changed_since`)."""
    rule, changed = yellow_rule(), []
    qs = Case.objects.filter(state__in=[State.ACCEPTED, State.TRANSFERRED, State.SUSPENDED])
    if changed_since is not None:
        qs = qs.filter(updated_at__gte=changed_since)
    for case in qs.only("id", "accepted_on", "due_date", "yellow_from").iterator(2000):
        new = yellow_from(case.accepted_on, case.due_date, rule)
        if new != case.yellow_from:
            case.yellow_from = new
            changed.append(case)
    Case.objects.bulk_update(changed, ["yellow_from"], batch_size=2000)
    return len(changed)


def _set_due(case: Case) -> None:
    """Due and yellow dates from the promised limit, extensions and suspended days."""
    limit = case.item.promised_limit + case.extended_days + case.suspended_total
    deadline = due_date(case.accepted_on, limit)
    case.due_date, case.due_provisional = deadline.due, deadline.provisional
    case.yellow_from = yellow_from(case.accepted_on, case.due_date, yellow_rule())


def _resume_clock(case: Case, today: datetime.date) -> None:
    """After a suspension: the due date moves by the working days suspended."""
    case.suspended_total += suspended_days(case.suspended_on, today)
    case.suspended_on = None
    _set_due(case)


# Key projects' internal step limits (working days): the window's first review, then the unit's
# examination in half the promised limit. Supervision (issue 8) compares `step_due` with today.
KEY_STEP_DAYS = {State.RECEIVED: 1, State.CORRECTING: 1, State.ACCEPTED: 1}


def _set_step_due(case: Case, day: datetime.date) -> None:
    if case.state in KEY_STEP_DAYS:
        days = KEY_STEP_DAYS[case.state]
    elif case.state == State.TRANSFERRED:
        days = max(1, case.item.promised_limit // 2)
    else:
        case.step_due = None  # suspended, decided or ended: no internal step runs
        return
    case.step_due = add_workdays(day, days)


def _missing(case: Case) -> list[CaseMaterial]:
    bad = (CaseMaterial.Status.MISSING, CaseMaterial.Status.DEFECTIVE)
    return list(case.materials.filter(status__in=bad).select_related("material"))


def case_accept(
    *,
    acting_user: User,
    case: Case,
    window_post: WindowPost | None,
    rongque: dict[str, Any] | None = None,
    expected_version: int | None = None,
    day: datetime.date | None = None,
) -> Case:
    """受理. Every required material is in, or the missing ones are minor and accepted under 容缺
    with the applicant's commitment and a deadline within the promised limit."""

    def apply(c: Case, today: datetime.date) -> None:
        staff = _staff(acting_user)
        at_window = window_post is not None and window_post.pk in hall_posts(staff, c.item)
        if not at_window:
            message = f"大厅事项只能在服务{c.unit}的窗口受理（S13），请选择您所在的窗口。"
            raise ValidationError({"window_post": message})
        short = _missing(c)
        missing = [m for m in short if m.material is None or m.material.required]
        # Every minor material the catalogue lets come later, required or optional: 容缺 is
        # for them, and the notice must name each one.
        minor = [m for m in short if m.material and m.material.rongque and not m.material.is_main]
        if missing and not rongque:
            names = "、".join(m.name for m in missing)
            raise ValidationError(f"材料不齐全（{names}），请出具一次性告知书或按容缺受理。")
        c.window_post, c.accepted_by = window_post, staff
        _start_clock(c, today, today)
        if rongque:
            main = [m for m in missing if m not in minor]
            if main:
                names = "、".join(m.name for m in main)
                raise ValidationError(f"主要材料（{names}）不能容缺，只有次要材料可以容缺受理。")
            if not minor:
                raise ValidationError(
                    "没有暂缺的次要材料，无需容缺受理；材料齐全的请直接受理（不勾选容缺）。"
                )
            deadline = rongque.get("deadline")
            if not str(rongque.get("commitment", "")).strip():
                raise ValidationError({"commitment": "容缺受理须有申请人签署的承诺。"})
            if deadline is None or deadline <= today or deadline > c.due_date:
                raise ValidationError(
                    {"deadline": f"容缺补齐期限应晚于今天且不晚于承诺办结日期{c.due_date}。"}
                )
            c.rongque_deadline, c.rongque_open = deadline, True
            CaseMaterial.objects.filter(pk__in=[m.pk for m in minor]).update(rongque=True)

    details = {"window_post": window_post.number if window_post else None}
    if rongque:
        details["rongque"] = {
            "deadline": str(rongque.get("deadline")),
            "commitment": rongque.get("commitment", ""),
        }
    return move(
        acting_user=acting_user,
        case=case,
        action="accept",
        details=details,
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def case_notify_correction(
    *, acting_user: User, case: Case, problems: dict[int, str], expected_version=None, day=None
) -> Case:
    """一次性告知: one notice listing every missing or defective material. `problems` maps case
    material ids to what is wrong; every missing material must be on it (no second round)."""

    def apply(c: Case, today: datetime.date) -> None:
        by_pk = {m.pk: m for m in c.materials.all()}
        unknown = [k for k in problems if k not in by_pk]
        if unknown or not problems:
            raise ValidationError("请在告知书中列出需补正的材料。")
        left_out = [m.name for m in _missing(c) if m.pk not in problems]
        if left_out:
            raise ValidationError(f"一次性告知须列明全部缺少的材料，还缺：{'、'.join(left_out)}。")
        for pk, problem in problems.items():
            m = by_pk[pk]
            if m.status not in (CaseMaterial.Status.MISSING, CaseMaterial.Status.DEFECTIVE):
                m.status = CaseMaterial.Status.DEFECTIVE
            m.note = problem
            m.save(update_fields=["status", "note"])

    details = {"problems": {str(k): v for k, v in problems.items()}}
    return move(
        acting_user=acting_user,
        case=case,
        action="notify_correction",
        details=details,
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def case_resubmit(
    *, acting_user: User, case: Case, received: dict[int, str], expected_version=None, day=None
) -> Case:
    """The applicant brings the corrections: the same application continues; the 5-day clock
    restarts from the day the materials arrived."""

    def apply(c: Case, today: datetime.date) -> None:
        for m in c.materials.filter(pk__in=list(received)):
            m.status = received[m.pk]
            m.note = ""
            m.save(update_fields=["status", "note"])
        c.received_on = today

    return move(
        acting_user=acting_user,
        case=case,
        action="resubmit",
        details={"received": [str(k) for k in received]},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def case_refuse(*, acting_user: User, case: Case, reason: str, expected_version=None, day=None):
    def apply(c: Case, today: datetime.date) -> None:
        c.end_reason = reason.strip()

    return move(
        acting_user=acting_user,
        case=case,
        action="refuse",
        details={"reason": reason},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def deem_overdue(today: datetime.date | None = None) -> int:
    """Applications left undecided 5 working days after their materials arrived count as
    accepted from that day (行政许可法 art. 32); the event marks it for supervision."""
    today = today or _today()
    count = 0
    for case in Case.objects.filter(state=State.RECEIVED).select_related("item"):
        if workdays_between(case.received_on, today) <= DEEMED_AFTER:
            continue

        def apply(c: Case, day: datetime.date) -> None:
            _start_clock(c, c.received_on, day)
            c.deemed_accepted = True

        move(
            acting_user=None,
            case=case,
            action="deem_accept",
            channel="system",
            day=today,
            details={"received_on": str(case.received_on), "deemed": True},
            apply=apply,
        )
        count += 1
    return count


# --- handling -----------------------------------------------------------------------------


def _decision(result: str, text: str) -> Callable[[Case, datetime.date], None]:
    if result not in Case.Result.values:
        raise ValidationError({"result": "请选择准予或不予。"})
    if result == Case.Result.DENIED and not text.strip():
        raise ValidationError({"result_text": "不予许可须说明理由。"})
    limits.check_length(text, limit=limits.REASON, label="决定内容或理由", field="result_text")

    def apply(c: Case, day: datetime.date) -> None:
        if c.rongque_open:
            waiting = "、".join(
                c.materials.filter(rongque=True, received_at__isnull=True).values_list(
                    "name", flat=True
                )
            )
            raise ValidationError(
                f"容缺材料（{waiting}）尚未补齐：请申请人补齐，窗口登记“容缺材料已补齐”后再作出决定。"
            )
        c.result, c.result_text, c.decided_on = result, text.strip(), day

    return apply


def case_decide_at_window(
    *, acting_user: User, case: Case, result: str, text: str = "", expected_version=None, day=None
) -> Case:
    """An instant item decided at the window that holds decision power (S7)."""
    if not case.item.is_instant:
        raise ValidationError("只有即办件可以在窗口当场决定；承诺件须经组长审核后转部门。")
    return move(
        acting_user=acting_user,
        case=case,
        action="decide_at_window",
        details={"result": result},
        expected_version=expected_version,
        day=day,
        apply=_decision(result, text),
    )


def case_transfer(
    *, acting_user: User, case: Case, opinion: str = "", expected_version=None, day=None
):
    """The window team leader reviews and transfers the case to the department (S7)."""
    return move(
        acting_user=acting_user,
        case=case,
        action="transfer",
        details={"opinion": opinion},
        expected_version=expected_version,
        day=day,
    )


def case_take_over(
    *, acting_user: User, case: Case, opinion: str = "", expected_version=None, day=None
) -> Case:
    """部门接办: the department takes an accepted case into its own review when no one at its
    window may take it further (the letter revoked or expired, or granting no first review or
    decision power for the item); its reviewers then decide. Never strands a case (S7)."""

    def apply(c: Case, today: datetime.date) -> None:
        if c.parent_id:
            raise ValidationError("一件事的事项由系统按阶段转部门，不能单独接办。")
        kinds = (WindowPost.Kind.COMPREHENSIVE, WindowPost.Kind.GREEN_CHANNEL)
        if c.window_post is not None and c.window_post.kind in kinds:
            raise ValidationError("综合窗口受理的办件由该窗口初审后转部门，无需接办。")
        if c.item_id in reviewing_items(c.unit_id, today):
            raise ValidationError(
                "授权委托书在有效期内并授予了该事项的审核权，应由窗口组长审核后转部门。"
            )

    return move(
        acting_user=acting_user,
        case=case,
        action="take_over",
        details={"opinion": opinion},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def case_decide(
    *,
    acting_user: User,
    case: Case,
    result: str,
    text: str = "",
    expected_version=None,
    day=None,
    channel: str | None = None,
) -> Case:
    """The department's decision; the result returns to the window for delivery."""
    return move(
        acting_user=acting_user,
        case=case,
        action="decide",
        details={"result": result},
        expected_version=expected_version,
        day=day,
        channel=channel,
        apply=_decision(result, text),
    )


def case_suspend(
    *,
    acting_user: User,
    case: Case,
    procedure: str,
    expected_days: int,
    reason: str,
    expected_version=None,
    day=None,
) -> Case:
    """A special procedure (art. 45): the clock stops; the applicant is told how long it takes."""
    if procedure not in SPECIAL_PROCEDURES:
        raise ValidationError(
            {"procedure": f"特别程序只能是：{'、'.join(SPECIAL_PROCEDURES.values())}。"}
        )
    if not 1 <= expected_days <= 365:
        raise ValidationError({"expected_days": "预计所需时间应为1至365个工作日。"})

    def apply(c: Case, today: datetime.date) -> None:
        c.suspended_on = today

    return move(
        acting_user=acting_user,
        case=case,
        action="suspend",
        details={"procedure": procedure, "expected_days": expected_days, "reason": reason},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def case_resume(*, acting_user: User, case: Case, expected_version=None, day=None) -> Case:
    """The due date moves by the working days suspended."""

    def apply(c: Case, today: datetime.date) -> None:
        _resume_clock(c, today)

    return move(
        acting_user=acting_user,
        case=case,
        action="resume",
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def case_extend(
    *,
    acting_user: User,
    case: Case,
    days: int,
    approver: str,
    reason: str,
    expected_version=None,
    day=None,
) -> Case:
    """Once, up to the statutory length (art. 42: 10 working days; 15 for joint handling)."""
    cap = 15 if case.item.case_kind == Item.CaseKind.JOINT else 10
    if not 1 <= days <= cap:
        raise ValidationError({"days": f"延期应为1至{cap}个工作日（行政许可法第四十二条）。"})
    if not approver.strip():
        raise ValidationError({"approver": "延期须经负责人批准，请填写批准人。"})

    def apply(c: Case, today: datetime.date) -> None:
        if c.extended_days:
            raise ValidationError("该办件已延期一次，不能再次延期。")
        c.extended_days = days
        _set_due(c)

    return move(
        acting_user=acting_user,
        case=case,
        action="extend",
        details={"days": days, "approver": approver, "reason": reason},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def case_supplement(*, acting_user: User, case: Case, expected_version=None, day=None) -> Case:
    """The 容缺 materials have been brought."""

    def apply(c: Case, today: datetime.date) -> None:
        if not c.rongque_open:
            raise ValidationError("该办件没有待补齐的容缺材料。")
        pending = c.materials.filter(rongque=True, received_at__isnull=True)
        bad = (CaseMaterial.Status.MISSING, CaseMaterial.Status.DEFECTIVE)
        pending.filter(status__in=bad).update(status=CaseMaterial.Status.PAPER)
        pending.update(received_at=timezone.now())
        c.rongque_open = False

    return move(
        acting_user=acting_user,
        case=case,
        action="supplement",
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def expire_rongque(today: datetime.date | None = None) -> int:
    """容缺 deadlines passed without the materials: the handling ends (terminated)."""
    today = today or _today()
    count = 0
    running = MOVES["rongque_expire"].sources
    for case in Case.objects.filter(
        rongque_open=True, rongque_deadline__lt=today, state__in=list(running)
    ):

        def apply(c: Case, day: datetime.date) -> None:
            c.rongque_open = False
            c.end_reason = f"容缺材料未在{c.rongque_deadline}前补齐，容缺受理终止。"

        move(
            acting_user=None,
            case=case,
            action="rongque_expire",
            channel="system",
            day=today,
            details={"deadline": str(case.rongque_deadline)},
            apply=apply,
        )
        count += 1
    return count


def case_deliver(
    *,
    acting_user: User,
    case: Case,
    mode: str,
    detail: dict[str, Any],
    expected_version=None,
    day=None,
    together: bool = False,
) -> Case:
    """送达 (S8): collected at the window by the applicant or agent (ID checked, receipt signed)
    or mailed at the applicant's cost. The case is closed with it. The children of a 一件事 are
    delivered together, from its page (`together`)."""
    if case.parent_id and not together:
        raise ValidationError("一件事的各项结果须在一件事页面一并送达。")
    info = {k: str(v).strip() for k, v in detail.items()}
    if mode == Case.DeliveryMode.COLLECT:
        if not info.get("recipient") or not info.get("recipient_id"):
            raise ValidationError({"recipient": "窗口领取须登记领取人姓名和身份证号码。"})
        given = crypto.digest(normalize_id_number(info["recipient_id"]))
        known = {case.applicant_id_digest}
        if case.agent_id:
            known.add(crypto.digest(case.agent_id))
        if given not in known:
            raise ValidationError(
                {"recipient_id": "领取人身份证号码与申请人或代理人不符，不能交付。"}
            )
        if info.get("receipt_signed") not in ("1", "True", "true", "是"):
            raise ValidationError({"receipt_signed": "请领取人在送达回证上签字后再确认。"})
        info["recipient_id"] = normalize_id_number(info["recipient_id"])[:4] + "**********"
    elif mode == Case.DeliveryMode.MAIL:
        missing = [
            k
            for k, label in (("address", "地址"), ("carrier", "快递公司"), ("tracking", "运单号"))
            if not info.get(k)
        ]
        if missing:
            raise ValidationError({"delivery": "邮寄送达须填写收件地址、快递公司和运单号。"})
    else:
        raise ValidationError({"mode": "请选择窗口领取或邮寄送达。"})

    fee, postage = _money(info, "fee", "收费金额"), _money(info, "postage", "邮寄费用")
    if postage and mode != Case.DeliveryMode.MAIL:
        raise ValidationError({"postage": "窗口领取没有邮寄费用，请清空邮寄费用。"})

    def apply(c: Case, today: datetime.date) -> None:
        c.delivery_mode, c.delivery_detail, c.closed_on = mode, info, today
        c.fee, c.postage = fee, postage

    return move(
        acting_user=acting_user,
        case=case,
        action="deliver",
        details={"mode": mode},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def _money(info: dict[str, str], key: str, label: str) -> Decimal:
    """The sum typed under `key` (taken out of the delivery record), bounded by `parse_yuan`."""
    try:
        return parse_yuan(info.pop(key, ""), label)
    except ValidationError as exc:
        raise ValidationError({key: exc.messages}) from None


def case_end(
    *,
    acting_user: User | None,
    case: Case,
    action: str,
    reason: str,
    expected_version=None,
    day=None,
    together: bool = False,
):
    """Withdrawal by the applicant, or termination by the department; a reason either way. A
    一件事 is withdrawn as a whole (`together`, from its page)."""
    if action not in ("withdraw", "terminate"):
        raise ValidationError("无效的操作。")
    if action == "withdraw" and case.parent_id and not together:
        raise ValidationError("一件事须整体撤回，请在一件事页面办理。")

    def apply(c: Case, today: datetime.date) -> None:
        c.end_reason = reason.strip()
        c.rongque_open = False

    return move(
        acting_user=acting_user,
        case=case,
        action=action,
        details={"reason": reason},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


# --- comprehensive window, green channel, technical review --------------------------------


def case_forward(
    *,
    acting_user: User,
    case: Case,
    handoff: str = Handoff.ONLINE,
    opinion: str = "",
    expected_version=None,
    day=None,
) -> Case:
    """The comprehensive (or green-channel) window's first review sends the case to the unit:
    online, or the unit is told to collect the papers (S7). The window decides nothing."""
    if handoff not in Handoff.values:
        raise ValidationError({"handoff": "请选择转办方式：网上流转或通知部门取件。"})

    def apply(c: Case, today: datetime.date) -> None:
        kinds = (WindowPost.Kind.COMPREHENSIVE, WindowPost.Kind.GREEN_CHANNEL)
        if c.window_post is None or c.window_post.kind not in kinds:
            raise ValidationError("部门窗口受理的办件由窗口组长审核后转部门，不经综合窗口转办。")
        c.handoff = handoff

    return move(
        acting_user=acting_user,
        case=case,
        action="forward",
        details={"handoff": handoff, "opinion": opinion},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def case_papers_collected(*, acting_user: User, case: Case, expected_version=None, day=None):
    """The unit has collected the paper materials from the comprehensive window."""

    def apply(c: Case, today: datetime.date) -> None:
        if c.handoff != Handoff.PAPER:
            raise ValidationError("该办件已网上流转，无需到窗口取件。")
        if c.papers_collected_on:
            raise ValidationError(f"材料已于{c.papers_collected_on}取走。")
        c.papers_collected_on = today

    return move(
        acting_user=acting_user,
        case=case,
        action="papers_collected",
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def key_fields(name: str, doc: str) -> tuple[str, str]:
    name, doc = name.strip(), doc.strip()
    errors = {}
    if not name:
        errors["project_name"] = "请填写重点项目名称。"
    if not doc:
        errors["project_doc"] = "标记重点项目须有认定文件（文号），没有认定文件不能走绿色通道。"
    if errors:
        raise ValidationError(errors)
    return name, doc


def case_mark_key(
    *, acting_user: User, case: Case, name: str, doc: str, expected_version=None, day=None
) -> Case:
    """重点项目绿色通道: the project's name and approving document are required."""
    name, doc = key_fields(name, doc)

    def apply(c: Case, today: datetime.date) -> None:
        c.key_project, c.project_name, c.project_doc = True, name, doc

    return move(
        acting_user=acting_user,
        case=case,
        action="mark_key",
        details={"project_name": name, "project_doc": doc},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def case_tech_review(
    *,
    acting_user: User,
    case: Case,
    kind: str,
    assignee_org: str,
    assignee_name: str,
    limit_days: int,
    expected_version=None,
    day=None,
) -> Case:
    """技术审查 by an expert panel, a testing body or a site inspection team outside the
    approving section. Expert review and testing are outside the limit (art. 45), so the case
    is suspended; a site inspection counts within it."""
    if kind not in TechReview.Kind.values:
        raise ValidationError({"kind": "请选择技术审查类型：专家评审、检验检测或现场勘查。"})
    errors = {}
    if not assignee_org.strip() or not assignee_name.strip():
        errors["assignee_org"] = "请填写承担技术审查的机构和负责人。"
    limit = TechReview._meta.get_field("assignee_name").max_length
    if limits.too_long(assignee_name, limit):
        errors["assignee_name"] = limits.MESSAGE % {
            "label": "负责人",
            "limit": limit,
            "n": len(assignee_name),
        }
    if not 1 <= limit_days <= 60:
        errors["limit_days"] = "技术审查时限应为1至60个工作日。"
    if errors:
        raise ValidationError(errors)
    suspends = kind in TechReview.EXCLUDED

    def apply(c: Case, today: datetime.date) -> None:
        section = c.unit.lead_section.name if c.unit.lead_section_id else ""
        if assignee_org.strip() in {c.unit.name, c.unit.short_name, section}:
            raise ValidationError(
                {"assignee_org": "技术审查须由审批股室以外的专家、检测机构或勘查组承担。"}
            )
        if c.tech_reviews.filter(finished_on__isnull=True).exists():
            raise ValidationError("该办件已有未完成的技术审查。")
        TechReview.objects.create(
            case=c,
            kind=kind,
            assignee_org=assignee_org.strip(),
            assignee_name=assignee_name.strip(),
            limit_days=limit_days,
            started_on=today,
            due_on=add_workdays(today, limit_days),
            suspends=suspends,
        )
        if suspends:
            c.suspended_on = today

    return move(
        acting_user=acting_user,
        case=case,
        action="tech_review_suspend" if suspends else "tech_review",
        details={"kind": kind, "assignee_org": assignee_org, "limit_days": limit_days},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def case_tech_report(
    *, acting_user: User, case: Case, conclusion: str, upload=None, expected_version=None, day=None
) -> Case:
    """The technical review's report: attached to the case; where the review suspended the
    case, the clock resumes and the due date moves by the working days it took."""
    if not conclusion.strip():
        raise ValidationError({"conclusion": "请填写技术审查结论。"})
    limits.check_length(conclusion, limit=limits.REASON, label="技术审查结论", field="conclusion")
    digest = _checked_upload(upload) if upload is not None else ""
    review = case.tech_reviews.filter(finished_on__isnull=True).first()
    if review is None:
        raise ValidationError("该办件没有进行中的技术审查。")

    def apply(c: Case, today: datetime.date) -> None:
        review.finished_on, review.conclusion = today, conclusion.strip()
        if upload is not None:
            upload.seek(0)
            review.report_sha256 = digest
            review.report.save(upload.name, upload, save=False)
        review.save()
        if review.suspends:
            _resume_clock(c, today)

    return move(
        acting_user=acting_user,
        case=case,
        action="tech_report_resume" if review.suspends else "tech_report",
        details={"review": review.pk, "sha256": digest},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


# --- 一件事: the parent follows its children ---------------------------------------------

_syncing = threading.local()


def sync_parent(parent_id: int, day: datetime.date) -> None:
    """After a child's state changed: start the next stage when the earlier ones have their
    results (or end it when one of them was denied), and mark the parent ready for the joint
    delivery when every child has a result. Runs inside the child's transaction."""
    if getattr(_syncing, "on", False):
        return  # a release below moves a sibling; the outer call finishes the work
    parent = CombinedCase.objects.select_for_update().get(pk=parent_id)
    if parent.state != CombinedCase.State.HANDLING:
        return
    _syncing.on = True
    try:
        kids = list(parent.children.order_by("stage", "id"))
        blocked = False
        for stage in sorted({k.stage for k in kids}):
            group = [k for k in kids if k.stage == stage]
            waiting = [k for k in group if k.state == State.ACCEPTED and stage > 1]
            if waiting:
                earlier = [k for k in kids if k.stage < stage]
                if any(k.state in OPEN and k.state != State.DECIDED for k in earlier):
                    break  # an earlier stage is still being handled
                denied = blocked or any(
                    k.result == Case.Result.DENIED or k.state == State.TERMINATED for k in earlier
                )
                for k in waiting:
                    action = "stage_terminate" if denied else "release"
                    details = {"stage": stage}

                    def ended(c: Case, today: datetime.date) -> None:
                        c.end_reason = "前序事项未获许可，本事项终止办理。"

                    move(
                        acting_user=None,
                        case=k,
                        action=action,
                        channel="system",
                        day=day,
                        details=details,
                        apply=ended if denied else None,
                    )
                kids = list(parent.children.order_by("stage", "id"))
                blocked = denied
        if all(k.state == State.DECIDED or k.state in ENDED for k in kids):
            if any(k.state == State.DECIDED for k in kids):
                parent.state = CombinedCase.State.READY  # results to hand over together
            else:
                parent.state, parent.closed_on = CombinedCase.State.CLOSED, day
                parent.end_reason = "各事项均已终止，没有需要送达的结果。"
            parent.version += 1
            parent.save(update_fields=["state", "version", "closed_on", "end_reason"])
    finally:
        _syncing.on = False


def apply_time_rules(today: datetime.date | None = None) -> dict[str, int]:
    """The periodic job of the law's clocks: deemed acceptance, then 容缺 expiry."""
    return {"deemed": deem_overdue(today), "rongque_expired": expire_rongque(today)}


def recompute_deadlines(years: set[int]) -> int:
    """After a calendar change: the stored due and yellow dates of open, accepted cases whose
    period touches those years are computed again."""
    count = 0
    qs = Case.objects.filter(state__in=[State.ACCEPTED, State.TRANSFERRED, State.SUSPENDED])
    for case in qs.select_related("item").iterator():
        if not years & set(range(case.accepted_on.year, case.due_date.year + 1)):
            continue
        old = (case.due_date, case.yellow_from, case.due_provisional)
        _set_due(case)
        # A year entered may leave the date as it was and still make it final.
        if (case.due_date, case.yellow_from, case.due_provisional) != old:
            count += _store_due(case.pk)
    return count


def _store_due(case_id: int) -> int:
    """Recompute and store one case's due dates, locked and read again (a move in between keeps
    its state and chain head), with the seal over the new due date."""
    with transaction.atomic():
        locked = Case.objects.select_related("item").select_for_update(of=("self",))
        case = locked.get(pk=case_id)
        if case.state not in (State.ACCEPTED, State.TRANSFERRED, State.SUSPENDED):
            return 0
        _set_due(case)
        Case.objects.filter(pk=case.pk).update(
            due_date=case.due_date,
            yellow_from=case.yellow_from,
            due_provisional=case.due_provisional,
            seal=events.case_seal(case),
        )
    return 1


def open_cases_of(staff: Staff) -> int:
    return Case.objects.filter(accepted_by=staff, state__in=list(OPEN)).count()


# --- materials ----------------------------------------------------------------------------

# The type is read from the content (documents.files.sniff), never the name.
EXTENSIONS = {"pdf": {"pdf"}, "jpg": {"jpg", "jpeg"}, "png": {"png"}}


def max_upload_bytes() -> int:
    return getattr(settings, "CASE_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)


def _checked_upload(upload) -> str:
    """PDF, JPG or PNG by content (the name must agree), within the size limit; its SHA-256."""
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            {"file": f"文件大小为{upload.size / 1048576:.1f}MB，超过上限{limit // 1048576}MB。"}
        )
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if kind is None:
        raise ValidationError({"file": "只接受PDF、JPG或PNG文件；该文件的内容不是这几种格式。"})
    if ext not in EXTENSIONS[kind]:
        raise ValidationError(
            {"file": f"文件名为“.{ext}”，但内容是{kind.upper()}文件，请核对后重新上传。"}
        )
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    return sha.hexdigest()


def case_attach(
    *, acting_user: User, case: Case, material_id: int, upload, expected_version=None, day=None
) -> Case:
    """An electronic material: PDF, JPG or PNG, checked by content, size-limited, SHA-256 kept."""
    digest = _checked_upload(upload)

    def apply(c: Case, today: datetime.date) -> None:
        row = c.materials.filter(pk=material_id).first()
        if row is None:
            raise ValidationError({"material": "该材料不属于本办件。"})
        row.sha256, row.size = digest, upload.size
        upload.seek(0)
        row.file.save(upload.name, upload, save=False)
        row.status = CaseMaterial.Status.UPLOADED
        if row.rongque and row.received_at is None:
            row.received_at = timezone.now()  # a 容缺 material brought as a file
        row.save()

    return move(
        acting_user=acting_user,
        case=case,
        action="attach",
        details={"material": material_id, "sha256": digest, "size": upload.size},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )
