"""Ratings (6.6 评价) and supervision orders (6.8 电子监察·督办) as national data-set records
(exchange/datasets/table.py), built when the push sends them, in a constant number of queries
a batch."""

from onewindow.exchange import services as exchange
from onewindow.exchange.datasets import date, date_time
from onewindow.exchange.models import Outbox
from onewindow.supervision.models import Order, Rating

Record = exchange.Record

# The rating channels (好差评) → the standard's channel codes.
RATING_CHANNELS = {
    Rating.Channel.WEB: "1",
    Rating.Channel.QR: "3",
    Rating.Channel.WINDOW_TABLET: "4",
    Rating.Channel.SMS: "6",
}
# An order's stage (the tail of its event id) → its state code and operation.
ORDER_STAGES = {
    Order.State.ISSUED: ("1", "I"),
    Order.State.ANSWERED: ("2", "U"),
    Order.State.ESCALATED: ("3", "U"),
    Order.State.CLOSED: ("4", "U"),
}


def _pk(event_id: str, prefix: str) -> int | None:
    tail = event_id.removeprefix(prefix).split("-")[0]
    return int(tail) if tail.isdigit() else None


def build_ratings(rows: list[Outbox]) -> dict[int, list[Record] | str]:
    wanted = {o.pk: _pk(o.event_id, "rating-") for o in rows}
    ratings = {
        r.pk: r
        for r in Rating.objects.filter(pk__in=set(wanted.values()) - {None})
        .select_related("case", "unit__region", "window_post")
        .defer("case__applicant_id", "case__phone", "case__agent_id", "case__delivery_detail")
    }
    out: dict[int, list[Record] | str] = {}
    for o in rows:
        r = ratings.get(wanted[o.pk])
        if r is None:
            out[o.pk] = "源数据不存在：评价已不在系统中"
            continue
        out[o.pk] = [
            Record(
                "rating",
                {
                    "rating_id": str(r.pk),
                    "case_no": r.case.number or "",
                    "channel": RATING_CHANNELS.get(r.channel, ""),
                    "rater": r.case.applicant_name if r.real_name else "",
                    "rate_time": date_time(r.rated_at),
                    "rate_count": 1,
                    "satisfaction": str(r.level),
                    "satisfaction_name": r.get_level_display(),
                    "text": r.text,
                    "window_no": r.window_post.number if r.window_post_id else "",
                    "unit_name": r.unit.name,
                    "unit_credit_code": r.unit.credit_code,
                    "region_code": r.unit.region.code,
                },
            )
        ]
    return out


def build_orders(rows: list[Outbox]) -> dict[int, list[Record] | str]:
    wanted = {o.pk: _pk(o.event_id, "order-") for o in rows}
    orders = {
        x.pk: x
        for x in Order.objects.filter(pk__in=set(wanted.values()) - {None})
        .select_related("case", "unit__region", "warning")
        .defer("case__applicant_id", "case__phone", "case__agent_id", "case__delivery_detail")
    }
    out: dict[int, list[Record] | str] = {}
    for o in rows:
        order = orders.get(wanted[o.pk])
        stage = ORDER_STAGES.get(o.payload.get("stage"))
        if order is None or stage is None:
            out[o.pk] = "源数据不存在：督办已不在系统中"
            continue
        out[o.pk] = [
            Record(
                "supervision_order",
                {
                    "order_id": str(order.pk),
                    "case_no": order.case.number or "" if order.case_id else "",
                    "content": order.content,
                    "unit_name": order.unit.name,
                    "unit_credit_code": order.unit.credit_code,
                    "issue_time": date_time(order.issued_at),
                    "rule": order.rule,
                    "warning_type": order.warning_type,
                    "state": stage[0],
                    "respond_by": date(order.respond_by),
                    "response": order.response,
                    "responded_date": date(order.responded_on),
                    "result": order.result,
                    "closed_date": date(order.closed_on),
                    "region_code": order.unit.region.code,
                },
                stage[1],
                # A later stage updates the record the order's issue made (its row's event id).
                record_id=""
                if stage[1] == "I"
                else f"order-{order.pk}-{Order.State.ISSUED}/supervision_order/1",
            )
        ]
    return out


exchange.register("rating", build_ratings)
exchange.register("order", build_orders)
