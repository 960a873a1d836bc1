"""Daily checkpoints over every case's event chain (see `events.py`).

The checkpoint of a day covers every event stamped before the following midnight (Asia/Shanghai):
for each case with such events, the last one's seq and digest. It is written some minutes after
that midnight, when every transaction stamped before it has committed, so recomputing it from the
events later gives the same digest unless a case was deleted or its chain rolled back."""

import datetime
import hashlib
import json

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from onewindow.cases.events import GENESIS, Break, Kind, head_line
from onewindow.cases.models import CaseEvent, Checkpoint
from onewindow.common import crypto
from onewindow.exchange import services as exchange

SETTLE = datetime.timedelta(minutes=10)  # a day is checkpointed this long after its midnight


def cut_of(day: datetime.date) -> datetime.datetime:
    """The end of `day`: the checkpoint covers the events stamped before it."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def signature(cp: Checkpoint) -> str:
    body = ["checkpoint", cp.day.isoformat(), cp.cases, cp.events, cp.heads_digest, cp.prev]
    return crypto.keyed("checkpoint", json.dumps(body).encode())


def heads_before(cut: datetime.datetime) -> tuple[int, int, str]:
    """(cases, events, digest over every (case id, seq, digest) head) of the chains as they
    stood at `cut`: one grouped read of the event table, in case order."""
    table = connection.ops.quote_name(CaseEvent._meta.db_table)
    sql = (
        f"SELECT e.case_id, e.seq, e.digest FROM {table} e JOIN (SELECT case_id, MAX(seq) AS seq "
        f"FROM {table} WHERE at < %s GROUP BY case_id) h ON h.case_id = e.case_id AND "
        "h.seq = e.seq ORDER BY e.case_id"
    )
    digest, cases, events = hashlib.new("sm3"), 0, 0
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(cut)])
        while batch := cursor.fetchmany(5000):
            for case_id, seq, head in batch:
                digest.update(head_line(case_id, seq, head))
                cases, events = cases + 1, events + seq
    return cases, events, digest.hexdigest()


def take(today: datetime.date | None = None, since: datetime.date | None = None) -> int:
    """The daily job: a checkpoint for every day after the last one up to yesterday (the first
    time: yesterday, or every day from `since`), each pushed to the province. Returns how many."""
    today = today or timezone.localdate(timezone.now() - SETTLE)
    last = Checkpoint.objects.order_by("-day").first()
    day = last.day + datetime.timedelta(days=1) if last else since or today - datetime.timedelta(1)
    prev, made = (last.signature if last else GENESIS), 0
    while day < today:
        cases, events, digest = heads_before(cut_of(day))
        cp = Checkpoint(day=day, cases=cases, events=events, heads_digest=digest, prev=prev)
        cp.signature = signature(cp)
        try:
            with transaction.atomic():
                cp.save()
                exchange.enqueue(
                    "checkpoint",
                    "checkpoint",
                    f"checkpoint-{day.isoformat()}",
                    {
                        "day": day.isoformat(),
                        "cases": cases,
                        "events": events,
                        "heads_digest": digest,
                        "prev": prev,
                        "signature": cp.signature,
                    },
                )
        except IntegrityError:
            return made  # another worker wrote this day first
        prev, made, day = cp.signature, made + 1, day + datetime.timedelta(days=1)
    return made


def verify_all(latest: Checkpoint | None, cases: int, events: int, digest: str) -> list[Break]:
    """Each checkpoint's signature and link to the one before, no day missing between them, and
    the latest one against the chains' heads at its cut (counted by `events.verify`)."""
    broken, prev, day = [], GENESIS, None
    for cp in Checkpoint.objects.order_by("day").iterator():
        if signature(cp) != cp.signature:
            broken.append(Break(None, None, Kind.CHECKPOINT, f"{cp.day}的检查点签名不符"))
        if cp.prev != prev:
            if day is not None and cp.day != day + datetime.timedelta(days=1):
                detail = f"{day}与{cp.day}之间的检查点缺失"
                broken.append(Break(None, None, Kind.CHECKPOINT_GONE, detail))
            elif day is None:
                detail = f"{cp.day}之前的检查点缺失"
                broken.append(Break(None, None, Kind.CHECKPOINT_GONE, detail))
            else:
                detail = f"{cp.day}的检查点与前一日的不衔接"
                broken.append(Break(None, None, Kind.CHECKPOINT, detail))
        prev, day = cp.signature, cp.day
    if latest is None or any(b.kind == Kind.CHECKPOINT for b in broken):
        return broken
    if cases < latest.cases:
        detail = f"{latest.day}的检查点记有{latest.cases}件，现仅{cases}件的事件链在"
        broken.append(Break(None, None, Kind.CASE_GONE, detail))
    elif (cases, events, digest) != (latest.cases, latest.events, latest.heads_digest):
        detail = (
            f"{latest.day}的检查点记有{latest.cases}件{latest.events}条事件，现为{cases}件"
            f"{events}条，链头摘要不同（事件链被回滚或整件替换）"
        )
        broken.append(Break(None, None, Kind.ROLLED_BACK, detail))
    return broken
