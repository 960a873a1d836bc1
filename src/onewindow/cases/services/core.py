"""Every change to a case goes through `move`: it checks the transition table, the actor's
scope, window post and powers, and writes the case, its event and the provincial outbox row in
one transaction; a child of a 一件事 moves its parent along (`sync_parent`). The actions in the
sibling modules are each a thin wrapper around it; this module imports none of them."""

import datetime
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from onewindow.cases import events
from onewindow.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    Channel,
    CombinedCase,
    TechReview,
)
from onewindow.cases.permissions import Actor, refusal
from onewindow.cases.workflow import ENDED, MOVES, OPEN, Move, State, light_after_move
from onewindow.catalog.models import Item
from onewindow.common import limits, rows
from onewindow.common.fields import EncryptedCharField
from onewindow.exchange import services as exchange
from onewindow.org.models import Region, Unit, User
from onewindow.workdays import add_workdays


class Conflict(ValidationError):
    """Someone else changed the case first."""


def _today() -> datetime.date:
    return timezone.localdate()


def _authorize(user: User | None, case: Case, move: Move, day: datetime.date) -> None:
    """The one authority check of a move: the same predicate the case page asks before it
    offers the move (cases.permissions.refusal)."""
    reason = refusal(Actor(user, day), case, move)
    if reason:
        raise PermissionDenied(reason)


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
                "basic_code",
                "local_implementation_code",
                "local_basic_code",
                "library_version",
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


# Sent inside the move's transaction after its event row is written, with `case` and `event`:
# a higher app writes its own outbox rows here (webhooks to department systems), so they exist
# exactly when the event does. A listener runs on every move: it must be cheap when it has
# nothing to do.
event_written = Signal()


def _report(case: Case, event: CaseEvent) -> None:
    """The event for the provincial platform (S10) and for the listeners of `event_written`,
    in the same transaction (outbox)."""
    event_written.send(Case, case=case, event=event)
    exchange.enqueue(
        "case_event",
        f"case-{case.pk}",
        f"case-event-{event.pk}",
        {
            "case_id": case.pk,
            "case_number": case.number,
            # An application received from the provincial platform: the platform's own number,
            # so it matches acceptance, refusal and the rest to its application.
            "province_application_id": case.province_application_id,
            # The national codes and the provincial library's local codes side by side (either
            # pair may be blank, not both), with the item's version in that library.
            "item_code": case.item.implementation_code,
            "item_basic_code": case.item.basic_code,
            "item_local_code": case.item.local_implementation_code,
            "item_local_basic_code": case.item.local_basic_code,
            "item_version": case.item.library_version,
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
