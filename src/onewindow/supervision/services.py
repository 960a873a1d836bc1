"""The supervision scan: lights moved by set-based updates, a warning for each case that turned
yellow or red and for each step past its own limit, raised once and carried to the handler, the
window team leader and the unit's leader in charge (in-app, and by SMS)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from onewindow.cases.models import Case, TechReview
from onewindow.cases.services import recompute_yellow
from onewindow.cases.workflow import LIT, RUNNING, Light, State
from onewindow.common.masking import mask_mobile
from onewindow.exchange import services as exchange
from onewindow.mandates.models import Letter
from onewindow.org.models import Staff, Unit
from onewindow.org.permissions import allows
from onewindow.org.roles import RoleCode
from onewindow.supervision.models import RULE_TTL, Message, Rules, Warning, forget_cached_rule


@dataclass
class ScanResult:
    moved: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    messages: int = 0


def _move(light: str, cond: Q) -> list[int]:
    """UPDATE the cases matching `cond` whose light differs to `light`, in one statement;
    the ids of the rows moved."""
    rows = Case.objects.filter(cond).exclude(light=light).order_by().values("id")
    select, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(Case._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET light = %s WHERE id IN ({select}) RETURNING id", [light, *params]
        )
        return [row[0] for row in cursor.fetchall()]


def scan(today: datetime.date | None = None, full: bool = False) -> ScanResult:
    """Every minute: the lights time has moved, each through an index on (light, date) that
    reaches only the rows that must move. `full` (the hourly sweep) also lights cases never lit
    and corrects lights left by writes around the workflow. Idempotent: a second scan on the
    same day moves nothing and raises nothing."""
    today = today or timezone.localdate()
    running = list(RUNNING)
    result = ScanResult()
    rules = Rules.current()
    if rules.updated_at >= timezone.now() - datetime.timedelta(seconds=4 * RULE_TTL):
        # Other processes may have used the old thresholds for up to RULE_TTL after a change.
        recompute_yellow(changed_since=rules.updated_at - datetime.timedelta(seconds=RULE_TTL))
    lit_running = [Light.GREEN, Light.YELLOW]
    suspended = cleared = []
    with transaction.atomic():
        # Time passing: green or yellow past the due date, green past the yellow date.
        reds = _move(Light.RED, Q(light__in=lit_running, due_date__lt=today, state__in=running))
        yellows = _move(
            Light.YELLOW,
            Q(light=Light.GREEN, yellow_from__lte=today, due_date__gte=today, state__in=running),
        )
        # Dates moved later by a calendar or rule change (moves set their own light).
        greens = _move(
            Light.GREEN,
            Q(light__in=[Light.YELLOW, Light.RED], yellow_from__gt=today, state__in=running),
        )
        yellows += _move(
            Light.YELLOW,
            Q(light=Light.RED, due_date__gte=today, yellow_from__lte=today, state__in=running),
        )
        if full:
            # Cases never lit (accepted before the scan existed, or written in bulk).
            unlit = Q(light=Light.NONE, state__in=running)
            reds += _move(Light.RED, unlit & Q(due_date__lt=today))
            yellows += _move(Light.YELLOW, unlit & Q(yellow_from__lte=today))
            greens += _move(Light.GREEN, unlit)
            # States changed outside the workflow's moves (which set their own light).
            suspended = _move(
                Light.SUSPENDED,
                Q(light__in=[Light.NONE, *lit_running, Light.RED], state=State.SUSPENDED),
            )
            ended = [s for s in State.values if s not in running and s != State.SUSPENDED]
            cleared = _move(Light.NONE, Q(light__in=LIT, state__in=ended))
        result.moved = {
            "red": len(reds),
            "yellow": len(yellows),
            "green": len(greens),
            "suspended": len(suspended),
            "cleared": len(cleared),
        }
        raised = _raise_light_warnings(reds, Warning.Kind.RED, today)
        raised += _raise_light_warnings(yellows, Warning.Kind.YELLOW, today)
        raised += _raise_step_warnings(today)
        result.warnings = len(raised)
        result.messages = _deliver(raised, today)
    return result


def _new_warnings(candidates: list[Warning]) -> list[Warning]:
    """Those not raised before (same case, kind, step and deadline), saved."""
    if not candidates:
        return []
    seen = set(
        Warning.objects.filter(case_id__in=[w.case_id for w in candidates]).values_list(
            "case_id", "kind", "step", "due_on"
        )
    )
    fresh = [w for w in candidates if (w.case_id, w.kind, w.step, w.due_on) not in seen]
    Warning.objects.bulk_create(fresh, batch_size=2000)
    return fresh


def _raise_light_warnings(ids: list[int], kind: str, today: datetime.date) -> list[Warning]:
    raised = []
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        rows = Case.objects.filter(pk__in=chunk).values_list("pk", "unit_id", "due_date")
        raised += _new_warnings(
            [
                Warning(case_id=pk, unit_id=unit, kind=kind, due_on=due, raised_on=today)
                for pk, unit, due in rows
            ]
        )
    return raised


def _raise_step_warnings(today: datetime.date) -> list[Warning]:
    """Steps past their own limit while the case as a whole may still be on time."""
    running = list(RUNNING)
    key = Case.objects.filter(key_project=True, state__in=running, step_due__lt=today)
    candidates = [
        Warning(
            case_id=pk,
            unit_id=unit,
            kind=Warning.Kind.STEP,
            step=Warning.Step.KEY_STEP,
            due_on=due,
            raised_on=today,
        )
        for pk, unit, due in key.values_list("pk", "unit_id", "step_due")
    ]
    reviews = TechReview.objects.filter(finished_on__isnull=True, due_on__lt=today)
    candidates += [
        Warning(
            case_id=case_id,
            unit_id=unit,
            kind=Warning.Kind.STEP,
            step=Warning.Step.TECH_REVIEW,
            due_on=due,
            raised_on=today,
        )
        for case_id, unit, due in reviews.values_list("case_id", "case__unit_id", "due_on")
    ]
    return _new_warnings(candidates)


def _recipients(units: set[int], today: datetime.date) -> tuple[dict, dict, dict]:
    """Per unit: its reviewers, the window team leader of the letter in force, the leader in
    charge (user ids)."""
    reviewers: dict[int, list[int]] = defaultdict(list)
    staff = Staff.objects.filter(
        unit_id__in=units, active=True, user__roles__code=RoleCode.DEPT_REVIEWER
    ).values_list("unit_id", "user_id")
    for unit, user in staff:
        reviewers[unit].append(user)
    letters = Letter.objects.filter(
        unit_id__in=units,
        status=Letter.Status.FILED,
        valid_from__lte=today,
        valid_until__gte=today,
        team_leader__user__isnull=False,
    ).values_list("unit_id", "team_leader__user_id")
    leaders = Unit.objects.filter(pk__in=units, leader_in_charge__user__isnull=False).values_list(
        "pk", "leader_in_charge__user_id"
    )
    return reviewers, dict(letters), dict(leaders)


def _deliver(raised: list[Warning], today: datetime.date) -> int:
    """In-app messages for every warning's people, and SMS queued in the same transaction where
    switched on (the SMS job sends them); in chunks, so that a day with many warnings stays
    within the database's parameter limits."""
    sms_on = Rules.current().sms_enabled
    return sum(
        _deliver_chunk(raised[start : start + 2000], today, sms_on)
        for start in range(0, len(raised), 2000)
    )


def _deliver_chunk(raised: list[Warning], today: datetime.date, sms_on: bool) -> int:
    cases = Case.objects.in_bulk([w.case_id for w in raised])
    items = dict(Case.objects.filter(pk__in=list(cases)).values_list("pk", "item__name"))
    handlers = dict(
        Case.objects.filter(pk__in=list(cases), accepted_by__user__isnull=False).values_list(
            "pk", "accepted_by__user_id"
        )
    )
    reviewers, team_leaders, leaders = _recipients({w.unit_id for w in raised}, today)
    messages = []
    for w in raised:
        case = cases[w.case_id]
        text = (
            f"【一窗通办】{w.get_kind_display()}（{w.get_step_display()}）：办件{case.number}"
            f"“{items[case.pk]}”时限{w.due_on:%Y-%m-%d}，请及时办理。"
        )
        people: dict[int, str] = {}
        if case.state == State.ACCEPTED and case.pk in handlers:
            people[handlers[case.pk]] = "经办人"
        for user in reviewers.get(w.unit_id, []):
            people.setdefault(user, "经办人")
        if w.unit_id in team_leaders:
            people.setdefault(team_leaders[w.unit_id], "窗口组长")
        if w.unit_id in leaders:
            people.setdefault(leaders[w.unit_id], "分管领导")
        messages += [Message(user_id=u, warning=w, text=text, role=r) for u, r in people.items()]
    if sms_on:
        mobiles = {
            s.user_id: s.mobile
            for s in Staff.objects.filter(user_id__in={m.user_id for m in messages})
            if s.mobile
        }
        outgoing = []
        for m in messages:
            if m.user_id in mobiles:
                m.sms_to = mask_mobile(mobiles[m.user_id])
                outgoing.append((mobiles[m.user_id], m.text))
        exchange.sms_enqueue(outgoing)
    Message.objects.bulk_create(messages, batch_size=2000)
    return len(messages)


RULE_FIELDS = (
    "yellow_days_before",
    "yellow_used_percent",
    "rectify_days",
    "sms_enabled",
    "fast_minutes",
    "online_answer_days",
    "anomaly_rules_off",
    "weight_on_time",
    "weight_early",
    "weight_satisfaction",
    "weight_rectified",
    "deduct_red",
    "deduct_order",
    "deduct_anomaly",
    "grade_excellent",
    "grade_good",
    "grade_pass",
)


@transaction.atomic
def rules_save(*, acting_user, data: dict) -> Rules:
    """The supervision thresholds; a change of the yellow thresholds recomputes the yellow-from
    date of every open case at once."""
    if not allows(acting_user, "supervision.edit_rules"):
        raise PermissionDenied("只有电子监察人员或系统管理员可以修改监察规则。")
    rules = Rules.current()
    before = rules.yellow_rule()
    for name in RULE_FIELDS:
        if name in data:
            setattr(rules, name, data[name])
    rules.full_clean()
    rules.save()
    forget_cached_rule()
    if rules.yellow_rule() != before:
        recompute_yellow()
    return rules


def sweep(today: datetime.date | None = None) -> ScanResult:
    """The hourly job: the full scan."""
    return scan(today, full=True)
