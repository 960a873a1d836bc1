"""The window's decision on an application: acceptance (with 容缺), the one-time correction
notice, resubmission, refusal, and the law's clocks that act without anyone: deemed
acceptance and 容缺 expiry."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from onewindow.cases.models import (
    Case,
    CaseMaterial,
)
from onewindow.cases.permissions import Actor
from onewindow.cases.services import online
from onewindow.cases.services.clock import _start_clock
from onewindow.cases.services.core import (
    _today,
    move,
)
from onewindow.cases.workflow import MOVES, State
from onewindow.org.models import User, WindowPost
from onewindow.workdays import workdays_between

DEEMED_AFTER = 5  # 行政许可法 art. 32: tell the applicant within 5 days, or it counts as accepted


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
        actor = Actor(acting_user, today)
        held = actor.hall_posts(c.unit_id)
        at_window = window_post is not None and window_post.pk in held
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
        c.window_post, c.accepted_by = window_post, actor.staff
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
        c.correct_by = online.correction_deadline(today)
        online.correction_sms(c)

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
        c.corrected_on = None  # brought to the window: no longer an online correction

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


def apply_time_rules(today: datetime.date | None = None) -> dict[str, int]:
    """The periodic job of the law's clocks: deemed acceptance, then 容缺 expiry."""
    return {"deemed": deem_overdue(today), "rongque_expired": expire_rongque(today)}
