"""The case's events as the national 办件 data-set records (GB/T 39046-2020 section 6, the table
in exchange/datasets/table.py), built when the push sends them: from the outbox row (what the event
knew: the due date then) and the case, its events, checklist and technical reviews as they are
now, so a record refused for bad source data (a unit's credit code) goes right once the source
is fixed. A batch of rows costs a constant number of queries, whatever its size.

Which records each event makes: submit → 办事申请 and one 申请材料 record per checklist row;
accept / deem_accept / refuse → 事项受理; suspend, extend, tech_review_suspend → 特别程序
(resume and tech_report_resume update it); deliver → 事项办结 (confirm_receipt updates it);
withdraw (at the window or online), terminate, rongque_expire, stage_terminate → 事项办结 (撤回 /
终止; a withdrawal before acceptance is a 办理环节); every other move → a 办理环节."""

import datetime
from collections import defaultdict, namedtuple
from typing import Any

from onewindow.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    Channel,
    ProvinceApplication,
    TechReview,
)
from onewindow.cases.workflow import MOVES
from onewindow.catalog.models import SPECIAL_PROCEDURES, Item
from onewindow.exchange import services as exchange
from onewindow.exchange.datasets import date, date_time
from onewindow.exchange.models import Outbox
from onewindow.org.models import Unit, User

Record = exchange.Record
# The columns a batch reads of each event and checklist row.
Event = namedtuple("Event", "pk case_id seq at actor_id action details")
Material = namedtuple("Material", "pk case_id name status received_at")

# Special procedures of the catalogue (and technical review kinds) → A.7 codes.
PROCEDURE_CODES = {
    "hearing": "3",
    "tendering": "4",
    "auction": "5",
    "inspection": "6",
    "testing": "7",
    "quarantine": "8",
    "appraisal": "9",
    "expert_review": "10",
    "expert_panel": "10",
}
PROCEDURE_NAMES = {**SPECIAL_PROCEDURES, **dict(TechReview.Kind.choices)}
CASE_KINDS = {Item.CaseKind.INSTANT: "1", Item.CaseKind.PROMISED: "2"}  # 联办件、上报件: 9
ENDINGS = {
    "withdraw": "3",
    "withdraw_online": "3",  # the applicant's own withdrawal on the portal (issue 21)
    "terminate": "4",
    "rongque_expire": "4",
    "stage_terminate": "4",
}
# 办理动作 (the table's step_action): 一次性告知 and a 不予 decision send the case back (退回 2);
# these moves and a 准予 decision carry it forward (通过 1); the rest (收取材料, 催办, 标记重点项目,
# 技术审查 started within the limit, a withdrawal before acceptance) are 其他 (9).
FORWARD = {
    "transfer",
    "take_over",
    "forward",
    "release",
    "resubmit",
    "correct_online",  # the correction brought on the portal, as resubmit at the window
    "papers_collected",
    "supplement",
    "tech_report",
}
BACK = {"notify_correction"}
# 申报来源 (A.5) that a provincial application may declare; a window application is 1.
DECLARED_SOURCES = {"2", "3", "4"}
MATERIAL_WAYS = {
    CaseMaterial.Status.PAPER: "1",
    CaseMaterial.Status.UPLOADED: "2",
    CaseMaterial.Status.SHARED: "3",
}
# GB 32100: the registering authority and organisation kind (first two characters) → A.4.
SERVICE_OBJECTS = {"11": "6", "12": "3", "91": "2", "92": "5", "93": "9"}


def apply_no(case: Case) -> str:
    """The application's number before it has a case number (and after): stable per case."""
    return f"OW{case.unit.region.code}{case.pk:010d}"


def _service_object(case: Case) -> str:
    if case.applicant_kind == Case.ApplicantKind.PERSON:
        return "1"
    code = case.applicant_id[:2]
    return SERVICE_OBJECTS.get(code, "4" if code[:1] == "5" else "9")


def _name(users: dict[int, User], event: Event) -> str:
    if event.actor_id and event.actor_id in users:
        user = users[event.actor_id]
        return (user.display_name or user.username)[:50]
    system = event.details.get("system")
    return f"系统（{system}）"[:50] if system else "系统"


class _Batch:
    """The source rows of one batch of case events, read in a fixed number of queries."""

    def __init__(self, rows: list[Outbox]):
        self.rows = rows
        self.event_pk = {o.pk: _event_pk(o.event_id) for o in rows}
        case_ids = {o.payload.get("case_id") for o in rows} - {None}
        # Plain tuples, not model instances: a batch reads thousands of these.
        history = [
            Event(*values)
            for values in CaseEvent.objects.filter(case_id__in=case_ids)
            .order_by("case_id", "seq")
            .values_list(*Event._fields)
        ]
        self.events = {e.pk: e for e in history}
        self.history: dict[int, list[Event]] = defaultdict(list)
        for e in history:
            self.history[e.case_id].append(e)
        actions = {self.event_pk[o.pk]: o for o in rows}
        submitted = {
            e.case_id for pk, e in self.events.items() if pk in actions and e.action == "submit"
        }
        # Items and units are few and shared by many cases: read once each, not joined per case.
        cases = Case.objects.defer("delivery_detail", "delivery_wish")
        # The applicant's numbers are decrypted only for the cases whose application is sent.
        self.cases = {c.pk: c for c in cases.filter(pk__in=submitted)}
        rest = case_ids - submitted
        if rest:
            plain = cases.defer("applicant_id", "phone", "agent_id")
            self.cases.update({c.pk: c for c in plain.filter(pk__in=rest)})
        items = Item.objects.in_bulk({c.item_id for c in self.cases.values()})
        units = Unit.objects.select_related("region").in_bulk(
            {c.unit_id for c in self.cases.values()}
        )
        for c in self.cases.values():
            c.item, c.unit = items[c.item_id], units[c.unit_id]
        self.users = {
            u.pk: u
            for u in User.objects.filter(pk__in={e.actor_id for e in history} - {None}).only(
                "id", "username", "display_name"
            )
        }
        self.materials: dict[int, list[Material]] = defaultdict(list)
        if submitted:
            checklist = CaseMaterial.objects.filter(case_id__in=submitted).order_by("case_id", "id")
            for values in checklist.values_list(*Material._fields):
                m = Material(*values)
                self.materials[m.case_id].append(m)
        reviews = {
            e.details.get("review")
            for pk, e in self.events.items()
            if pk in actions and e.action in ("tech_report", "tech_report_resume")
        } - {None}
        self.reviews = (
            {r.pk: r for r in TechReview.objects.filter(pk__in=reviews)} if reviews else {}
        )
        # A provincial application's own 6.2 items (address, 申报来源, application time …) are
        # kept encrypted on its receipt: read for the batch's applications from the province.
        provincial = [
            c.pk for c in self.cases.values() if c.pk in submitted and c.province_application_id
        ]
        self.province: dict[int, dict] = {}
        if provincial:
            receipts = ProvinceApplication.objects.filter(case_id__in=provincial)
            self.province = {p.case_id: p.record or {} for p in receipts.only("case_id", "record")}

    def previous(self, event: Event, actions: tuple[str, ...] = ()) -> Event | None:
        """The case's event before `event` (of one of `actions`, when given)."""
        for e in reversed(self.history[event.case_id]):
            if e.seq < event.seq and (not actions or e.action in actions):
                return e
        return None


def _event_pk(event_id: str) -> int | None:
    tail = event_id.removeprefix("case-event-")
    return int(tail) if tail.isdigit() else None


def build(rows: list[Outbox]) -> dict[int, list[Record] | str]:
    batch = _Batch(rows)
    out: dict[int, list[Record] | str] = {}
    for o in rows:
        event = batch.events.get(batch.event_pk[o.pk])
        case = batch.cases.get(o.payload.get("case_id"))
        if event is None or case is None:
            out[o.pk] = "源数据不存在：办件或办件事件已不在系统中"
            continue
        out[o.pk] = _records(batch, o, case, event)
    return out


def _common(case: Case) -> dict[str, Any]:
    return {"apply_no": apply_no(case), "region_code": case.unit.region.code}


def _item_codes(item: Item) -> dict[str, str]:
    return {
        "item_name": item.name,
        "implementation_code": item.implementation_code,
        "basic_code": item.basic_code,
        "local_implementation_code": item.local_implementation_code,
        "local_basic_code": item.local_basic_code,
        "library_version": item.library_version,
    }


def _unit(prefix: str, case: Case) -> dict[str, str]:
    return {f"{prefix}_name": case.unit.name, f"{prefix}_credit_code": case.unit.credit_code}


def _records(batch: _Batch, row: Outbox, case: Case, event: Event) -> list[Record] | str:
    action, d = event.action, event.details
    who = _name(batch.users, event)
    if action == "submit":
        return _application(batch, case, event)
    if action in ("accept", "deem_accept", "refuse"):
        refused = action == "refuse"
        return [
            Record(
                "acceptance",
                {
                    **_common(case),
                    "case_no": "" if refused else case.number or "",
                    "province_application_id": case.province_application_id,
                    **_item_codes(case.item),
                    "item_type": case.item.item_type,
                    "exercise_level": case.item.level,
                    **_unit("accept_unit", case),
                    "accept_person": who,
                    "accept_time": date_time(event.at),
                    "accept_doc_no": "" if refused else case.number or "",
                    "promised_date": "" if refused else _day(row.payload.get("due_date")),
                    "case_kind": CASE_KINDS.get(case.item.case_kind, "9"),
                    "case_kind_name": case.item.get_case_kind_display(),
                    "accept_result": "2" if refused else "1",
                    "refuse_reason": str(d.get("reason", "")) if refused else "",
                    "deemed": "1" if action == "deem_accept" else "0",
                },
            )
        ]
    if action in ("suspend", "extend", "tech_review_suspend"):
        kind = {"suspend": d.get("procedure"), "tech_review_suspend": d.get("kind")}.get(action)
        extension = action == "extend"
        reason = str(d.get("reason") or d.get("assignee_org") or "")
        return [
            Record(
                "special_procedure",
                {
                    **_procedure(case, event, who),
                    "procedure_kind": "1" if extension else PROCEDURE_CODES.get(kind, "99"),
                    "procedure_name": "延长审批"
                    if extension
                    else PROCEDURE_NAMES.get(kind, str(kind or "其他")),
                    "start_time": date_time(event.at),
                    "reason": reason,
                    "requester": str(d.get("approver", "")),
                    "limit_days": d.get("days") or d.get("expected_days") or d.get("limit_days"),
                    "end_time": date_time(event.at) if extension else "",
                },
            )
        ]
    if action in ("resume", "tech_report_resume"):
        start = batch.previous(event, ("suspend", "tech_review_suspend"))
        if start is None:
            return "源数据不完整：恢复办理之前没有中止（特别程序）事件"
        kind = start.details.get("procedure") or start.details.get("kind")
        review = batch.reviews.get(d.get("review"))
        return [
            Record(
                "special_procedure",
                {
                    **_procedure(case, start, who),
                    "procedure_kind": PROCEDURE_CODES.get(kind, "99"),
                    "procedure_name": PROCEDURE_NAMES.get(kind, str(kind or "其他")),
                    "start_time": date_time(start.at),
                    "reason": str(
                        start.details.get("reason") or start.details.get("assignee_org") or ""
                    ),
                    "limit_days": start.details.get("expected_days")
                    or start.details.get("limit_days"),
                    "end_time": date_time(event.at),
                    "result": review.conclusion if review else "恢复办理",
                },
                "U",
                # The update replaces the record the suspension opened.
                record_id=f"case-event-{start.pk}/special_procedure/1",
            )
        ]
    # An application withdrawn before acceptance never became a 办件 (no case number): its end
    # is a step of the application, not a 办结.
    if action in ("deliver", "confirm_receipt") or (action in ENDINGS and case.number):
        return _completion(batch, case, event, who)
    return [_step(batch, case, event, who)]


def _day(iso: str | None) -> str:
    return iso.replace("-", "") if iso else ""


def _procedure(case: Case, start: Event, who: str) -> dict[str, Any]:
    return {
        **_common(case),
        "case_no": case.number or "",
        "procedure_id": f"{case.pk}-{start.seq}",
        **_unit("unit", case),
        "handler_name": who,
        "opinion": "",
    }


def _applied_at(declared: dict, event: Event) -> str:
    """The platform's application time when it gave one, else the receipt here."""
    try:
        return date_time(datetime.datetime.fromisoformat(declared["applied_at"]))
    except (KeyError, TypeError, ValueError):
        return date_time(event.at)


def _application(batch: _Batch, case: Case, event: Event) -> list[Record]:
    person = case.applicant_kind == Case.ApplicantKind.PERSON
    materials = batch.materials[case.pk]
    declared = batch.province.get(case.pk, {})
    source = str(declared.get("declared_via", ""))
    if source not in DECLARED_SOURCES:
        source = "2" if case.channel == Channel.ONLINE else "1"
    records = [
        Record(
            "application",
            {
                **_common(case),
                "case_no": case.number or "",
                "province_application_id": case.province_application_id,
                **_item_codes(case.item),
                "applicant_name": case.applicant_name,
                "applicant_type": "1" if person else "2",
                "service_object": _service_object(case),
                "applicant_id_type": "111" if person else "001",
                "applicant_id_number": case.applicant_id,
                "contact_name": case.agent_name or case.applicant_name,
                "contact_phone": case.phone,
                "agent_name": case.agent_name,
                "agent_id_type": "111" if case.agent_name else "",
                "agent_id_number": case.agent_id if case.agent_name else "",
                "address": str(declared.get("address", "")),
                "postcode": str(declared.get("postcode", "")),
                "legal_representative": str(declared.get("legal_representative", "")),
                "apply_source": source,
                "apply_time": _applied_at(declared, event) if declared else date_time(event.at),
                "project_code": "",
                "material_count": len(materials),
            },
        )
    ]
    for n, m in enumerate(materials, 1):
        way = MATERIAL_WAYS.get(m.status, "9")
        got = way != "9"
        records.append(
            Record(
                "application_material",
                {
                    "apply_no": apply_no(case),
                    "material_seq": n,
                    "material_name": m.name,
                    "received": "1" if got else "0",
                    "receive_way": way,
                    "copies": 1 if got else 0,
                    "receive_time": date_time(m.received_at or event.at) if got else "",
                },
            )
        )
    return records


def _step(batch: _Batch, case: Case, event: Event, who: str) -> Record:
    d = event.details
    before = batch.previous(event)
    decision = event.action in ("decide", "decide_at_window")
    if event.action == "notify_correction":
        problems = d.get("problems") or {}
        names = {str(m.pk): m.name for m in batch.materials.get(case.pk, [])}
        opinion = "；".join(f"{names.get(k, '材料' + k)}：{v}" for k, v in problems.items())
    else:
        opinion = str(d.get("opinion") or d.get("reason") or "")
        if decision:
            opinion = case.result_text or ("准予" if d.get("result") == "approved" else "不予")
    if event.action in BACK or (decision and d.get("result") != "approved"):
        step_action = "2"
    elif event.action in FORWARD or decision:
        step_action = "1"
    else:
        step_action = "9"
    move = MOVES.get(event.action)
    return Record(
        "handling",
        {
            **_common(case),
            "case_no": case.number or "",
            "step_seq": event.seq,
            "step_name": move.label if move else event.action,
            "step_action": step_action,
            "handler_name": who,
            "opinion": opinion,
            "start_time": date_time(before.at if before else event.at),
            "end_time": date_time(event.at),
            **_unit("unit", case),
            "step_state": "2",
        },
    )


def _completion(batch: _Batch, case: Case, event: Event, who: str) -> list[Record] | str:
    ending = ENDINGS.get(event.action)
    updated = ""
    if event.action == "confirm_receipt":
        delivered = batch.previous(event, ("deliver",))
        if delivered is None:
            return "源数据不完整：确认签收之前没有送达并办结事件"
        updated = f"case-event-{delivered.pk}/completion/1"
    decision = batch.previous(event, ("decide", "decide_at_window"))
    licence = (decision.details.get("licence") or {}) if decision and not ending else {}
    if ending:
        result, text = ending, str(event.details.get("reason", "")) or case.end_reason
    else:
        result, text = ("1" if case.result == Case.Result.APPROVED else "2"), case.result_text
    fee = float(case.fee or 0)
    record = Record(
        "completion",
        {
            **_common(case),
            "case_no": case.number or "",
            "province_application_id": case.province_application_id,
            "handler_name": who,
            "complete_time": date_time(event.at),
            "result_code": result,
            "result_desc": text,
            "licence_name": str(licence.get("name", "")),
            "licence_no": str(licence.get("number", "")),
            "licence_valid_until": _day(licence.get("valid_until")),
            **(_unit("issuing_unit", case) if licence else {}),
            **_unit("unit", case),
            "mailed": "1" if case.delivery_mode == Case.DeliveryMode.MAIL else "0",
            "mail_received_date": date(case.mail_received_on),
            "charged": "1" if fee > 0 else "0",
            "fee": fee if fee > 0 else None,
        },
        "U" if updated else "I",
        # The courier's receipt updates the 办结 record the delivery made.
        record_id=updated,
    )
    return [record]


def build_checkpoints(rows: list[Outbox]) -> dict[int, list[Record] | str]:
    """The daily chain checkpoint (this system's own data set): all in the row."""
    return {
        o.pk: [
            Record(
                "chain_checkpoint",
                {
                    "day": _day(o.payload.get("day")),
                    "cases": o.payload.get("cases"),
                    "events": o.payload.get("events"),
                    "heads_digest": o.payload.get("heads_digest"),
                    "prev": o.payload.get("prev"),
                    "signature": o.payload.get("signature"),
                },
            )
        ]
        for o in rows
    }


exchange.register("case_event", build)
exchange.register("checkpoint", build_checkpoints)
