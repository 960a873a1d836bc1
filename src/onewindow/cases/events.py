"""The event chain and its anchors (GB/T 39786 tamper evidence).

Each case's events form a chain: digest_n = HMAC-SM3(chain key, digest_(n-1) | the event's
fields). The case row holds the chain's head and length (`events_seq`, `last_digest`) and a seal
over them and the row's decisive fields, so deleting a case's last events or editing its row is
seen. A daily checkpoint (`checkpoints.py`) over every chain's head, itself chained and signed,
anchors the set of cases, so deleting a whole case is seen too. `verify` checks all of it."""

import datetime
import enum
import hashlib
import itertools
import json
from decimal import Decimal
from typing import NamedTuple

from django.db.models import DecimalField

from onewindow.cases.models import Case, CaseEvent, Checkpoint
from onewindow.common import crypto

GENESIS = "0" * 64

# The case row's decisive fields, sealed with the chain's head: a decision, a state, a due date
# or an applicant changed in the database without a move no longer matches the seal. The light,
# the yellow date and other derived columns are left out: jobs move them without an event.
SEALED = (
    "number",
    "item_id",
    "unit_id",
    "state",
    "applicant_kind",
    "applicant_name",
    "applicant_id_digest",
    "accepted_on",
    "due_date",
    "suspended_total",
    "extended_days",
    "result",
    "result_text",
    "decided_on",
    "closed_on",
    "fee",
    "end_reason",
)


class Kind(enum.StrEnum):
    """What a break means, in the words the verification report uses."""

    EDITED = "事件被篡改"
    GAP = "事件被删除"
    TAIL = "尾部事件被删除"
    ROW = "办件记录被改动"
    CASE_GONE = "办件被删除"
    ROLLED_BACK = "事件链与检查点不符"
    CHECKPOINT = "检查点被篡改"
    CHECKPOINT_GONE = "检查点被删除"


class Break(NamedTuple):
    case_id: int | None  # None: a checkpoint or the set of cases
    seq: int | None
    kind: Kind
    detail: str

    def __str__(self) -> str:
        where = f"办件{self.case_id}" if self.case_id is not None else "检查点"
        if self.seq is not None:
            where += f" 第{self.seq}条事件"
        return f"{where}：{self.kind}（{self.detail}）"


def event_digest(prev: str, event: CaseEvent) -> str:
    return crypto.keyed("chain", event_body(prev, event))


def event_body(prev: str, event: CaseEvent) -> bytes:
    """What an event's digest covers: the previous digest and every field of the event."""
    body = "|".join(
        [
            prev,
            str(event.case_id),
            str(event.seq),
            event.at.isoformat(),
            str(event.actor_id or ""),
            event.channel,
            event.action,
            event.from_state,
            event.to_state,
            json.dumps(event.details, ensure_ascii=False, sort_keys=True, default=str),
        ]
    )
    return body.encode()


def _canon(value) -> str | int | None:
    """One spelling per value, whether it was just assigned or read back from either database."""
    if value is None or value == "":
        return None
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        return value
    return str(value)


# Sealed as two-place decimals, whatever the database hands back.
MONEY = tuple(n for n in SEALED if isinstance(Case._meta.get_field(n), DecimalField))


def _money(value) -> str | None:
    """Two places whatever was assigned (0, "12.5", Decimal("12.50")) or read back."""
    return None if value is None or value == "" else f"{Decimal(str(value)):.2f}"


def case_seal(case, sealed: tuple[str, ...] = SEALED) -> str:
    """HMAC-SM3 (chain key) of the row's id, chain head and length and its decisive fields
    (`sealed`: a migration passes the fields as they stood when it was written)."""
    body = ["case", case.pk, case.events_seq, case.last_digest or ""]
    body += [_canon(getattr(case, name)) for name in sealed if name not in MONEY]
    body += [_money(getattr(case, name)) for name in sealed if name in MONEY]
    return crypto.keyed("chain", json.dumps(body, ensure_ascii=False).encode())


def head_line(case_id: int, seq: int, digest: str) -> bytes:
    """One case's entry in a checkpoint's digest over every chain head."""
    return f"{case_id}:{seq}:{digest}\n".encode()


_CASE_FIELDS = ["id", "events_seq", "last_digest", "seal", *SEALED]


def verify(case_ids=None) -> list[Break]:
    """Every break found, each named; empty when every chain, row and checkpoint holds. With
    `case_ids`, only those cases' chains and rows (no checkpoint: it covers all cases)."""
    cases = Case.objects.order_by("id").only(*_CASE_FIELDS)
    events = CaseEvent.objects.order_by("case_id", "seq")
    latest = None
    if case_ids is not None:
        case_ids = list(case_ids)
        cases, events = cases.filter(pk__in=case_ids), events.filter(case_id__in=case_ids)
    else:
        latest = Checkpoint.objects.order_by("-day").first()
    from onewindow.cases import checkpoints  # here: checkpoints imports this module

    cut = checkpoints.cut_of(latest.day) if latest else None
    heads, counted, total = hashlib.new("sm3"), 0, 0
    broken: list[Break] = []
    rows = cases.iterator(chunk_size=2000)
    row = next(rows, None)
    for case_id, chain in itertools.groupby(events.iterator(chunk_size=2000), lambda e: e.case_id):
        while row is not None and row.pk < case_id:
            broken += _check_row(row, 0, GENESIS, set())
            row = next(rows, None)
        last_seq, last_digest, edited, before_cut = _check_chain(case_id, chain, cut, broken)
        if before_cut is not None:
            heads.update(head_line(case_id, *before_cut))
            counted, total = counted + 1, total + before_cut[0]
        if row is not None and row.pk == case_id:
            broken += _check_row(row, last_seq, last_digest, edited)
            row = next(rows, None)
        else:
            detail = f"办件记录已不存在，其{last_seq}条事件尚在"
            broken.append(Break(case_id, None, Kind.CASE_GONE, detail))
    while row is not None:
        broken += _check_row(row, 0, GENESIS, set())
        row = next(rows, None)
    if case_ids is None:
        broken += checkpoints.verify_all(latest, counted, total, heads.hexdigest())
    return broken


def _check_chain(case_id, chain, cut, broken):
    """Walk one case's events: each link's digest and sequence. Returns the last seq and digest
    found, the seqs found edited, and (seq, digest) of the last event before the cut."""
    prev, expected, edited, before_cut = GENESIS, 1, set(), None
    last_seq = 0
    for event in chain:
        if event.seq != expected:
            missing = (
                f"第{expected}条"
                if event.seq == expected + 1
                else f"第{expected}至{event.seq - 1}条"
            )
            broken.append(Break(case_id, event.seq, Kind.GAP, f"{missing}事件缺失"))
        if event_digest(prev, event) != event.digest:
            broken.append(Break(case_id, event.seq, Kind.EDITED, "摘要不符，事件内容被改动"))
            edited.add(event.seq)
        if cut is not None and event.at < cut:
            before_cut = (event.seq, event.digest)
        prev, expected, last_seq = event.digest, event.seq + 1, event.seq
    return last_seq, prev, edited, before_cut


def _check_row(row: Case, last_seq: int, last_digest: str, edited: set[int]) -> list[Break]:
    """The row's chain head against the events found, and its seal against its fields."""
    found = []
    if row.events_seq > last_seq:
        detail = (
            f"办件记录有{row.events_seq}条事件，现仅存至第{last_seq}条"
            if last_seq
            else f"办件记录有{row.events_seq}条事件，现一条不存"
        )
        found.append(Break(row.pk, last_seq + 1, Kind.TAIL, detail))
    elif row.events_seq < last_seq:
        detail = f"办件记录的事件数为{row.events_seq}，事件链却有{last_seq}条（记录被回滚或改写）"
        found.append(Break(row.pk, None, Kind.ROW, detail))
    elif (row.last_digest or GENESIS) != last_digest and last_seq not in edited:
        found.append(Break(row.pk, last_seq, Kind.ROW, "办件记录所存链头与末条事件不符"))
    if case_seal(row) != row.seal:
        detail = "状态、决定、期限、申请人等字段或链头与封记不符"
        found.append(Break(row.pk, None, Kind.ROW, detail))
    return found
