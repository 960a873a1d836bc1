"""Anomaly rules (S9, S10: no handling outside the system): each one a query over the stored
cases and events, configurable and switchable on the rules page; each hit recorded once per rule
and case with its evidence, for the unit to explain and the supervisor to confirm."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from onewindow.cases.models import Case, CaseEvent, Channel
from onewindow.cases.timeline import KEY_LABELS, plain
from onewindow.cases.workflow import MOVES, State
from onewindow.catalog.models import Item
from onewindow.org.models import User
from onewindow.org.permissions import allows
from onewindow.supervision.models import Anomaly, Rules
from onewindow.workdays import workdays_between

Rule = Anomaly.Rule


def detect(today: datetime.date | None = None, days: int = 3) -> int:
    """Run every rule switched on over what changed in the last `days` days; the number of new
    hits. Runs every ten minutes; a hit is never recorded twice."""
    today = today or timezone.localdate()
    rules = Rules.current()
    since = timezone.now() - datetime.timedelta(days=days)
    recent = Case.objects.filter(updated_at__gte=since)
    found: list[Anomaly] = []

    def hit(rule: str, case_id: int, unit_id: int, **evidence) -> None:
        if rule not in rules.anomaly_rules_off:
            found.append(
                Anomaly(
                    rule=rule,
                    case_id=case_id,
                    unit_id=unit_id,
                    evidence=evidence,
                    detected_on=today,
                )
            )

    # 体外循环: a promised case decided within minutes of its acceptance.
    decided = (
        CaseEvent.objects.filter(at__gte=since, action="decide")
        .exclude(case__item__case_kind=Item.CaseKind.INSTANT)
        .values_list("case_id", "case__unit_id", "at")
    )
    accepted = dict(
        CaseEvent.objects.filter(
            case_id__in=[c for c, _, _ in decided], action__in=["accept", "deem_accept"]
        ).values_list("case_id", "at")
    )
    for case_id, unit_id, at in decided:
        start = accepted.get(case_id)
        if start is not None and at - start <= datetime.timedelta(minutes=rules.fast_minutes):
            minutes = round((at - start).total_seconds() / 60, 1)
            hit(
                Rule.FAST_PROMISED,
                case_id,
                unit_id,
                accepted=str(start),
                decided=str(at),
                minutes=minutes,
            )
    for pk, unit_id, accepted_on, decided_on in recent.filter(
        decided_on__lt=F("accepted_on")
    ).values_list("pk", "unit_id", "accepted_on", "decided_on"):
        hit(
            Rule.RESULT_BEFORE_ACCEPTANCE,
            pk,
            unit_id,
            accepted_on=str(accepted_on),
            decided_on=str(decided_on),
        )
    for pk, unit_id, channel in recent.filter(
        number__isnull=False,
        window_post__isnull=True,
        deemed_accepted=False,
        item__hall_status=Item.HallStatus.ENTERED,
    ).values_list("pk", "unit_id", "channel"):
        hit(Rule.OUTSIDE_HALL_WINDOW, pk, unit_id, channel=channel)
    waiting = Case.objects.filter(state=State.RECEIVED).exclude(channel=Channel.WINDOW)
    for pk, unit_id, received_on in waiting.values_list("pk", "unit_id", "received_on"):
        late = workdays_between(received_on, today)
        if late > rules.online_answer_days:
            hit(
                Rule.ONLINE_UNANSWERED, pk, unit_id, received_on=str(received_on), working_days=late
            )
    for pk, unit_id, received_on in recent.filter(deemed_accepted=True).values_list(
        "pk", "unit_id", "received_on"
    ):
        hit(Rule.DEEMED_ACCEPTANCE, pk, unit_id, received_on=str(received_on))
    for pk, unit_id, fee in recent.filter(fee__gt=0, item__fee_free=True).values_list(
        "pk", "unit_id", "fee"
    ):
        hit(Rule.FEE_ON_FREE_ITEM, pk, unit_id, fee=str(fee))
    for case_id, unit_id, source, details, action in CaseEvent.objects.filter(
        at__gte=since, details__has_key="system"
    ).values_list("case_id", "case__unit_id", "case__source", "details", "action"):
        if details.get("system") != source:
            hit(
                Rule.FOREIGN_SYSTEM,
                case_id,
                unit_id,
                system=details.get("system"),
                submitted_by=source or "窗口",
                action=action,
            )
    before = Anomaly.objects.count()
    Anomaly.objects.bulk_create(found, ignore_conflicts=True, batch_size=2000)
    return Anomaly.objects.count() - before


def _moment(text) -> str:
    """A stored moment (ISO, any zone) as the hall's local minute."""
    try:
        at = datetime.datetime.fromisoformat(str(text))
    except ValueError:
        return plain(text)
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(at) else str(at)


def evidence_text(rule: str, evidence) -> str:
    """A hit's evidence as a sentence (what the rule saw); unknown keys as "键：值" pairs."""
    e = dict(evidence) if isinstance(evidence, dict) else {"证据": evidence}
    get = e.pop
    if rule == Rule.FAST_PROMISED and {"accepted", "decided"} <= e.keys():
        text = f"{_moment(get('accepted'))}受理，{_moment(get('decided'))}作出决定"
        minutes = get("minutes", None)
        text += f"，相隔{minutes:g}分钟" if isinstance(minutes, int | float) else ""
    elif rule == Rule.RESULT_BEFORE_ACCEPTANCE and {"accepted_on", "decided_on"} <= e.keys():
        text = f"决定日期{get('decided_on')}早于受理日期{get('accepted_on')}"
    elif rule == Rule.OUTSIDE_HALL_WINDOW and "channel" in e:
        channel = get("channel")
        text = f"经“{dict(Channel.choices).get(channel, plain(channel))}”受理，没有记录大厅受理窗口"
    elif rule == Rule.ONLINE_UNANSWERED and "received_on" in e:
        days = plain(get("working_days", None))
        text = f"{get('received_on')}收到网上申请，已过{days}个工作日仍未受理或答复"
    elif rule == Rule.DEEMED_ACCEPTANCE and "received_on" in e:
        text = f"{get('received_on')}收件，5个工作日内未作受理决定，依法视为受理"
    elif rule == Rule.FEE_ON_FREE_ITEM and "fee" in e:
        text = f"事项不收费，却登记收费{get('fee')}元"
    elif rule == Rule.FOREIGN_SYSTEM and "system" in e:
        action = get("action", "")
        move = MOVES.get(action)
        text = (
            f"接口系统“{plain(get('system'))}”变更了由“{plain(get('submitted_by', ''))}”提交的办件"
            f"（{move.label if move else plain(action)}）"
        )
    else:
        text = ""
    rest = "；".join(f"{KEY_LABELS.get(str(k), k)}：{plain(v)}" for k, v in e.items())
    return "；".join(x for x in (text, rest) if x) or "—"


@transaction.atomic
def anomaly_explain(*, acting_user: User, anomaly: Anomaly, text: str) -> Anomaly:
    anomaly = Anomaly.objects.select_for_update().get(pk=anomaly.pk)
    if not allows(acting_user, "supervision.explain_anomaly", anomaly):
        raise PermissionDenied(f"只有{anomaly.unit}的窗口主管、组长或审核人员可以说明。")
    if anomaly.state != Anomaly.State.OPEN:
        raise ValidationError(f"该记录当前为“{anomaly.get_state_display()}”，不能再说明。")
    if not text.strip():
        raise ValidationError({"explanation": "请填写情况说明。"})
    anomaly.explanation, anomaly.state = text.strip(), Anomaly.State.EXPLAINED
    anomaly.save(update_fields=["explanation", "state"])
    return anomaly


@transaction.atomic
def anomaly_confirm(*, acting_user: User, anomaly: Anomaly) -> Anomaly:
    if not allows(acting_user, "supervision.confirm_anomaly"):
        raise PermissionDenied("只有电子监察人员可以认定异常。")
    anomaly = Anomaly.objects.select_for_update().get(pk=anomaly.pk)
    if anomaly.state == Anomaly.State.CONFIRMED:
        raise ValidationError("该异常已认定。")
    anomaly.state, anomaly.decided_by = Anomaly.State.CONFIRMED, acting_user
    anomaly.save(update_fields=["state", "decided_by"])
    return anomaly
