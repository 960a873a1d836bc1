"""A realistic county data set of N cases, fast, by bulk inserts that keep what the services keep.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/onewindow_bench \\
        .venv/bin/python bench/dataset.py 1000000

Each case is one the workflow could have made: a published hall item of a unit with a filed
letter; an applicant with a valid ID number (encrypted, with its digest); a number from the unit's
counter for its acceptance day (counters left at the last number issued); due and yellow dates
from the working-day calendar and the promised limit; its checklist (a row per catalogue
material); its events from submission to its state, chained with HMAC-SM3 and the chain's head on
the row; the version raised once per move; an outbox row per event (already pushed). Cases of the
last 30 working days: about 75% closed, 12% under department review, 5% suspended, 5% accepted,
3% received online; older ones closed. Then the supervision jobs over it: the first sweep lights
every open case (as on an upgraded database), the rollup counts the event log, and the minute's
scan runs on the next two working days.

Accepted over the working days of the year before 2026-12-01. `verify(sample)` re-checks chains.
"""

import datetime
import functools
import json
import os
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
os.environ.setdefault("ONEWINDOW_SMS_SENDER", "onewindow.supervision.sms.NullSender")
os.environ.setdefault("ONEWINDOW_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var"))
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{os.environ['ONEWINDOW_VAR_DIR']}/bench-cases.sqlite3"
)

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from onewindow import workdays  # noqa: E402
from onewindow.cases import events  # noqa: E402
from onewindow.cases.models import Case, CaseCounter, CaseEvent, CaseMaterial  # noqa: E402
from onewindow.cases.services import yellow_rule  # noqa: E402
from onewindow.cases.workflow import State  # noqa: E402
from onewindow.catalog.models import Item  # noqa: E402
from onewindow.common import crypto  # noqa: E402
from onewindow.common.fields import EncryptedJSONField  # noqa: E402
from onewindow.demo import catalogue as catalog_demo  # noqa: E402
from onewindow.demo import county as org_demo  # noqa: E402
from onewindow.demo import letters as mandates_demo  # noqa: E402
from onewindow.exchange.models import Outbox  # noqa: E402
from onewindow.mandates.models import Letter  # noqa: E402
from onewindow.org.models import User, WindowPost  # noqa: E402
from onewindow.workdays.deadlines import due_date, yellow_from  # noqa: E402

END = datetime.date(2026, 12, 1)
RECENT = 30  # working days in which cases may still be open
BATCH = 5000
# (state, the moves after submission that lead there, share)
PATHS = [
    (State.CLOSED, ["accept", "transfer", "decide", "deliver"], 75),
    (State.TRANSFERRED, ["accept", "transfer"], 12),
    (State.SUSPENDED, ["accept", "transfer", "suspend"], 5),
    (State.ACCEPTED, ["accept"], 5),
    (State.RECEIVED, [], 3),
]
TARGET = {
    "accept": State.ACCEPTED,
    "transfer": State.TRANSFERRED,
    "suspend": State.SUSPENDED,
    "decide": State.DECIDED,
    "deliver": State.CLOSED,
    "confirm_receipt": State.CLOSED,
}


def _people(rng: random.Random, n: int) -> list[tuple[str, str, str, str]]:
    """(name, ciphertext of the ID, its digest, ciphertext of the phone) for n applicants; the
    first is the demo applicant 张三 (his verified ID), whose 我的办事 then lists his cases."""
    people = []
    for i in range(n):
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(50 * 365))
        body = f"430922{born:%Y%m%d}{rng.randrange(1000):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if i == 0:
            number = org_demo.DEMO_APPLICANT_ID
        phone = org_demo.mobile_number(10_000 + i)
        people.append(
            (
                "张三" if i == 0 else org_demo.person_name(i),
                crypto.encrypt(number),
                crypto.digest(number),
                crypto.encrypt(phone),
            )
        )
    return people


def _desks(day: datetime.date):
    """Per unit with a filed letter: its window post, clerk, team leader, reviewer and items."""
    desks = []
    for letter in Letter.objects.filter(status=Letter.Status.FILED).select_related("unit__region"):
        post = WindowPost.objects.filter(units=letter.unit, kind="department").first()
        items = list(
            Item.objects.filter(
                unit=letter.unit, status="published", case_kind="promised"
            ).prefetch_related("materials")
        )
        if post is None or not items:
            continue
        clerk = User.objects.filter(staff=post.staff_a).first()
        leader = User.objects.filter(staff=letter.team_leader).first()
        desks.append((letter.unit, post, clerk, leader, items))
    return desks


def generate(n: int, seed: int = 9) -> float:
    """Insert n cases with everything they carry; seconds taken."""
    rng = random.Random(seed)
    started = time.perf_counter()
    days = _days_back(END, 250)
    desks = _desks(END)
    people = _people(rng, 2000)
    rule = yellow_rule()
    due_cache: dict[tuple, tuple] = {}
    counters: dict[tuple[int, datetime.date], int] = {
        (c.unit_id, c.day): c.last for c in CaseCounter.objects.all()
    }
    materials = {
        item.pk: [(m.pk, m.name) for m in item.materials.all()]
        for desk in desks
        for item in desk[4]
    }
    weights = [p[2] for p in PATHS]
    # One writer: ids are handed out here, so the chains can be computed before the insert.
    next_case = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    next_event = (CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = timezone.now()
    made = 0
    while made < n:
        size = min(BATCH, n - made)
        cases, evs, mats, outbox = [], [], [], []
        for _ in range(size):
            unit, post, clerk, leader, items = desks[rng.randrange(len(desks))]
            item = items[rng.randrange(len(items))]
            age = rng.randrange(len(days))  # working days back
            day = days[age]
            # Older cases have ended; the open ones are the last weeks' (as in a real hall).
            state, moves, _ = rng.choices(PATHS, weights)[0] if age < RECENT else PATHS[0]
            name, enc_id, digest, enc_phone = people[rng.randrange(len(people))]
            case = {
                "id": next_case,
                "item_id": item.pk,
                "unit_id": unit.pk,
                "state": state,
                "version": len(moves),
                "channel": "window" if moves else "online",
                "applicant_kind": "person",
                "applicant_name": name,
                "applicant_id": enc_id,
                "applicant_id_digest": digest,
                "phone": enc_phone,
                "received_on": day,
                "created_at": now,
                "updated_at": now,
            }
            next_case += 1
            if moves:
                key = (unit.pk, day)
                counters[key] = counters.get(key, 0) + 1
                limit = item.promised_limit
                if (day, limit) not in due_cache:
                    deadline = due_date(day, limit)
                    due_cache[(day, limit)] = (
                        deadline.due,
                        deadline.provisional,
                        yellow_from(day, deadline.due, rule),
                    )
                due, provisional, yellow = due_cache[(day, limit)]
                case.update(
                    number=f"{unit.region.code[:6]}{day:%Y%m%d}{unit.pk:04d}{counters[key]:05d}",
                    window_post_id=post.pk,
                    accepted_by_id=post.staff_a_id,
                    accepted_on=day,
                    due_date=due,
                    due_provisional=provisional,
                    yellow_from=yellow,
                )
            if state == State.SUSPENDED:
                case["suspended_on"] = workdays.add_workdays(day, 1)
            if "decide" in moves:
                case["decided_on"] = workdays.add_workdays(day, rng.randint(1, max(1, limit)))
                case["result"] = Case.Result.APPROVED
            if "deliver" in moves:
                case["closed_on"] = case["decided_on"]
                case["delivery_mode"] = Case.DeliveryMode.MAIL
                # The courier's receipt, recorded (确认签收) 1-3 working days after mailing; the
                # last days' mail still waits for it, as in a real hall's 邮寄待签收 queue.
                signed = workdays.add_workdays(case["closed_on"], rng.randint(1, 3))
                if signed <= END:
                    case["mail_received_on"] = signed
                    moves = [*moves, "confirm_receipt"]
                    case["version"] = len(moves)
            mats.extend(
                {"case_id": case["id"], "material_id": pk, "name": mname, "status": "paper"}
                for pk, mname in materials[item.pk]
            )
            prev, before = events.GENESIS, ""
            steps = [("submit", None, case["channel"])] + [
                (m, leader if m == "transfer" else clerk, "window") for m in moves
            ]
            for seq, (action, actor, channel) in enumerate(steps, start=1):
                after = TARGET.get(action, State.RECEIVED)
                column = WHEN.get(action, "received_on")
                at = _at(case.get(column), seq)
                event = SimpleNamespace(  # what event_digest reads, without a model instance
                    id=next_event,
                    case_id=case["id"],
                    seq=seq,
                    at=at,
                    actor_id=actor.pk if actor else None,
                    channel=channel,
                    action=action,
                    from_state=before,
                    to_state=after,
                    details=(
                        {"received_on": case["mail_received_on"].isoformat()}
                        if action == "confirm_receipt"
                        else DETAILS.get(action, {})
                    ),
                )
                event.digest = prev = events.event_digest(prev, event)
                evs.append({f.column: getattr(event, f.attname) for f in EVENT_FIELDS})
                outbox.append(
                    {
                        "topic": "case_event",
                        "key": f"case-{case['id']}",
                        "event_id": f"case-event-{next_event}",
                        "payload": {"case_id": case["id"], "seq": seq, "action": action},
                        "created_at": at,
                        "sent_at": at,
                    }
                )
                next_event += 1
                before = after
            case["events_seq"], case["last_digest"] = len(steps), prev
            case["seal"] = events.case_seal(
                SimpleNamespace(pk=case["id"], **{**SEAL_DEFAULTS, **case})
            )
            cases.append(case)
        with transaction.atomic():
            _write(Case, cases)
            _write(CaseMaterial, mats)
            _write(CaseEvent, evs)
            _write(Outbox, outbox)
        made += size
        print(f"\r{made:,} cases", end="", file=sys.stderr)
    CaseCounter.objects.bulk_create(
        [CaseCounter(unit_id=u, day=d, last=last) for (u, d), last in counters.items()],
        update_conflicts=True,
        unique_fields=["unit", "day"],
        update_fields=["last"],
        batch_size=BATCH,
    )
    _reset_sequences()
    print(file=sys.stderr)
    return time.perf_counter() - started


EVENT_FIELDS = [f for f in CaseEvent._meta.concrete_fields]
# What the seal reads of a case the dict leaves to the column defaults.
SEAL_DEFAULTS = {name: Case._meta.get_field(name).get_default() for name in events.SEALED}
WHEN = {
    "suspend": "suspended_on",
    "decide": "decided_on",
    "deliver": "closed_on",
    "confirm_receipt": "mail_received_on",
}
# What the services write into each move's event (the provincial push reads them).
DETAILS = {
    "submit": {},
    "transfer": {"opinion": "材料齐全，同意转部门审查"},
    "suspend": {"procedure": "site_inspection", "expected_days": 3, "reason": "现场核查"},
    "decide": {"result": "approved"},
    "deliver": {"mode": "mail"},
}


@functools.cache
def _at(day: datetime.date, seq: int) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(9 + seq // 6, 10 * seq % 60))
    return timezone.make_aware(moment).astimezone(datetime.UTC)  # as the database hands it back


def _utc_text(value):
    return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ") if value else value


def _converter(field, sqlite: bool):
    """How one column's Python value is written (None: as it is)."""
    if isinstance(field, models.JSONField):
        return lambda v: json.dumps(v, ensure_ascii=False)
    if isinstance(field, EncryptedJSONField):  # stored as ciphertext, as the model writes it
        return field.get_prep_value
    if not sqlite:
        return None
    if isinstance(field, models.DateTimeField):
        return _utc_text
    if isinstance(field, models.DateField):
        return lambda v: v.isoformat() if v else v
    if isinstance(field, models.BooleanField):
        return lambda v: int(v) if v is not None else v
    return None


def _write(model, rows: list[dict]) -> None:
    """Rows as dicts of columns (the rest take their defaults): COPY on PostgreSQL, one
    executemany on SQLite; no model instances, no per-field preparation."""
    if not rows:
        return
    sqlite = connection.vendor == "sqlite"
    fields = [f for f in model._meta.concrete_fields if f.column in rows[0] or not f.primary_key]
    names = [f.column for f in fields]
    defaults = [None if f.primary_key else f.get_default() for f in fields]
    plan = list(zip(names, defaults, [_converter(f, sqlite) for f in fields], strict=True))
    data = [[conv(r.get(c, d)) if conv else r.get(c, d) for c, d, conv in plan] for r in rows]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if sqlite:
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", data)
        else:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)


def _reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT follows the largest id by itself
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Case, CaseEvent, CaseMaterial, Outbox]
        ):
            cursor.execute(sql)


def _days_back(end: datetime.date, count: int) -> list[datetime.date]:
    found, day = [], end
    while len(found) < count:
        day -= datetime.timedelta(days=1)
        if workdays.is_workday(day):
            found.append(day)
    return found


def prepare() -> None:
    call_command("migrate", verbosity=0)
    org_demo.load()
    catalog_demo.load()
    mandates_demo.load()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    prepare()
    have = Case.objects.count()
    seconds = generate(n)
    sample = list(Case.objects.order_by("?").values_list("pk", flat=True)[:2000])
    broken = events.verify(sample)
    print(f"database: {connection.vendor}; cases before: {have:,}; added {n:,} in {seconds:.0f} s")
    print(
        f"({n / seconds:,.0f} cases/s); chains checked on {len(sample)} cases: {len(broken)} broken"
    )
    scan_figures()


def scan_figures() -> None:
    """The supervision jobs over this county as it stands: the first sweep lights every open
    case (once, as after an upgrade), the rollup counts the whole event log, then the minute's
    scan on the next two working days."""
    from onewindow.supervision import services
    from onewindow.supervision.dashboard import SETTLE, rollup

    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE cases_case")
    ended = ["closed", "refused", "withdrawn", "terminated"]
    print(f"open cases: {Case.objects.exclude(state__in=ended).count():,}")
    t = time.perf_counter()
    services.sweep(END)
    print(f"first sweep (every open case lit): {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    # The whole log, into DayStat and DecisionStat (appraisal and the reform scorecard read
    # them): the county's decisions run past the day it is built, and the rollup passes over
    # events not yet a minute old, so its clock is put after the last one.
    last = CaseEvent.objects.order_by("-at").values_list("at", flat=True).first()
    read = rollup(max(timezone.now(), last + SETTLE + datetime.timedelta(seconds=1)))
    print(f"rollup of the whole event log ({read:,} events): {time.perf_counter() - t:.1f} s")
    day = END
    for _ in range(2):
        day = workdays.add_workdays(day, 1)
        t = time.perf_counter()
        result = services.scan(day)
        print(f"scan on {day}: {time.perf_counter() - t:.2f} s ({result})")


if __name__ == "__main__":
    main()
