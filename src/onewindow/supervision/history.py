"""Demo history (issue 8): a few months of the county hall's life replayed through the same
services the pages call, under a travelled clock, so that the dashboards, appraisal, warnings,
anomalies, 督办 and 好差评 show something true on first run.

Every case is a real case: submitted, accepted (some after a one-time notice, some under 容缺),
reviewed by the team leader, decided by the department (some late, some after an expert review,
a few within minutes, which the anomaly rules catch), delivered and rated; bad ratings get their
tickets worked; the supervision scan, the anomaly rules and the time rules run at the end of
every working day as they would have. Seeded, so two loads make the same county; loaded only
into a database with no cases yet (a second `onewindow demo` changes nothing)."""

import datetime
import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import time_machine
from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from onewindow import workdays
from onewindow.cases import checkpoints
from onewindow.cases import services as cases
from onewindow.cases.models import Case, Channel
from onewindow.cases.workflow import State
from onewindow.catalog.models import Item
from onewindow.mandates.models import Letter
from onewindow.mandates.powers import Power, may
from onewindow.org.demo import DEMO_APPLICANT_ID, mobile_number, person_name
from onewindow.org.models import Role, Staff, User, WindowPost
from onewindow.org.roles import RoleCode
from onewindow.supervision import anomalies, orders, ratings, services, sms
from onewindow.supervision.dashboard import rollup
from onewindow.supervision.models import Anomaly, Rating, Ticket, Warning

# Mailed at the applicant's cost: the postage is recorded apart from any fee of the item.
MAIL = {"address": "桃江县桃花江镇", "carrier": "EMS", "tracking": "demo", "postage": "12"}
REASONS = ["申请事项不属于本机关职权范围", "申请人不具备申请资格"]
TAGS_GOOD = ["办事效率高", "服务态度好", "一次办好"]
TAGS_BAD = ["材料要求多", "等候时间长", "多次跑腿", "态度差"]


@dataclass
class Desk:
    """One unit's people in the hall: the A clerk at its window, the team leader named in its
    authorization letter, and its reviewer; `mood` shifts its ratings and punctuality."""

    clerk: User
    post: WindowPost
    leader: User
    reviewer: User
    items: list[Item]
    mood: float


@dataclass(order=True)
class Task:
    when: datetime.datetime
    seq: int
    run: Callable = field(compare=False)


class History:
    def __init__(self, *, start: datetime.date, end: datetime.date, per_day: int, seed: int):
        self.rng = random.Random(seed)
        # The 容缺 story draws from its own stream, so adding it left every other case as it was.
        self.side = random.Random(seed + 1)
        self.start, self.end, self.per_day = start, end, per_day
        self.queue: list[Task] = []
        self.seq = itertools.count()
        self.people = itertools.count(1)
        self.inspector = User.objects.get(username="inspector")
        self.desks = _desks(start)
        self.desk_of = {unit.pk: d for d in self.desks for unit in d.post.units.all()}
        self.counts = {"cases": 0}

    # --- the clock -------------------------------------------------------------------------

    def at(self, day: datetime.date, hour: float, run: Callable) -> None:
        """Schedule `run(day)` on working day `day` at `hour` (local time, 8.5 = 8:30)."""
        naive = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(hours=hour)
        heapq.heappush(self.queue, Task(timezone.make_aware(naive), next(self.seq), run))

    def later(self, day: datetime.date, workdays_after: int, lo=8.6, hi=17.0, run=None) -> None:
        target = workdays.add_workdays(day, workdays_after) if workdays_after else day
        self.at(target, self.rng.uniform(lo, hi), run)

    def run(self) -> dict[str, int]:
        day = self.start
        while day <= self.end:
            if workdays.is_workday(day):
                for _ in range(self._arrivals()):
                    self.at(day, self.rng.uniform(8.5, 16.8), self.arrive)
                close = timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 40)))
                while self.queue and self.queue[0].when <= close:
                    task = heapq.heappop(self.queue)
                    self._travel(task.when, task.run, task.when.date())
                self._travel(close, self.day_end, day)
            day += datetime.timedelta(days=1)
        rollup()
        return self.counts

    def _arrivals(self) -> int:
        return max(1, round(self.rng.gauss(self.per_day, self.per_day / 5)))

    def _travel(self, when: datetime.datetime, run: Callable, day: datetime.date) -> None:
        with time_machine.travel(when, tick=False):
            run(day)

    # --- a case's life -----------------------------------------------------------------------

    def arrive(self, day: datetime.date) -> None:
        desk = self.rng.choice(self.desks)
        item = self.rng.choice(desk.items)
        applicant = self._applicant()
        given = [{"material_id": m.pk, "status": "paper"} for m in item.materials.all()]
        pairs = list(zip(given, item.materials.all(), strict=True))
        required = [g for g, m in pairs if m.required]
        minor = [g for g, m in pairs if m.rongque and not m.is_main]  # 容缺 may wait for it
        if required and self.rng.random() < 0.12:
            lacking = self.rng.choice(required)
            given = [g for g in given if g is not lacking]
        elif minor and item.promised_limit > 3 and self.side.random() < 0.1:
            lacking = self.side.choice(minor)  # accepted under 容缺 (examine)
            given = [g for g in given if g is not lacking]
        online = self.rng.random() < 0.15
        case = cases.application_submit(
            acting_user=None if online else desk.clerk,
            item=item,
            channel=Channel.ONLINE if online else Channel.WINDOW,
            applicant=applicant,
            materials=given,
            day=day,
        )
        self.counts["cases"] += 1
        ctx = (desk, case.pk, applicant)
        if online:
            if self.rng.random() < 0.02:  # never answered: deemed accepted after 5 working days
                self.later(day, 6, 9.0, 9.5, lambda d: self.after_deemed(d, *ctx))
                return
            wait = 1 if self.rng.random() < 0.92 else 2  # two days is an anomaly
            self.later(day, wait, 8.6, 11.5, lambda d: self.examine(d, *ctx))
        else:
            self.at(day, self._hour() + 0.05, lambda d: self.examine(d, *ctx))

    def examine(self, day, desk: Desk, case_id: int, applicant: dict) -> None:
        """At the window: accept, accept under 容缺, notify once, or refuse."""
        case = Case.objects.get(pk=case_id)
        missing = [m for m in case.materials.all() if m.status == "missing" and m.material]
        if self.rng.random() < 0.02:
            cases.case_refuse(
                acting_user=desk.clerk, case=case, reason=self.rng.choice(REASONS), day=day
            )
            return
        if missing:
            minor = all(m.material.rongque and not m.material.is_main for m in missing)
            due = workdays.add_workdays(day, case.item.promised_limit or 1)
            if minor and case.item.promised_limit > 3:
                deadline = workdays.add_workdays(day, 3)
                case = cases.case_accept(
                    acting_user=desk.clerk,
                    case=case,
                    window_post=desk.post,
                    rongque={"deadline": min(deadline, due), "commitment": "本人承诺按期补齐"},
                    day=day,
                )
                # At a fixed hour: the main stream of chances stays as without 容缺.
                self.at(
                    workdays.add_workdays(day, 2), 9.5, lambda d: self.supplement(d, desk, case_id)
                )
                self.accepted(day, desk, case, applicant)
                return
            cases.case_notify_correction(
                acting_user=desk.clerk,
                case=case,
                problems={m.pk: "未提交，请补正" for m in missing},
                day=day,
            )
            received = {m.pk: "paper" for m in missing}
            self.later(
                day,
                self.rng.randint(1, 3),
                run=lambda d: self.resubmit(d, desk, case_id, applicant, received),
            )
            return
        case = cases.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=day)
        self.accepted(day, desk, case, applicant)

    def resubmit(self, day, desk, case_id, applicant, received) -> None:
        case = Case.objects.get(pk=case_id)
        case = cases.case_resubmit(acting_user=desk.clerk, case=case, received=received, day=day)
        case = cases.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=day)
        self.accepted(day, desk, case, applicant)

    def supplement(self, day, desk, case_id) -> None:
        case = Case.objects.get(pk=case_id)
        if case.rongque_open:
            cases.case_supplement(acting_user=desk.clerk, case=case, day=day)

    def after_deemed(self, day, desk, case_id, applicant) -> None:
        case = Case.objects.get(pk=case_id)
        if case.state == State.ACCEPTED:
            self.transfer(day, desk, case_id, applicant)

    def accepted(self, day, desk: Desk, case: Case, applicant: dict) -> None:
        if case.item.case_kind == Item.CaseKind.INSTANT:
            self.at(day, self._hour() + 0.1, lambda d: self.decide_now(d, desk, case.pk))
            self.at(day, self._hour() + 0.2, lambda d: self.deliver(d, desk, case.pk, applicant))
            return
        if self.rng.random() < 0.01:  # 体外循环: decided minutes after acceptance
            self.at(day, self._hour() + 0.03, lambda d: self.transfer(d, desk, case.pk, None))
            self.at(day, self._hour() + 0.06, lambda d: self.decide(d, desk, case.pk))
            self.later(day, 1, run=lambda d: self.deliver(d, desk, case.pk, applicant))
            return
        if self.rng.random() < 0.7:
            self.at(
                day,
                min(17.2, self._hour() + self.rng.uniform(0.5, 3)),
                lambda d: self.transfer(d, desk, case.pk, applicant),
            )
        else:
            self.later(day, 1, 8.6, 10.0, lambda d: self.transfer(d, desk, case.pk, applicant))

    def decide_now(self, day, desk, case_id) -> None:
        case = Case.objects.get(pk=case_id)
        cases.case_decide_at_window(
            acting_user=desk.clerk, case=case, result=Case.Result.APPROVED, day=day
        )

    def transfer(self, day, desk: Desk, case_id: int, applicant: dict | None) -> None:
        case = Case.objects.get(pk=case_id)
        case = cases.case_transfer(acting_user=desk.leader, case=case, opinion="同意", day=day)
        if applicant is None:
            return  # the fast path decides on its own schedule
        limit = case.item.promised_limit
        roll = self.rng.random()
        if roll < 0.05 and limit > 5:
            self.later(day, 1, run=lambda d: self.suspend(d, desk, case_id, applicant))
            return
        late = roll < 0.05 + 0.10 * desk.mood
        if late:  # a few are forgotten for weeks: the red lights that supervision chases
            overrun = self.rng.randint(8, 20) if roll < 0.07 else self.rng.randint(1, 3)
            after = workdays.workdays_between(day, case.due_date) + overrun
        else:
            after = self.rng.randint(1, max(1, limit - 1 if limit > 2 else limit))
        self.later(day, after, run=lambda d: self.decide(d, desk, case_id, applicant))

    def suspend(self, day, desk, case_id, applicant) -> None:
        case = Case.objects.get(pk=case_id)
        cases.case_suspend(
            acting_user=desk.reviewer,
            case=case,
            procedure="expert_review",
            expected_days=3,
            reason="组织专家评审",
            day=day,
        )
        self.later(day, 3, run=lambda d: self.resume(d, desk, case_id, applicant))

    def resume(self, day, desk, case_id, applicant) -> None:
        case = cases.case_resume(
            acting_user=desk.reviewer, case=Case.objects.get(pk=case_id), day=day
        )
        left = max(1, workdays.workdays_between(day, case.due_date) - 1)
        self.later(
            day, self.rng.randint(1, left), run=lambda d: self.decide(d, desk, case_id, applicant)
        )

    def decide(self, day, desk, case_id, applicant=None) -> None:
        case = Case.objects.get(pk=case_id)
        if case.rongque_open:  # the applicant brings the 容缺 material before the decision
            case = cases.case_supplement(acting_user=desk.clerk, case=case, day=day)
        denied = self.rng.random() < 0.04
        case = cases.case_decide(
            acting_user=desk.reviewer,
            case=case,
            result=Case.Result.DENIED if denied else Case.Result.APPROVED,
            text="经审查不符合法定条件" if denied else "",
            day=day,
        )
        if applicant is not None:
            self.later(
                day,
                self.rng.choice([0, 1, 1, 2]),
                run=lambda d: self.deliver(d, desk, case_id, applicant),
            )

    def deliver(self, day, desk: Desk, case_id: int, applicant: dict) -> None:
        case = Case.objects.get(pk=case_id)
        if case.state != State.DECIDED:
            return
        if self.rng.random() < 0.7:
            mode = Case.DeliveryMode.COLLECT
            detail = {
                "recipient": applicant["applicant_name"],
                "recipient_id": applicant["applicant_id"],
                "receipt_signed": "1",
            }
        else:
            mode, detail = Case.DeliveryMode.MAIL, dict(MAIL)
        if case.item.fee_free and self.rng.random() < 0.003:
            detail["fee"] = "50"  # a fee on a free item: the anomaly rule's to find
        case = cases.case_deliver(
            acting_user=desk.clerk, case=case, mode=mode, detail=detail, day=day
        )
        if applicant["applicant_id"] == DEMO_APPLICANT_ID:
            return  # left for the demo applicant to rate on the web (我的办事)
        if self.rng.random() < 0.75:
            self.rate(day, desk, case, Rating.Channel.WINDOW_TABLET)
        elif self.rng.random() < 0.3:
            self.later(day, 1, 19.0, 21.0, lambda d: self.rate(d, desk, case, Rating.Channel.QR))

    # --- 好差评 and their tickets --------------------------------------------------------------

    def rate(self, day, desk: Desk, case: Case, channel: str) -> None:
        # Mostly 非常满意; a unit with a worse mood gets more 基本满意, and a late case is
        # where the bad ratings come from.
        late = case.decided_on and case.due_date and case.decided_on > case.due_date
        bad_share = 0.4 if late else 0.003 + 0.02 * desk.mood
        basic_share = 0.03 + 0.08 * desk.mood
        roll = self.rng.random()
        level = 5 if roll < bad_share / 3 else 4 if roll < bad_share else 3
        if roll >= bad_share + basic_share:
            level = 2 if roll < bad_share + basic_share + 0.2 else 1
        bad = level in Rating.BAD
        tags = (
            [self.rng.choice(TAGS_BAD if bad else TAGS_GOOD)]
            if self.rng.random() < 0.6 or bad
            else []
        )
        rating = ratings.rate(
            case=case,
            channel=channel,
            level=level,
            tags=tags,
            text="窗口让我跑了两趟" if bad else "",
            real_name=self.rng.random() < 0.9,
            today=day,
        )
        if bad and self.rng.random() < 0.85:
            self.later(day, 1, run=lambda d: self.callback(d, desk, rating.pk))

    def _ticket(self, rating_id: int) -> Ticket:
        return Ticket.objects.get(rating_id=rating_id)

    def callback(self, day, desk, rating_id) -> None:
        ticket = self._ticket(rating_id)
        ratings.callback(
            acting_user=desk.reviewer, ticket=ticket, note="电话回访，申请人已说明情况", today=day
        )
        if self.rng.random() < 0.12:
            self.later(day, 1, run=lambda d: self.appeal(d, desk, rating_id))
        else:
            self.later(day, 1, run=lambda d: self.verify(d, desk, rating_id))

    def verify(self, day, desk, rating_id) -> None:
        true = self.rng.random() < 0.6
        ticket = ratings.verify(
            acting_user=desk.reviewer,
            ticket=self._ticket(rating_id),
            true=true,
            note="调阅办件记录并询问窗口人员",
        )
        outcome = Ticket.Outcome.RECTIFIED if true else Ticket.Outcome.EXPLAINED
        note = "已对窗口人员批评教育并优化告知流程" if true else "已向申请人解释材料要求的依据"
        self.later(
            day,
            self.rng.randint(1, 5),
            run=lambda d: ratings.finish(
                acting_user=desk.reviewer, ticket=ticket, outcome=outcome, note=note, today=d
            ),
        )

    def appeal(self, day, desk, rating_id) -> None:
        ticket = ratings.appeal(
            acting_user=desk.reviewer,
            ticket=self._ticket(rating_id),
            reason="申请人误操作，回访中已确认对服务满意",
        )
        agree = self.rng.random() < 0.6
        self.later(
            day,
            2,
            run=lambda d: ratings.decide_appeal(
                acting_user=self.inspector,
                ticket=ticket,
                agree=agree,
                note="经核实属误评" if agree else "理由不充分，继续整改",
            ),
        )

    # --- the end of each working day ---------------------------------------------------------

    def day_end(self, day: datetime.date) -> None:
        cases.apply_time_rules(day)
        services.scan(day)
        anomalies.detect(day)
        orders.escalate_overdue(day)
        for warning in Warning.objects.filter(kind="red", raised_at__date=day).select_related(
            "case"
        ):
            if self.rng.random() < 0.25:
                self.issue_order(day, warning)
        for anomaly in Anomaly.objects.filter(detected_on=day, state=Anomaly.State.OPEN):
            desk = self.desk_of.get(anomaly.unit_id)
            if desk is not None and self.rng.random() < 0.7:
                self.later(day, 1, run=lambda d, a=anomaly, k=desk: self.explain(d, k, a))

    def issue_order(self, day, warning: Warning) -> None:
        order = orders.order_issue(
            acting_user=self.inspector,
            content=f"办件{warning.case.number}已超过承诺时限，请立即办理并说明原因。",
            response_days=2,
            case=warning.case,
            warning=warning,
            today=day,
        )
        desk = self.desk_of.get(warning.case.unit_id)
        if desk is not None and self.rng.random() < 0.8:
            self.later(day, 1, run=lambda d: self.respond(d, desk, order))

    def respond(self, day, desk, order) -> None:
        orders.order_respond(
            acting_user=desk.reviewer,
            order=order,
            response="已加快办理，专家意见返回较晚所致",
            today=day,
        )
        self.later(
            day,
            1,
            run=lambda d: orders.order_close(
                acting_user=self.inspector, order=order, result="已整改，予以办结", today=d
            ),
        )

    def explain(self, day, desk, anomaly) -> None:
        anomalies.anomaly_explain(
            acting_user=desk.reviewer, anomaly=anomaly, text="经核查系窗口操作顺序问题，已整改"
        )

    # --- people ------------------------------------------------------------------------------

    def _applicant(self) -> dict:
        n = next(self.people)
        if n % (self.per_day * 5) == 5:  # about once a week: the demo applicant 张三
            return {
                "applicant_kind": "person",
                "applicant_name": "张三",
                "applicant_id": DEMO_APPLICANT_ID,
                "phone": "13807370001",
            }
        born = datetime.date(1955, 1, 1) + datetime.timedelta(days=self.rng.randrange(45 * 365))
        body = f"430922{born:%Y%m%d}{self.rng.randrange(1000):03d}"
        return {
            "applicant_kind": "person",
            "applicant_name": person_name(n * 13 + self.rng.randrange(997)),
            "applicant_id": body + ric.calc_check_digit(body + "0"),
            "phone": mobile_number(5000 + n),
        }

    def _hour(self) -> float:
        now = timezone.localtime()
        return now.hour + now.minute / 60


def _desks(day: datetime.date) -> list["Desk"]:
    """The units whose window holds powers: its A clerk, letter's team leader and reviewer."""
    desks = []
    moods = itertools.cycle([0.0, 0.1, 0.0, 0.4, 0.05, 0.2, 0.0, 0.8])
    letters = Letter.objects.filter(
        status=Letter.Status.FILED, valid_from__lte=day, valid_until__gte=day
    )
    for letter in letters.select_related("unit", "team_leader").order_by("unit_id"):
        post = (
            WindowPost.objects.filter(
                units=letter.unit, kind=WindowPost.Kind.DEPARTMENT, active=True
            )
            .select_related("staff_a")
            .first()
        )
        reviewer = Staff.objects.filter(unit=letter.unit, title="审核员").order_by("id").first()
        if post is None or post.staff_a is None or reviewer is None:
            continue
        items = []
        for item in Item.objects.filter(
            unit=letter.unit, status=Item.Status.PUBLISHED
        ).prefetch_related("materials"):
            need = Power.DECIDE if item.case_kind == Item.CaseKind.INSTANT else Power.ACCEPT
            if may(post.staff_a, item, day) >= need and (
                need == Power.DECIDE or may(letter.team_leader, item, day) >= Power.FIRST_REVIEW
            ):
                items.append(item)
        if items:
            desks.append(
                Desk(
                    clerk=_login(post.staff_a, RoleCode.WINDOW_CLERK),
                    post=post,
                    leader=_login(letter.team_leader, RoleCode.TEAM_LEADER),
                    reviewer=_login(reviewer, RoleCode.DEPT_REVIEWER),
                    items=items,
                    mood=next(moods),
                )
            )
    return desks


def _login(staff: Staff, role: str) -> User:
    """The staff member's account; the history's actors without a demo login get one that
    cannot sign in (no password), so every event names a real person of the unit."""
    if staff.user_id:
        return staff.user
    user = User(username=f"staff{staff.pk}", display_name=staff.name)
    user.set_unusable_password()
    user.save()
    user.roles.set(Role.objects.filter(code=role))
    staff.user = user
    staff.save(update_fields=["user"])
    return user


def load(
    *, days: int = 120, per_day: int = 30, seed: int = 2026, today: datetime.date | None = None
) -> dict[str, int]:
    """Replay `days` calendar days up to yesterday, about `per_day` applications a working day.
    Does nothing where cases exist already."""
    if days <= 0 or Case.objects.exists():
        return {"history_cases": 0}
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=days)
    with transaction.atomic():
        history = History(
            start=start, end=today - datetime.timedelta(days=1), per_day=per_day, seed=seed
        )
    with sms.silenced():
        counts = history.run()
    services.scan(today)
    checkpoints.take(today=today, since=start)  # the daily checkpoints the job would have written
    return {"history_cases": counts["cases"]}
