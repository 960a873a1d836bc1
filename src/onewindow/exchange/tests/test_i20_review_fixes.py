"""Issue 20, review findings: free text from immutable events cut to its item (never refused for
ever), per-case order kept on a platform refusal or an unconfirmed record, updates that replace
the record they update, a provincial application's own 6.2 items sent back, the table's 受理文书编号
and 办理动作 as documented, the push page in Chinese, and the result licence's validity date
checked."""

import datetime
import logging

import httpx
import pytest
from django.utils import timezone

from onewindow.cases import services
from onewindow.cases.models import Case, CaseEvent, Channel, ProvinceApplication
from onewindow.cases.national import apply_no
from onewindow.cases.tests.conftest import APPLICANT, DAY
from onewindow.cases.workflow import State
from onewindow.common import limits
from onewindow.exchange import datasets
from onewindow.exchange import services as exchange
from onewindow.exchange.models import Outbox
from onewindow.exchange.receiver import Receiver
from onewindow.org.roles import RoleCode
from onewindow.supervision import orders, ratings
from onewindow.testing.cases import CaseFactory
from onewindow.testing.factories import DeskFactory, UserFactory

pytestmark = pytest.mark.django_db


def _mine(receiver: Receiver, case: Case) -> list[dict]:
    return [r for r in receiver.store.records() if r.get("apply_no") == apply_no(case)]


# --- 2. free text from events is cut to its item, never refused ------------------------------


def test_i20_a_long_one_time_notice_does_not_block_the_case_forever(receiver):
    """Twelve materials' problems, each within its own limit, join to more than 2,000."""
    materials = tuple({"name": f"材料{n:02d}", "originals": 1, "copies": 0} for n in range(12))
    desk = DeskFactory(item__materials=materials)
    case = services.application_submit(
        acting_user=desk.clerk,
        item=desk.item,
        channel=Channel.WINDOW,
        applicant=APPLICANT,
        materials=[{"material_id": m.pk, "status": "paper"} for m in desk.item.materials.all()],
        day=DAY,
    )
    problems = {m.pk: "缺" * limits.NOTE for m in case.materials.all()}
    services.case_notify_correction(acting_user=desk.clerk, case=case, problems=problems, day=DAY)
    exchange.push()
    row = Outbox.objects.filter(key=f"case-{case.pk}").order_by("id").last()
    assert row.refused_at is None and row.sent_at is not None, row.refusal
    notice = next(r for r in _mine(receiver, case) if r["data_set"] == "handling")
    assert len(notice["opinion"]) == 2000 and notice["opinion"].endswith("…")
    assert notice["step_action"] == "2"  # 一次性告知: 退回


def test_i20_every_free_text_at_its_service_limit_goes_through_the_builders(receiver):
    """Each opinion, reason, decision, rating and order text at the longest its service takes
    (orders take any length) is sent, cut to its item where longer, and the case's rows all go."""
    desk = DeskFactory()
    review = {"acting_user": desk.reviewer, "day": DAY}
    long, name = "理" * limits.REASON, "名" * limits.NAME
    case = CaseFactory(desk=desk, state=State.ACCEPTED, day=DAY)
    case = services.case_transfer(acting_user=desk.teamlead, case=case, opinion=long, day=DAY)
    case = services.case_suspend(
        **review, case=case, procedure="hearing", expected_days=5, reason=long
    )
    case = services.case_resume(**review, case=case)
    case = services.case_extend(**review, case=case, days=5, approver=name, reason=long)
    case = services.case_decide(**review, case=case, result="denied", text=long)
    case = services.case_deliver(
        acting_user=desk.clerk,
        case=case,
        mode=Case.DeliveryMode.MAIL,
        detail={"address": "测试县测试路1号", "carrier": "EMS", "tracking": "1190000000003"},
        day=DAY,
    )
    ratings.rate(case=case, channel="tablet", level=5, text=long, today=DAY)
    supervisor = UserFactory(roles=[RoleCode.SUPERVISOR])
    order = orders.order_issue(
        acting_user=supervisor, content="督" * 2500, response_days=3, case=case, today=DAY
    )
    order = orders.order_respond(
        acting_user=desk.winsup, order=order, response="复" * 2500, today=DAY
    )
    orders.order_close(acting_user=supervisor, order=order, result="结" * 2500, today=DAY)
    refused = CaseFactory(desk=desk, state=State.RECEIVED, day=DAY)
    services.case_refuse(acting_user=desk.clerk, case=refused, reason=long, day=DAY)

    result = exchange.push()
    assert [o.refusal for o in Outbox.objects.exclude(refusal="")] == []
    assert result.refused == 0 and exchange.backlog()["unsent"] == 0
    got = receiver.store.records()
    steps = [r for r in _mine(receiver, case) if r["data_set"] == "handling"]
    assert [(r["step_name"], r["opinion"]) for r in steps] == [
        ("组长审核并转部门", long),
        ("部门作出决定", long),  # at its item's length: whole, not cut
    ]
    # A 不予 decision sends the case back (退回), as the table says.
    assert [r["step_action"] for r in steps] == ["1", "2"]
    special = [r for r in _mine(receiver, case) if r["data_set"] == "special_procedure"]
    assert {r["reason"] for r in special} == {long} and special[1]["requester"] == name
    done = next(r for r in _mine(receiver, case) if r["data_set"] == "completion")
    assert done["result_desc"] == long and done["result_code"] == "2"
    assert next(r for r in got if r["data_set"] == "rating")["text"] == long
    order_record = next(r for r in got if r["data_set"] == "supervision_order")
    for key in ("content", "response", "result"):
        assert len(order_record[key]) == 2000 and order_record[key].endswith("…")
    no = next(r for r in _mine(receiver, refused) if r["data_set"] == "acceptance")
    assert no["refuse_reason"] == long and no["accept_doc_no"] == ""


def test_i20_every_cut_item_is_cut_to_its_length_and_no_other(monkeypatch):
    """Through build(): each item flagged in the table is cut with "…"; others are left whole
    (the schema refuses them: their source is a field someone can fix)."""
    row = Outbox(pk=1, topic="case_event", key="k", event_id="e-1", payload={})
    flagged = {d.key: [i for i in d.items if i.cut] for d in datasets.DATASETS.values()}
    assert sum(map(len, flagged.values())) >= 10
    records = [
        exchange.Record(d, {i.key: "长" * (i.max_length + 5) for i in items} | {"x": "y" * 9999})
        for d, items in flagged.items()
    ]
    monkeypatch.setitem(exchange.BUILDERS, "case_event", lambda rows: {1: records})
    built = exchange.build([row], "b", timezone.now())[1]
    for record, (_, items) in zip(built, flagged.items(), strict=True):
        for i in items:
            assert len(record[i.key]) == i.max_length and record[i.key].endswith("…")
        assert record["x"] == "y" * 9999


# --- 4. per-case order on a platform refusal or an unconfirmed record ------------------------


def test_i20_a_platform_refusal_holds_back_the_cases_later_rows_in_the_batch(receiver):
    desk = DeskFactory()
    case = CaseFactory(desk=desk, state=State.DECIDED, day=DAY)
    other = CaseFactory(desk=desk, state=State.ACCEPTED, day=DAY)
    accept = CaseEvent.objects.get(case=case, action="accept")
    receiver.refuse[f"case-event-{accept.pk}/acceptance/1"] = "省平台自有规则拒收"
    result = exchange.push()
    rows = list(Outbox.objects.filter(key=f"case-{case.pk}").order_by("id"))
    refused = next(o for o in rows if o.event_id == f"case-event-{accept.pk}")
    assert refused.refused_at is not None and refused.refusal.endswith("省平台自有规则拒收")
    later = [o for o in rows if o.pk > refused.pk]
    assert later
    # Not sent, not refused, not counted: they wait behind it, and the platform holds none.
    assert [(o.sent_at, o.refused_at, o.attempts, o.claim_token) for o in later] == [
        (None, None, 0, "")
    ] * len(later)
    assert {r["data_set"] for r in _mine(receiver, case)} == {
        "application",
        "application_material",
    }
    assert any("前序记录被拒收" in r["reason"] for r in receiver.refused)
    assert result.refused == 1 and result.failed == 0
    assert not Outbox.objects.filter(key=f"case-{other.pk}", sent_at__isnull=True).exists()
    assert exchange.push().sent == 0  # still waiting
    # The platform takes it now: resent, and the rest follow in order, once each.
    receiver.refuse.clear()
    assert exchange.resend().queued == 1
    assert exchange.push().sent == len(later) + 1
    sets = [r["data_set"] for r in _mine(receiver, case)]
    assert sets.index("acceptance") < sets.index("handling") and "completion" not in sets


def test_i20_rows_after_an_unconfirmed_one_wait_uncounted(receiver, monkeypatch):
    desk = DeskFactory()
    case = CaseFactory(desk=desk, state=State.DECIDED, day=DAY)
    accept = CaseEvent.objects.get(case=case, action="accept")
    lost = f"case-event-{accept.pk}/acceptance/1"
    add = receiver.store.add

    def forgetful(records):  # the platform keeps everything but never confirms one record
        accepted, duplicates = add(records)
        return [i for i in accepted if i != lost], duplicates

    monkeypatch.setattr(receiver.store, "add", forgetful)
    result = exchange.push()
    rows = list(Outbox.objects.filter(key=f"case-{case.pk}").order_by("id"))
    row = next(o for o in rows if o.event_id == f"case-event-{accept.pk}")
    assert row.attempts == 1 and row.last_error == "省平台未确认接收" and row.sent_at is None
    later = [o for o in rows if o.pk > row.pk]
    assert [(o.sent_at, o.attempts, o.next_attempt_at) for o in later] == [(None, 0, None)] * len(
        later
    )
    assert result.failed == 1
    monkeypatch.undo()
    Outbox.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    assert exchange.push().sent == len(later) + 1


# --- 6. an update replaces the record it updates ---------------------------------------------


def test_i20_the_receiver_replaces_on_update_and_deduplicates_inserts():
    app = Receiver()
    base = {"record_id": "a/special_procedure/1", "data_set": "special_procedure"}
    assert app.store.add([{**base, "operation": "I", "end_time": ""}]) == ([base["record_id"]], [])
    assert app.store.add([{**base, "operation": "I", "end_time": ""}]) == ([], [base["record_id"]])
    assert app.store.add([{**base, "operation": "U", "end_time": "20261201T100000"}]) == (
        [base["record_id"]],
        [],
    )
    assert app.store.records() == [{**base, "operation": "U", "end_time": "20261201T100000"}]
    # The insert and its update in one batch: one record, the update's.
    other = {"record_id": "b/completion/1", "data_set": "completion"}
    app.store.add([{**other, "operation": "I", "n": 1}, {**other, "operation": "U", "n": 2}])
    assert app.store.records("completion") == [{**other, "operation": "U", "n": 2}]


# --- 7, 8. a provincial application's own 6.2 items; the acceptance document number ---------


def test_i20_a_provincial_applications_own_items_are_sent_back(receiver):
    desk = DeskFactory()
    case = CaseFactory(desk=desk, state=State.ACCEPTED, channel=Channel.ONLINE, day=DAY)
    Case.objects.filter(pk=case.pk).update(province_application_id="HN-SB-0009")
    now = timezone.now()
    ProvinceApplication.objects.create(
        application_id="HN-SB-0009",
        digest="0" * 64,
        via=ProvinceApplication.Via.PUSH,
        source="省平台",
        case=case,
        record={
            "declared_via": "3",
            "applied_at": "2026-11-18T09:30:00+08:00",
            "address": "桃江县桃花江镇某路1号",
            "postcode": "413400",
            "legal_representative": "王法人",
        },
        first_at=now,
        last_at=now,
    )
    window = CaseFactory(desk=desk, state=State.ACCEPTED, day=DAY)  # no provincial receipt
    exchange.push()
    application = next(r for r in _mine(receiver, case) if r["data_set"] == "application")
    assert {k: application[k] for k in ("address", "postcode", "legal_representative")} == {
        "address": "桃江县桃花江镇某路1号",
        "postcode": "413400",
        "legal_representative": "王法人",
    }
    assert application["apply_source"] == "3" and application["apply_time"] == "20261118T093000"
    plain = next(r for r in _mine(receiver, window) if r["data_set"] == "application")
    assert plain["apply_source"] == "1" and plain["address"] == ""
    acceptance = next(r for r in _mine(receiver, case) if r["data_set"] == "acceptance")
    case.refresh_from_db()
    assert acceptance["accept_doc_no"] == case.number  # 受理通知书编号, as the table says


# --- 9. the push page and the receiver speak Chinese -----------------------------------------


def test_i20_the_push_page_shows_topics_and_failures_in_chinese(client, receiver, caplog):
    desk = DeskFactory()
    CaseFactory(desk=desk, state=State.RECEIVED, day=DAY)
    Outbox.objects.create(topic="mystery", key="m", event_id="m-1", payload={})
    receiver.down = True
    with caplog.at_level(logging.WARNING, logger="onewindow.exchange"):
        exchange.push()
    assert "HTTPStatusError" in caplog.text  # the raw error in the log only
    mystery = Outbox.objects.get(event_id="m-1")
    assert "mystery" not in mystery.refusal and "未知的推送类型" in mystery.refusal
    client.force_login(UserFactory(roles=[RoleCode.HALL_MANAGER]))
    body = client.get("/exchange/outbox/").content.decode()
    assert "省平台服务器出错（HTTP 503）" in body and "办件事件" in body
    assert "HTTPStatusError" not in body and "case_event" not in body and "mystery" not in body


def test_i20_the_stand_in_receiver_answers_in_chinese(receiver, settings):
    base = settings.ONEWINDOW_PROVINCE_URL.removesuffix("/records")
    assert "地址不存在" in httpx.get(base + "/nowhere").json()["detail"]
    assert "令牌不正确" in httpx.post(base + "/records", json={"records": []}).json()["detail"]


# --- nit: the result licence's validity date ---------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"licence_valid_until": "2031-11-30"}, "填写了证照有效期，但没有证照名称和编号"),
        (
            {
                "licence_name": "测试许可证",
                "licence_number": "湘测许字2026第003号",
                "licence_valid_until": "yesterday",
            },
            "早于决定日期",
        ),
    ],
)
def test_i20_a_licence_validity_date_alone_or_before_the_decision_is_refused(
    client, fields, message
):
    desk = DeskFactory()
    case = CaseFactory(desk=desk, state=State.TRANSFERRED, day=DAY)
    client.force_login(desk.reviewer)
    if fields.get("licence_valid_until") == "yesterday":  # the day before the decision's (today)
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        fields = {**fields, "licence_valid_until": yesterday.isoformat()}
    reply = client.post(
        f"/cases/{case.pk}/act/decide/",
        {"result": "approved", "text": "准予许可", "version": case.version, **fields},
        follow=True,
    )
    assert message in reply.content.decode()
    case.refresh_from_db()
    assert case.state == State.TRANSFERRED
