"""A case's life in the history: submitted, accepted (some after a one-time notice, some under
容缺), reviewed, decided (some late, some after an expert review, a few within minutes) and
delivered, each step through the services the pages call."""

import datetime

from stdnum.cn import ric

from onewindow import workdays
from onewindow.cases import services as cases
from onewindow.cases.models import Case, Channel
from onewindow.cases.workflow import State
from onewindow.catalog.models import Item
from onewindow.demo.county import DEMO_APPLICANT_ID, mobile_number, person_name
from onewindow.demo.history.clock import Clock
from onewindow.demo.history.desks import Desk
from onewindow.supervision.models import Rating

# Mailed at the applicant's cost: the postage is recorded apart from any fee of the item.
MAIL = {"address": "桃江县桃花江镇", "carrier": "EMS", "tracking": "demo", "postage": "12"}
REASONS = ["申请事项不属于本机关职权范围", "申请人不具备申请资格"]


class CaseLife(Clock):
    """Arrivals and each step of a case; rating is `Aftercare.rate`."""

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
        if mode == Case.DeliveryMode.MAIL and self.mail.random() < 0.95:
            # Its own stream for the day and hour too (`later` would draw from the main one).
            signed = workdays.add_workdays(day, self.mail.choice([1, 2, 2, 3]))
            hour = self.mail.uniform(9.0, 16.5)
            self.at(signed, hour, lambda d, pk=case.pk: self.signed_for(d, desk, pk))
        if applicant["applicant_id"] == DEMO_APPLICANT_ID:
            return  # left for the demo applicant to rate on the web (我的办事)
        if self.rng.random() < 0.75:
            self.rate(day, desk, case, Rating.Channel.WINDOW_TABLET)
        elif self.rng.random() < 0.3:
            self.later(day, 1, 19.0, 21.0, lambda d: self.rate(d, desk, case, Rating.Channel.QR))

    def signed_for(self, day, desk: Desk, case_id: int) -> None:
        """The courier's record shows the mailed result signed for: the window records it."""
        case = Case.objects.get(pk=case_id)
        cases.case_confirm_receipt(acting_user=desk.clerk, case=case, received_on=day, day=day)

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
