"""好差评: the applicant rates an ended case once per channel; a bad rating opens a rectification
ticket for the unit (call back → verify → rectify or explain, within the deadline); the unit may
appeal a mistaken or malicious rating and a supervisor decides. Every rating goes to the
provincial push with the case events."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from onewindow.cases.models import Case, CaseEvent
from onewindow.cases.workflow import RATEABLE
from onewindow.common.parsing import parse_int
from onewindow.exchange import services as exchange
from onewindow.org.models import User
from onewindow.org.permissions import allows
from onewindow.org.roles import RoleCode
from onewindow.supervision.models import Rating, Rules, Ticket
from onewindow.workdays import add_workdays


def form_values(data) -> dict[str, Any]:
    """The rating form's posted values, kept as chosen so a refused form shows them again
    (no level is ever chosen for the applicant: GB/T 39734 asks for an unbiased choice)."""
    return {
        "level": parse_int(data.get("level")),
        "tags": [t for t in data.getlist("tags") if t in Rating.TAGS],
        "text": data.get("text", "")[:2000],
    }


def handled_by(case: Case, user: User) -> bool:
    """Did `user` act on `case` as staff (accepted it, or wrote any of its events)? An applicant's
    own events (an online submission) do not count."""
    if not user.is_authenticated or not user.role_codes - {RoleCode.APPLICANT}:
        return False
    staff = getattr(user, "staff", None)
    if staff is not None and case.accepted_by_id == staff.pk:
        return True
    return CaseEvent.objects.filter(case=case, actor=user).exists()


def channel_open(case: Case, ratings, channel: str) -> bool:
    """May the applicant still rate `case` on `channel`, given its ratings so far?"""
    return case.state in RATEABLE and not any(r.channel == channel for r in ratings)


@transaction.atomic
def rate(
    *,
    case: Case,
    channel: str,
    level: int,
    tags: list[str] | None = None,
    text: str = "",
    real_name: bool = True,
    today: datetime.date | None = None,
    by: User | None = None,
) -> Rating:
    """`by`: the signed-in person who submits the rating, when there is one (web, QR, a tablet
    opened in someone's session); staff who handled the case may not rate it."""
    today = today or timezone.localdate()
    errors: dict[str, Any] = {}
    if channel not in Rating.Channel.values:
        errors["channel"] = "评价渠道无效。"
    if level not in Rating.Level.values:
        errors["level"] = "请选择评价等级：非常满意、满意、基本满意、不满意或非常不满意。"
    bad_tags = [t for t in tags or [] if t not in Rating.TAGS]
    if bad_tags:
        errors["tags"] = f"没有这样的评价标签：{'、'.join(bad_tags)}。"
    if level in Rating.BAD and not text.strip() and not tags:
        errors["text"] = "不满意的评价请写明原因或选择标签，以便整改。"
    if errors:
        raise ValidationError(errors)
    if case.state not in RATEABLE:
        raise ValidationError("办件办结、不予受理或终止后才能评价。")
    if by is not None and handled_by(case, by):
        raise ValidationError("您是该办件的经办人员，不能评价自己经办的办件；请由申请人本人评价。")
    rating = Rating(
        case=case,
        channel=channel,
        level=level,
        tags=list(tags or []),
        text=text.strip(),
        real_name=real_name,
        unit_id=case.unit_id,
        window_post_id=case.window_post_id,
        staff_id=case.accepted_by_id,
        region=case.unit.region.code,
    )
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        raise ValidationError(
            f"该办件已通过“{rating.get_channel_display()}”评价过，每个渠道只能评价一次。"
        ) from None
    if rating.bad:
        Ticket.objects.create(
            rating=rating,
            unit_id=case.unit_id,
            opened_on=today,
            due_on=add_workdays(today, Rules.current().rectify_days),
        )
    exchange.enqueue(
        "rating",
        f"case-{case.pk}",
        f"rating-{rating.pk}",
        {
            "case_id": case.pk,
            "case_number": case.number,
            "channel": channel,
            "level": level,
            "real_name": real_name,
            "region": rating.region,
            "window": case.window_post.number if case.window_post_id else None,
            "at": rating.rated_at.isoformat(),
        },
    )
    return rating


def _unit_staff(user: User, ticket: Ticket) -> None:
    if not allows(user, "supervision.handle_ticket", ticket):
        raise PermissionDenied(f"只有{ticket.unit}的窗口主管、组长或审核人员可以处理该差评。")


def _locked(ticket: Ticket, states: tuple[str, ...], label: str) -> Ticket:
    ticket = Ticket.objects.select_for_update().select_related("rating").get(pk=ticket.pk)
    if ticket.state not in states:
        raise ValidationError(f"该差评当前为“{ticket.get_state_display()}”，不能{label}。")
    return ticket


@transaction.atomic
def callback(*, acting_user: User, ticket: Ticket, note: str, today=None) -> Ticket:
    _unit_staff(acting_user, ticket)
    ticket = _locked(ticket, (Ticket.State.OPEN,), "登记回访")
    if not note.strip():
        raise ValidationError({"callback_note": "请填写回访情况（联系时间、申请人意见）。"})
    ticket.callback_on, ticket.callback_note = today or timezone.localdate(), note.strip()
    ticket.state = Ticket.State.CALLED_BACK
    ticket.save()
    return ticket


@transaction.atomic
def verify(*, acting_user: User, ticket: Ticket, true: bool, note: str) -> Ticket:
    _unit_staff(acting_user, ticket)
    ticket = _locked(ticket, (Ticket.State.CALLED_BACK,), "登记核实情况")
    if not note.strip():
        raise ValidationError({"verify_note": "请填写核实情况。"})
    ticket.verified_true, ticket.verify_note = true, note.strip()
    ticket.state = Ticket.State.VERIFIED
    ticket.save()
    return ticket


@transaction.atomic
def finish(*, acting_user: User, ticket: Ticket, outcome: str, note: str, today=None) -> Ticket:
    """Rectified (where the complaint was true) or explained; the applicant sees it."""
    _unit_staff(acting_user, ticket)
    ticket = _locked(ticket, (Ticket.State.VERIFIED,), "办结")
    if outcome not in Ticket.Outcome.values:
        raise ValidationError({"outcome": "请选择已整改或已解释说明。"})
    if ticket.verified_true and outcome != Ticket.Outcome.RECTIFIED:
        raise ValidationError({"outcome": "反映属实的差评须整改，不能只作解释说明。"})
    if not note.strip():
        raise ValidationError({"outcome_note": "请填写整改措施或解释说明的内容。"})
    ticket.outcome, ticket.outcome_note = outcome, note.strip()
    ticket.done_on, ticket.state = today or timezone.localdate(), Ticket.State.DONE
    ticket.save()
    return ticket


@transaction.atomic
def appeal(*, acting_user: User, ticket: Ticket, reason: str) -> Ticket:
    """申诉: the unit believes the rating mistaken or malicious."""
    _unit_staff(acting_user, ticket)
    ticket = _locked(
        ticket, (Ticket.State.OPEN, Ticket.State.CALLED_BACK, Ticket.State.VERIFIED), "申诉"
    )
    if not reason.strip():
        raise ValidationError({"appeal_reason": "请写明申诉理由和依据。"})
    ticket.appeal_reason, ticket.state = reason.strip(), Ticket.State.APPEALED
    ticket.save()
    return ticket


@transaction.atomic
def decide_appeal(*, acting_user: User, ticket: Ticket, agree: bool, note: str) -> Ticket:
    """A supervisor reviews the appeal: agreed, the rating is excluded from appraisal;
    rejected, the ticket continues where it was (back to verification)."""
    if not allows(acting_user, "supervision.review_appeal"):
        raise PermissionDenied("只有电子监察人员可以复核申诉。")
    ticket = _locked(ticket, (Ticket.State.APPEALED,), "复核")
    if not note.strip():
        raise ValidationError({"appeal_result": "请填写复核意见。"})
    ticket.appeal_decided_by, ticket.appeal_result = acting_user, note.strip()
    if agree:
        ticket.state = Ticket.State.EXCLUDED
        ticket.rating.excluded = True
        ticket.rating.save(update_fields=["excluded"])
    else:
        ticket.state = (
            Ticket.State.VERIFIED
            if ticket.verified_true is not None
            else Ticket.State.CALLED_BACK
            if ticket.callback_on
            else Ticket.State.OPEN
        )
    ticket.save()
    return ticket


def targets(tickets) -> dict[str, Any]:
    """实名差评回访率、整改率 (target 100%): of real-name bad ratings not excluded."""
    real = tickets.filter(rating__real_name=True).exclude(state=Ticket.State.EXCLUDED)
    total = real.count()
    called = real.exclude(callback_on=None).count()
    done = real.filter(state=Ticket.State.DONE).count()
    return {
        "total": total,
        "called_back": called,
        "handled": done,
        "callback_rate": round(100 * called / total, 1) if total else 100.0,
        "handled_rate": round(100 * done / total, 1) if total else 100.0,
    }
