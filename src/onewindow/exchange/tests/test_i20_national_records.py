"""Issue 20 (parts 1, 2, 5): every case event is pushed as the national 办件 data-set records of
GB/T 39046-2020 that it implies, built at send time from the outbox row and its source rows; a
strict receiver checks every record against the schema generated from the one table
(exchange/datasets/table.py); a record refused for bad source data is marked refused with its
reason, shown on the push page, and after the source is fixed a person resends it: accepted, nothing
twice, the case's later records waiting behind it meanwhile."""

import datetime
import logging
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onewindow import workdays
from onewindow.cases import services
from onewindow.cases.models import Case, CaseEvent, Channel
from onewindow.cases.national import apply_no
from onewindow.cases.tests.conftest import DAY
from onewindow.cases.workflow import State
from onewindow.exchange import datasets
from onewindow.exchange import services as exchange
from onewindow.exchange.models import Outbox
from onewindow.exchange.receiver import Receiver
from onewindow.org.models import Unit
from onewindow.org.roles import RoleCode
from onewindow.supervision import orders, ratings
from onewindow.testing.cases import CaseFactory
from onewindow.testing.factories import UserFactory, applicant

pytestmark = pytest.mark.django_db

DATE_TIME = re.compile(r"^\d{8}T\d{6}$")
REPO = Path(__file__).resolve().parents[4]


def _whole_life(desk) -> Case:
    """A promised case through every kind of move: 容缺 acceptance and its supplement, review,
    a special procedure and its end, an extension, a technical review outside the limit and its
    report, the decision with its result licence, mailed delivery and the courier's receipt,
    a rating, and a supervision order issued, answered and closed."""
    first = desk.item.materials.order_by("id").first()
    case = services.application_submit(
        acting_user=desk.clerk,
        item=desk.item,
        channel=Channel.WINDOW,
        applicant=applicant(77, agent_name="周代理", agent_id=applicant(78)["applicant_id"]),
        materials=[{"material_id": first.pk, "status": "paper"}],
        day=DAY,
    )
    on = {"acting_user": desk.clerk, "day": DAY}
    review = {"acting_user": desk.reviewer, "day": DAY}
    deadline = workdays.add_workdays(DAY, 3)
    case = services.case_accept(
        **on,
        case=case,
        window_post=desk.post,
        rongque={"commitment": "本人承诺按期补齐", "deadline": deadline},
    )
    case = services.case_supplement(**on, case=case)
    case = services.case_transfer(acting_user=desk.teamlead, case=case, opinion="材料齐全", day=DAY)
    case = services.case_suspend(
        **review, case=case, procedure="expert_review", expected_days=5, reason="须专家评审"
    )
    case = services.case_resume(**review, case=case)
    case = services.case_extend(**review, case=case, days=5, approver="王局长", reason="情况复杂")
    case = services.case_tech_review(
        **review,
        case=case,
        kind="expert_panel",
        assignee_org="县专家库",
        assignee_name="李专家",
        limit_days=5,
    )
    case = services.case_tech_report(**review, case=case, conclusion="符合要求")
    case = services.case_decide(
        **review,
        case=case,
        result="approved",
        text="准予许可",
        licence={"name": "测试许可证", "number": "湘测许字2026第001号", "valid_until": DAY},
    )
    case = services.case_deliver(
        **on,
        case=case,
        mode=Case.DeliveryMode.MAIL,
        detail={"address": "测试县测试路1号", "carrier": "EMS", "tracking": "1190000000001"},
    )
    case = services.case_confirm_receipt(**on, case=case, received_on=DAY)
    ratings.rate(case=case, channel="tablet", level=1, today=DAY)
    supervisor = UserFactory(roles=[RoleCode.SUPERVISOR])
    order = orders.order_issue(
        acting_user=supervisor, content="请说明延期原因", response_days=3, case=case, today=DAY
    )
    order = orders.order_respond(acting_user=desk.winsup, order=order, response="已说明", today=DAY)
    orders.order_close(acting_user=supervisor, order=order, result="已整改", today=DAY)
    return Case.objects.get(pk=case.pk)


def _corrected_then_refused(desk) -> Case:
    """一次性告知, the corrections brought, then 不予受理."""
    case = CaseFactory(desk=desk, state=State.CORRECTING, day=DAY)
    missing = {m.pk: "paper" for m in case.materials.filter(status="missing")}
    case = services.case_resubmit(acting_user=desk.clerk, case=case, received=missing, day=DAY)
    return services.case_refuse(
        acting_user=desk.clerk, case=case, reason="不属于本机关职权范围", day=DAY
    )


def _mine(records: list[dict], case: Case) -> list[dict]:
    return [r for r in records if r.get("apply_no") == apply_no(case)]


def test_i20_every_kind_of_event_becomes_records_the_strict_receiver_accepts(receiver, desk):
    whole = _whole_life(desk)
    refused = _corrected_then_refused(desk)
    withdrawn = CaseFactory(desk=desk, state=State.WITHDRAWN, day=DAY)  # before acceptance
    terminated = CaseFactory(desk=desk, state=State.TERMINATED, day=DAY)
    rows = Outbox.objects.count()
    result = exchange.push(batch=7)  # several batches: per-case order across them
    assert [o.refusal for o in Outbox.objects.exclude(refusal="")] == []
    assert (result.sent, result.failed, result.refused) == (rows, 0, 0)
    assert receiver.refused == []  # the strict receiver found nothing to refuse
    got = receiver.store.records()
    assert len(got) == len({r["record_id"] for r in got})
    # Five updates replaced the record they update: two ends of special procedures, the
    # courier's receipt, and the order's answer and close.
    assert result.records == len(got) + 5
    assert {r["data_set"] for r in got} >= {
        "application",
        "application_material",
        "acceptance",
        "handling",
        "special_procedure",
        "completion",
        "rating",
        "supervision_order",
    }
    for r in got:  # the exchange's fields on every record, in the standard's formats
        assert DATE_TIME.match(r["sync_time"]) and r["operation"] in ("I", "U")
        assert r["data_source"] and r["batch_no"]

    # 办事申请: the applicant's numbers as the standard requires them (in full), both code pairs.
    mine = _mine(got, whole)
    application = next(r for r in mine if r["data_set"] == "application")
    assert application["applicant_id_number"] == whole.applicant_id
    assert application["contact_phone"] == whole.phone and application["contact_name"] == "周代理"
    assert application["agent_id_type"] == "111" and len(application["agent_id_number"]) == 18
    assert application["implementation_code"] == whole.item.implementation_code
    assert application["basic_code"] == whole.item.basic_code
    assert application["material_count"] == whole.materials.count()
    assert DATE_TIME.match(application["apply_time"])
    # 事项受理: unit by its credit code, case kind A.6, promised date YYYYMMDD.
    acceptance = next(r for r in mine if r["data_set"] == "acceptance")
    assert acceptance["case_no"] == whole.number and acceptance["accept_result"] == "1"
    assert acceptance["accept_unit_credit_code"] == desk.unit.credit_code
    assert acceptance["case_kind"] == "2" and acceptance["case_kind_name"] == "承诺件"
    assert re.fullmatch(r"\d{8}", acceptance["promised_date"])
    # 特别程序: the suspension opened (I) and closed by an update (U) of the same record; the
    # extension; the technical review outside the limit, updated with its conclusion.
    special = [r for r in mine if r["data_set"] == "special_procedure"]
    assert [(r["procedure_kind"], r["operation"]) for r in special] == [
        ("10", "U"),
        ("1", "I"),
        ("10", "U"),
    ]
    starts = CaseEvent.objects.filter(case=whole, action__in=("suspend", "tech_review_suspend"))
    assert [r["record_id"] for r in (special[0], special[2])] == [
        f"case-event-{e.pk}/special_procedure/1" for e in starts.order_by("seq")
    ]
    assert special[0]["procedure_id"] != special[2]["procedure_id"]
    assert special[0]["end_time"] and special[0]["result"] == "恢复办理"
    assert special[1]["requester"] == "王局长" and special[2]["result"] == "符合要求"
    # 办理环节: supplement, transfer, decision, each with its handler.
    steps = [r["step_name"] for r in mine if r["data_set"] == "handling"]
    assert steps == ["容缺材料已补齐", "组长审核并转部门", "部门作出决定"]
    # 事项办结 with its licence, then updated by the courier's receipt (the same record).
    completion = [r for r in mine if r["data_set"] == "completion"]
    delivered = CaseEvent.objects.get(case=whole, action="deliver")
    assert [(r["operation"], r["record_id"]) for r in completion] == [
        ("U", f"case-event-{delivered.pk}/completion/1")
    ]
    assert completion[0]["licence_no"] == "湘测许字2026第001号"
    assert completion[0]["licence_valid_until"] == DAY.strftime("%Y%m%d")
    assert completion[0]["mailed"] == "1" and completion[0]["mail_received_date"] == "20261201"
    # The case's records arrived in the order of its events (refusals would hold later ones).
    order_of_sets = [r["data_set"] for r in mine]
    assert order_of_sets.index("acceptance") < order_of_sets.index("special_procedure")
    assert order_of_sets.index("special_procedure") < order_of_sets.index("completion")
    # 评价 and 督办 (6.6, 6.8), after the case's own records.
    rating = next(r for r in got if r["data_set"] == "rating")
    assert rating["case_no"] == whole.number and rating["satisfaction"] == "1"
    assert rating["channel"] == "4" and rating["unit_credit_code"] == desk.unit.credit_code
    # The order issued (I), answered and closed: each stage updates the issue's record.
    stages = [r for r in got if r["data_set"] == "supervision_order"]
    assert [(r["state"], r["operation"], r["response"]) for r in stages] == [("4", "U", "已说明")]
    assert stages[0]["record_id"].endswith("-issued/supervision_order/1")
    # 一次性告知 (退回), the corrections (通过), then 不予受理 with its reason.
    other = _mine(got, refused)
    assert [r["step_action"] for r in other if r["data_set"] == "handling"] == ["2", "1"]
    no = next(r for r in other if r["data_set"] == "acceptance")
    assert no["accept_result"] == "2" and no["refuse_reason"] == "不属于本机关职权范围"
    ended = next(r for r in _mine(got, terminated) if r["data_set"] == "completion")
    assert ended["result_code"] == "4" and ended["result_desc"] == "申请人已注销"
    # Withdrawn before acceptance: never a 办件, so its end is a step of the application.
    gone = [r for r in _mine(got, withdrawn) if r["data_set"] not in ("application_material",)]
    assert [r["data_set"] for r in gone] == ["application", "handling"]
    assert gone[-1]["step_name"] == "申请人撤回" and gone[-1]["opinion"] == "申请人申请撤回"

    # Nothing twice: a resend of everything (a lost reply) is counted once by record id.
    assert exchange.push().sent == 0
    Outbox.objects.update(sent_at=None)
    assert exchange.push().sent == rows and receiver.store.count() == len(got)


def test_i20_building_costs_the_same_queries_for_one_case_or_many(desk):
    first = CaseFactory(desk=desk, state=State.CLOSED, day=DAY)
    for _ in range(4):
        CaseFactory(desk=desk, state=State.CLOSED, day=DAY)
    now = timezone.now()
    one = list(Outbox.objects.filter(key=f"case-{first.pk}").order_by("id"))
    every = list(Outbox.objects.order_by("id"))
    with CaptureQueriesContext(connection) as few:
        exchange.build(one, "b1", now)
    with CaptureQueriesContext(connection) as many:
        built = exchange.build(every, "b1", now)
    assert len(many) == len(few) and len(every) == 5 * len(one)
    assert all(isinstance(v, list) for v in built.values())


def test_i20_the_provincial_application_number_is_carried(receiver, desk):
    case = CaseFactory(desk=desk, state=State.ACCEPTED, channel=Channel.ONLINE, day=DAY)
    Case.objects.filter(pk=case.pk).update(province_application_id="HN20261201000123")
    exchange.push()
    mine = _mine(receiver.store.records(), case)
    assert [r["province_application_id"] for r in mine if r["data_set"] != "application_material"]
    assert {
        r["province_application_id"] for r in mine if r["data_set"] in ("application", "acceptance")
    } == {"HN20261201000123"}
    assert next(r for r in mine if r["data_set"] == "application")["apply_source"] == "2"


def _broken(code: str) -> str:
    """The same credit code with a wrong check character."""
    return code[:17] + ("0" if code[17] != "0" else "1")


def test_i20_a_record_refused_for_bad_source_data_is_shown_fixed_resent_and_accepted(
    client, receiver, desk
):
    case = CaseFactory(desk=desk, state=State.DECIDED, day=DAY)
    good = desk.unit.credit_code
    Unit.objects.filter(pk=desk.unit.pk).update(credit_code=_broken(good))  # wrong at source
    rows = list(Outbox.objects.filter(key=f"case-{case.pk}").order_by("id"))
    result = exchange.push()
    # The application went; the acceptance (the unit's credit code) is refused before sending;
    # the case's later events wait behind it, neither sent nor counted as failures.
    assert result.sent == 1 and result.refused == 1 and result.failed == 0
    accept = Outbox.objects.get(pk=rows[1].pk)
    assert accept.refused_at is not None and accept.sent_at is None and accept.attempts == 0
    assert "受理单位统一社会信用代码" in accept.refusal and "校验位不正确" in accept.refusal
    waiting = Outbox.objects.filter(pk__in=[o.pk for o in rows[2:]])
    assert not waiting.filter(sent_at__isnull=False).exists()
    assert not waiting.filter(refused_at__isnull=False).exists()
    assert {r["data_set"] for r in receiver.store.records()} == {
        "application",
        "application_material",
    }
    assert exchange.push().sent == 0  # not retried blindly; the rest still wait

    # The push page shows it with its reason; the hall manager may resend, a clerk not even see.
    client.force_login(UserFactory(roles=[RoleCode.REFORM_OFFICE]))
    body = client.get("/exchange/outbox/").content.decode()
    assert "被拒收的记录" in body and "校验位不正确" in body and accept.event_id in body
    assert "重新推送</button>" not in body
    assert client.post("/exchange/outbox/resend/", {"id": accept.pk}).status_code == 403
    client.force_login(desk.clerk)
    assert client.get("/exchange/outbox/").status_code == 403
    manager = UserFactory(roles=[RoleCode.HALL_MANAGER])
    client.force_login(manager)
    assert "重新推送</button>" in client.get("/exchange/outbox/").content.decode()

    # Pressed before the source is fixed: checked at once, still refused, said so.
    early = client.post("/exchange/outbox/resend/", {"id": accept.pk}, follow=True)
    assert "1条记录按当前数据仍不符合要求，未重新排队" in early.content.decode()
    accept.refresh_from_db()
    assert accept.refused_at is not None and "校验位不正确" in accept.refusal
    assert exchange.push().sent == 0

    # Fixed at its source, resent by a person: built anew, accepted, and the rest follow.
    Unit.objects.filter(pk=desk.unit.pk).update(credit_code=good)
    reply = client.post("/exchange/outbox/resend/", {"id": accept.pk}, follow=True)
    assert "已将1条被拒收的记录重新排队" in reply.content.decode()
    result = exchange.push()
    assert result.sent == len(rows) - 1 and result.refused == 0
    assert exchange.backlog() | {"oldest": None} == {
        "unsent": 0,
        "failing": 0,
        "refused": 0,
        "oldest": None,
        "last_sent": Outbox.objects.order_by("-id").first().sent_at,
    }
    got = receiver.store.records()
    assert len(got) == len({r["record_id"] for r in got})  # nothing twice
    acceptance = next(r for r in _mine(got, case) if r["data_set"] == "acceptance")
    assert acceptance["accept_unit_credit_code"] == good
    assert acceptance["record_id"] == f"{accept.event_id}/acceptance/1"  # same id as refused
    again = client.post("/exchange/outbox/resend/", {"id": accept.pk}, follow=True)
    assert "没有可重新推送的记录" in again.content.decode()


def test_i20_a_refusal_by_the_platform_and_an_outage(receiver, desk):
    case = CaseFactory(desk=desk, state=State.ACCEPTED, day=DAY)
    accept = CaseEvent.objects.get(case=case, action="accept")
    record_id = f"case-event-{accept.pk}/acceptance/1"
    receiver.refuse[record_id] = "事项实施编码在省级事项库中不存在"  # beyond the schema
    result = exchange.push()
    assert result.refused == 1 and result.sent == 1
    row = Outbox.objects.get(event_id=f"case-event-{accept.pk}")
    assert row.refusal == "省平台拒收：事项实施编码在省级事项库中不存在"
    assert exchange.push().sent == 0
    # The platform fixed its library; it is down when the row is resent, then back.
    receiver.refuse.clear()
    receiver.down = True
    assert exchange.resend().queued == 1  # it meets the schema: the platform's rule was its own
    failed = exchange.push()
    assert failed.failed == 1 and failed.sent == 0
    row.refresh_from_db()
    assert row.refused_at is None and row.attempts == 1 and "503" in row.last_error
    receiver.down = False
    Outbox.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    assert exchange.push().sent == 1
    got = receiver.store.records()
    assert [r["record_id"] for r in got].count(record_id) == 1
    assert exchange.backlog()["unsent"] == 0


def test_i20_personal_numbers_are_never_in_a_refusal_or_a_log(receiver, desk, caplog):
    case = CaseFactory(desk=desk, state=State.RECEIVED, day=DAY)
    bad = case.applicant_id[:17] + ("0" if case.applicant_id[17] != "0" else "1")
    Case.objects.filter(pk=case.pk).update(applicant_id=bad)  # a wrong check digit at source
    with caplog.at_level(logging.DEBUG):
        assert exchange.push().refused == 1
    row = Outbox.objects.get(key=f"case-{case.pk}")
    assert "居民身份证号码的校验位不正确" in row.refusal
    for text in (row.refusal, caplog.text):
        assert bad not in text and bad[6:14] not in text and bad[:6] not in text


def test_i20_the_receiver_refuses_each_bad_record_with_its_reason():
    app = Receiver()
    rating = {
        "data_set": "rating",
        "record_id": "rating-1/rating/1",
        "batch_no": "20261201T100000-abc",
        "operation": "I",
        "sync_time": "20261201T100000",
        "data_source": "ONEWINDOW",
        "rating_id": "1",
        "case_no": "430922202612010001",
        "channel": "4",
        "rate_time": "20261201T095959",
        "rate_count": 1,
        "satisfaction": "1",
        "satisfaction_name": "非常满意",
        "unit_name": "测试局",
        "unit_credit_code": "11430922MB1234567X",
        "region_code": "430922000000",
    }
    from stdnum.cn import uscc

    rating["unit_credit_code"] = "11430922MB123456" + "7"
    rating["unit_credit_code"] += uscc.calc_check_digit(rating["unit_credit_code"])
    cases = {
        "rating-2": ({"rate_time": "2026-12-01 09:59"}, "YYYYMMDDThhmmss"),
        "rating-3": ({"satisfaction": "6"}, "不在代码集中"),
        "rating-4": ({"unit_credit_code": _broken(rating["unit_credit_code"])}, "校验位"),
        "rating-5": ({"case_no": ""}, "缺少必填数据项办件编号"),
        "rating-6": ({"stars": 5}, "没有数据项“stars”"),
        "rating-7": ({"rating_id": "9" * 41}, "长度41超过40"),
        "rating-8": ({"rate_count": "1"}, "应为数值"),
        "rating-9": ({"data_set": "ratings"}, "未知的数据集"),
        "rating-10": ({"sync_time": "20261301T100000"}, "不是有效的日期时间"),
    }
    # Each of another case: a case's later records after a refused one are refused as such.
    batch = [rating] + [
        {**rating, "record_id": f"{rid}/rating/1", "case_no": f"43092220261201{n:04d}", **change}
        for n, (rid, (change, _)) in enumerate(cases.items(), 2)
    ]
    valid, refused = app.check(batch)
    assert [r["record_id"] for r in valid] == ["rating-1/rating/1"]
    reasons = {r["record_id"].split("/")[0]: r["reason"] for r in refused}
    for rid, (_, expected) in cases.items():
        assert expected in reasons[rid], (rid, reasons[rid])
    assert app.store.add(valid) == (["rating-1/rating/1"], [])
    assert app.store.add(valid) == ([], ["rating-1/rating/1"])  # once by record id
    # The item codes: at least one of the national and local implementation codes.
    accept = {k: "" for k in (i["key"] for i in app.schema["acceptance"]["items"])}
    problem = datasets.problems({**accept, "data_set": "acceptance"}, app.schema)
    assert problem.startswith("事项受理（6.3）缺少必填数据项")


def test_i20_the_documentation_is_the_table():
    committed = (REPO / "docs" / "datasets.md").read_text(encoding="utf-8")
    assert committed == datasets.markdown(), (
        "run: onewindow exchange_datasets --write docs/datasets.md"
    )
    # Every data set and every item of the table is in it, and the code sets with their codes.
    for d in datasets.DATASETS.values():
        assert f"键 `{d.key}`" in committed
        for item in d.items:
            assert f"`{item.key}`" in committed
    assert "即办件" in committed and "YYYYMMDDThhmmss" in committed


def test_i20_the_decision_form_takes_the_result_licence(client, receiver, desk):
    case = CaseFactory(desk=desk, state=State.TRANSFERRED, day=DAY)
    client.force_login(desk.reviewer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "结果证照" in page and 'name="licence_number"' in page
    # A licence on a refusal is refused, with the reason beside the fields; nothing is decided.
    reply = client.post(
        f"/cases/{case.pk}/act/decide/",
        {
            "result": "denied",
            "text": "不符合条件",
            "licence_name": "测试许可证",
            "licence_number": "X1",
            "version": case.version,
        },
        follow=True,
    )
    assert "不予许可不发结果证照。" in reply.content.decode()
    case.refresh_from_db()
    assert case.state == State.TRANSFERRED
    client.post(
        f"/cases/{case.pk}/act/decide/",
        {
            "result": "approved",
            "text": "准予许可",
            "licence_name": "测试许可证",
            "licence_number": "湘测许字2026第002号",
            "licence_valid_until": "2031-11-30",
            "version": case.version,
        },
    )
    case.refresh_from_db()
    assert case.state == State.DECIDED
    decided = CaseEvent.objects.get(case=case, action="decide")
    assert decided.details["licence"] == {
        "name": "测试许可证",
        "number": "湘测许字2026第002号",
        "valid_until": "2031-11-30",
    }
    services.case_deliver(
        acting_user=desk.clerk,
        case=case,
        mode=Case.DeliveryMode.MAIL,
        detail={"address": "测试县测试路1号", "carrier": "EMS", "tracking": "1190000000002"},
        day=DAY,
    )
    exchange.push()
    done = next(r for r in _mine(receiver.store.records(), case) if r["data_set"] == "completion")
    assert done["licence_no"] == "湘测许字2026第002号" and done["licence_valid_until"] == "20311130"
    assert done["issuing_unit_credit_code"] == desk.unit.credit_code


def test_i20_a_builder_defect_never_loses_a_row(receiver, desk, monkeypatch):
    case = CaseFactory(desk=desk, state=State.RECEIVED, day=DAY)
    row = Outbox.objects.get(key=f"case-{case.pk}")

    def broken(rows):
        raise RuntimeError("defect")

    monkeypatch.setitem(exchange.BUILDERS, "case_event", broken)
    failed = exchange.push()  # the batch backs off as a failure, not a refusal
    assert (failed.sent, failed.failed, failed.refused) == (0, 1, 0)
    row.refresh_from_db()
    assert row.attempts == 1 and row.refused_at is None and "组装记录出错" in row.last_error
    # A refused row rechecked by 重新推送 while the builder is broken is queued, not lost.
    Outbox.objects.filter(pk=row.pk).update(refused_at=timezone.now(), refusal="测试")
    assert exchange.resend(ids=[row.pk]).queued == 1
    monkeypatch.undo()
    Outbox.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    assert exchange.push().sent == 1 and receiver.store.count() > 1
