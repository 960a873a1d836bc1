"""What follows a case in the history: 好差评 and the tickets of bad ones, and the end of
each working day (time rules, supervision scan, anomaly rules, 督办 orders)."""

import datetime

from onewindow.cases import services as cases
from onewindow.cases.models import Case
from onewindow.demo.history.clock import Clock
from onewindow.demo.history.desks import Desk
from onewindow.supervision import anomalies, orders, ratings, services
from onewindow.supervision.models import Anomaly, Rating, Ticket, Warning

TAGS_GOOD = ["办事效率高", "服务态度好", "一次办好"]
TAGS_BAD = ["材料要求多", "等候时间长", "多次跑腿", "态度差"]


class Aftercare(Clock):
    """Ratings, tickets, orders and anomalies: what supervision sees of the cases."""

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
