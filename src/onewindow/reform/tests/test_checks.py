"""The six in-place checks (issue 18 item 1): a complete unit passes all six; each reason the
issue lists fails its check with a fact that says so and links to the record."""

import copy
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from onewindow.catalog.models import HallApproval, Item, ItemVersion
from onewindow.exchange.models import Outbox
from onewindow.mandates.models import Enquiry, ItemPower, Letter, Seal
from onewindow.org import services as org_services
from onewindow.org.models import Section, Staff, WindowPost
from onewindow.reform.checks import checks_for_units, unit_checks
from onewindow.reform.models import Check, Filing, Round
from onewindow.reform.tests.factories import complete_desk, filing
from onewindow.supervision.models import Anomaly, Rating, Ticket
from onewindow.testing.factories import (
    CaseFactory,
    CombinedServiceFactory,
    DeskFactory,
    ItemFactory,
)

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def failing_texts(unit, check) -> list[str]:
    return [f.text for f in unit_checks(unit, today())[check].failing]


def assert_fails(unit, check, words: str) -> None:
    result = unit_checks(unit, today())[check]
    assert not result.passed
    hits = [f for f in result.failing if words in f.text]
    assert hits, [f.text for f in result.failing]
    assert all(f.url.startswith("/") for f in hits)


@pytest.fixture(scope="module")
def _desk(module_db):
    return complete_desk()


@pytest.fixture
def desk(db, _desk):
    """A complete unit, built once for the module (conftest.module_db): each test has a copy,
    its writes rolled back."""
    return copy.deepcopy(_desk)


def test_a_complete_unit_passes_all_six_with_links(desk):
    results = unit_checks(desk.unit, today())
    assert list(results) == list(Check)
    assert {c: r.passed for c, r in results.items()} == dict.fromkeys(Check, True)
    assert all(f.url for r in results.values() for f in r.facts if f.applicable)


# --- 机构到位 --------------------------------------------------------------------------------


def set_lead(unit, *, leader="keep", section="keep"):
    org_services.unit_set_leadership(
        unit=unit,
        leader_in_charge=unit.leader_in_charge if leader == "keep" else leader,
        lead_section=unit.lead_section if section == "keep" else section,
    )
    unit.refresh_from_db()


def test_no_leader_in_charge_fails(desk):
    set_lead(desk.unit, leader=None)
    assert_fails(desk.unit, Check.ORGANISATION, "未明确分管领导")


def test_no_lead_section_and_no_plan_fails(desk):
    set_lead(desk.unit, section=None)
    assert_fails(desk.unit, Check.ORGANISATION, "未明确牵头股室")
    assert_fails(desk.unit, Check.ORGANISATION, "未向县行政审批服务局报备牵头股室设置方案")


def test_ordinary_lead_section_without_sign_fails(desk):
    Section.objects.filter(pk=desk.unit.lead_section_id).update(mode=Section.Mode.ORDINARY)
    assert_fails(desk.unit, Check.ORGANISATION, "既未单独设立为行政审批服务股，也未加挂")


def test_sign_on_the_lead_section_passes(desk):
    Section.objects.filter(pk=desk.unit.lead_section_id).update(mode=Section.Mode.SIGN)
    assert unit_checks(desk.unit, today())[Check.ORGANISATION].passed


def test_lead_section_not_in_the_hall_fails(desk):
    Section.objects.filter(pk=desk.unit.lead_section_id).update(
        hall_presence=Section.HallPresence.NOT_IN
    )
    assert_fails(desk.unit, Check.ORGANISATION, "未进驻政务大厅")


@pytest.mark.parametrize(
    ("reason", "plan", "passes"), [("", "", False), ("场地不足", "年底进驻", True)]
)
def test_partly_present_lead_section_needs_reason_and_plan(desk, reason, plan, passes):
    Section.objects.filter(pk=desk.unit.lead_section_id).update(
        hall_presence=Section.HallPresence.HEAD, presence_reason=reason, presence_plan=plan
    )
    assert unit_checks(desk.unit, today())[Check.ORGANISATION].passed is passes


@pytest.mark.parametrize(
    ("state", "passes"),
    [
        (Filing.State.ACCEPTED, True),
        (Filing.State.FILED, False),
        (Filing.State.RETURNED, False),
    ],
)
def test_a_unit_without_lead_section_passes_only_with_an_accepted_plan(desk, state, passes):
    set_lead(desk.unit, section=None)
    filing(desk.unit, Filing.Kind.LEAD_SECTION_PLAN, state=state, plan="设立行政审批服务股")
    result = unit_checks(desk.unit, today())[Check.ORGANISATION]
    assert result.passed is passes
    if not passes:
        assert any("尚未经接受" in f.text for f in result.failing)


# --- 人员到位 --------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "label"), [("winsup", "窗口主管"), ("teamlead", "窗口组长")])
def test_supervisor_or_team_leader_outside_the_hall_fails(desk, who, label):
    ordinary = desk.unit.sections.get(name="业务股")
    Staff.objects.filter(pk=getattr(desk, who).staff.pk).update(section=ordinary)
    assert_fails(desk.unit, Check.STAFF, f"{label}{getattr(desk, who).staff.name}未在政务大厅工作")


def test_without_letter_or_roles_supervisor_and_team_leader_are_missing():
    desk = complete_desk(with_letter=False)
    desk.winsup.roles.clear()
    desk.teamlead.roles.clear()
    assert_fails(desk.unit, Check.STAFF, "未确定窗口主管")
    assert_fails(desk.unit, Check.STAFF, "未确定窗口组长")


def test_without_letter_the_role_holders_are_checked():
    desk = complete_desk(with_letter=False)
    facts = [f.text for f in unit_checks(desk.unit, today())[Check.STAFF].facts]
    assert f"窗口主管{desk.winsup.staff.name}已进驻政务大厅。" in facts


def test_post_without_b_fails(desk):
    WindowPost.objects.filter(pk=desk.post.pk).update(staff_b=None)
    assert_fails(desk.unit, Check.STAFF, "未配备B岗人员")


def test_unit_without_window_fails(desk):
    WindowPost.objects.filter(pk=desk.post.pk).update(active=False)
    assert_fails(desk.unit, Check.STAFF, "没有启用的窗口")


def test_staff_not_established_fails(desk):
    Staff.objects.filter(pk=desk.clerk_b.staff.pk).update(establishment=Staff.Establishment.OTHER)
    assert_fails(desk.unit, Check.STAFF, "未记录例外说明")


def test_staff_not_established_with_the_exception_recorded_passes(desk):
    """The issue's "(or the exception is recorded)": the reason on the staff record."""
    Staff.objects.filter(pk=desk.clerk_b.staff.pk).update(
        establishment=Staff.Establishment.OTHER,
        establishment_exception="县编办2026年第3号批复：借调人员在窗口B岗工作至年底",
    )
    result = unit_checks(desk.unit, today())[Check.STAFF]
    assert result.passed, [f.text for f in result.failing]
    assert any("例外已记录：县编办2026年第3号批复" in f.text for f in result.facts)


def test_staff_no_longer_active_on_a_post_fails(desk):
    Staff.objects.filter(pk=desk.clerk.staff.pk).update(active=False)
    assert_fails(desk.unit, Check.STAFF, "已不在岗")


# --- 事项到位 --------------------------------------------------------------------------------


def test_published_item_outside_the_hall_fails(desk):
    Item.objects.filter(pk=desk.item.pk).update(hall_status=Item.HallStatus.NOT_YET)
    assert_fails(desk.unit, Check.ITEMS, f"事项“{desk.item.name}”未进驻实体大厅")


def test_approved_exemption_counts_as_in_place(desk):
    Item.objects.filter(pk=desk.item.pk).update(
        hall_status=Item.HallStatus.EXEMPT,
        exempt_reason=Item.ExemptReason.SECRECY,
        exempt_doc_no="桃政函〔2026〕1号",
        exempt_date=today(),
    )
    assert unit_checks(desk.unit, today())[Check.ITEMS].passed


@pytest.mark.parametrize(
    ("state", "passes"),
    [(Filing.State.ACCEPTED, True), (Filing.State.FILED, False), (Filing.State.RETURNED, False)],
)
def test_undetermined_item_must_be_filed_and_accepted(desk, state, passes):
    Item.objects.filter(pk=desk.item.pk).update(hall_status=Item.HallStatus.NOT_YET)
    filing(
        desk.unit,
        Filing.Kind.UNDETERMINED_ITEM,
        state=state,
        item=desk.item,
        undetermined="hall",
        superior="市市场监管局",
    )
    result = unit_checks(desk.unit, today())[Check.ITEMS]
    assert result.passed is passes
    if not passes:
        fact = next(f for f in result.failing if "尚未经审改办接受" in f.text)
        assert fact.url == "/reform/filings/"


def test_item_withdrawn_without_approval_fails(desk):
    Item.objects.filter(pk=desk.item.pk).update(status=Item.Status.WITHDRAWN)
    assert_fails(desk.unit, Check.ITEMS, "未经批准撤销")


def _left_hall(item):
    ItemVersion.objects.create(
        item=item,
        number=99,
        action="进驻情况",
        changes={"hall_status": [Item.HallStatus.ENTERED, Item.HallStatus.EXEMPT]},
        snapshot={},
    )
    Item.objects.filter(pk=item.pk).update(
        hall_status=Item.HallStatus.EXEMPT,
        exempt_reason=Item.ExemptReason.SPACE,
        exempt_doc_no="桃政函〔2026〕2号",
        exempt_date=today(),
    )


def test_item_that_left_the_hall_without_approval_fails(desk):
    _left_hall(desk.item)
    assert_fails(desk.unit, Check.ITEMS, "撤出实体大厅，无撤出审批记录")


def test_item_that_left_the_hall_with_approval_passes(desk):
    _left_hall(desk.item)
    HallApproval.objects.create(
        item=desk.item,
        kind=HallApproval.Kind.LEAVE_HALL,
        doc_no="桃政函〔2026〕2号",
        approved_on=today(),
        approver="县政府",
        reason="场地限制",
    )
    assert unit_checks(desk.unit, today())[Check.ITEMS].passed


def anomaly(desk, rule, detected_on=None, state=Anomaly.State.OPEN):
    case = CaseFactory(desk=desk)
    return Anomaly.objects.create(
        rule=rule,
        case=case,
        unit=desk.unit,
        evidence={},
        detected_on=detected_on or today(),
        state=state,
    )


def test_hall_item_accepted_outside_a_hall_window_fails(desk):
    hit = anomaly(desk, Anomaly.Rule.OUTSIDE_HALL_WINDOW, state=Anomaly.State.CONFIRMED)
    assert_fails(desk.unit, Check.ITEMS, "未在大厅窗口受理")
    fact = next(f for f in unit_checks(desk.unit, today())[Check.ITEMS].failing)
    assert fact.url == f"/cases/{hit.case_id}/"


def test_unit_without_published_items_fails():
    desk = complete_desk()
    Item.objects.filter(unit=desk.unit).update(status=Item.Status.DRAFT)
    assert_fails(desk.unit, Check.ITEMS, "没有已发布的事项")


# --- 授权到位 --------------------------------------------------------------------------------


def test_no_letter_fails():
    desk = complete_desk(with_letter=False)
    assert_fails(desk.unit, Check.AUTHORIZATION, "无已备案且在")


@pytest.mark.parametrize(
    "change",
    [
        {"status": Letter.Status.SIGNED},
        {"status": Letter.Status.REVOKED},
        {"valid_until": datetime.date(2020, 1, 1), "valid_from": datetime.date(2019, 1, 1)},
    ],
    ids=["not-filed", "revoked", "expired"],
)
def test_letter_not_in_force_fails(desk, change):
    Letter.objects.filter(pk=desk.letter.pk).update(**change)
    assert_fails(desk.unit, Check.AUTHORIZATION, "无已备案且在")


def test_hall_item_without_power_fails(desk):
    extra = ItemFactory(unit=desk.unit)
    assert_fails(desk.unit, Check.AUTHORIZATION, f"进驻事项“{extra.name}”未授予窗口审批权限")


def test_seal_not_enabled_without_reason_fails(desk):
    Seal.objects.filter(unit=desk.unit).update(enabled=False)
    assert_fails(desk.unit, Check.AUTHORIZATION, "行政审批专用章未启用")


def test_no_seal_at_all_fails(desk):
    Seal.objects.filter(unit=desk.unit).delete()
    assert_fails(desk.unit, Check.AUTHORIZATION, "行政审批专用章未启用")


def test_seal_not_enabled_with_reason_and_plan_passes(desk):
    Seal.objects.filter(unit=desk.unit).update(
        enabled=False, reason_not_enabled="印章待刻制", plan="12月底前启用"
    )
    assert unit_checks(desk.unit, today())[Check.AUTHORIZATION].passed


@pytest.mark.parametrize(("reason", "passes"), [("", False), ("已是最短时限", True)])
def test_promised_limit_not_cut_needs_a_reason(desk, reason, passes):
    ItemPower.objects.filter(letter=desk.letter, item=desk.item).update(
        cut_limit=desk.item.promised_limit, cut_reason=reason
    )
    result = unit_checks(desk.unit, today())[Check.AUTHORIZATION]
    assert result.passed is passes
    if not passes:
        assert any("未按10%压缩" in f.text for f in result.failing)


# --- 机制到位 (the one-time notices and 容缺: test_checks_mechanism) -------------------------


def test_no_first_asked_record_in_the_period_fails(desk):
    Enquiry.objects.filter(staff__unit=desk.unit).delete()
    assert_fails(desk.unit, Check.MECHANISM, "没有首问负责记录")


def test_the_period_is_the_active_round(desk):
    """An enquiry before the round's start does not count."""
    Enquiry.objects.filter(staff__unit=desk.unit).update(
        at=timezone.now() - datetime.timedelta(days=20)
    )
    assert unit_checks(desk.unit, today())[Check.MECHANISM].passed  # within 90 days
    Round.objects.create(
        name="测试轮次",
        starts_on=today() - datetime.timedelta(days=10),
        ends_on=today() + datetime.timedelta(days=60),
        report_due=today() + datetime.timedelta(days=30),
    )
    assert_fails(desk.unit, Check.MECHANISM, "没有首问负责记录")


@pytest.mark.parametrize(("same_stage", "passes"), [(True, True), (False, False)])
def test_combined_service_needs_parallel_approval(desk, same_stage, passes):
    other = ItemFactory()
    stages = None if same_stage else {desk.item.pk: 1, other.pk: 2}
    service = CombinedServiceFactory(items=[desk.item, other], stages=stages)
    result = unit_checks(desk.unit, today())[Check.MECHANISM]
    assert result.passed is passes
    if not passes:
        fact = result.failing[0]
        assert "未设置并联审批" in fact.text
        assert fact.url == f"/catalog/combined/{service.pk}/"


# --- 监察到位 --------------------------------------------------------------------------------


def test_hall_item_not_under_supervision_fails(desk):
    Item.objects.filter(pk=desk.item.pk).update(supervised=False)
    assert_fails(desk.unit, Check.SUPERVISION, "未纳入电子监察")


def test_case_event_not_pushed_fails(desk):
    row = Outbox.objects.create(
        topic="case_event",
        key="case-0",
        event_id="case-event-test",
        payload={"unit_id": desk.unit.pk},
    )
    assert unit_checks(desk.unit, today())[Check.SUPERVISION].passed  # today's row: not yet late
    Outbox.objects.filter(pk=row.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    assert_fails(desk.unit, Check.SUPERVISION, "尚未推送到省平台")
    Outbox.objects.filter(pk=row.pk).update(sent_at=timezone.now())
    assert unit_checks(desk.unit, today())[Check.SUPERVISION].passed


def test_anomaly_left_open_past_its_deadline_fails(desk):
    anomaly(desk, Anomaly.Rule.FAST_PROMISED, detected_on=today() - datetime.timedelta(days=60))
    assert_fails(desk.unit, Check.SUPERVISION, "仍未说明")


def test_only_off_system_anomalies_count_for_supervision_in_place(desk):
    """A fee on a free item left open is supervision's matter, not off-system handling."""
    anomaly(desk, Anomaly.Rule.FEE_ON_FREE_ITEM, detected_on=today() - datetime.timedelta(days=60))
    assert unit_checks(desk.unit, today())[Check.SUPERVISION].passed


def test_recent_or_explained_anomaly_passes(desk):
    anomaly(desk, Anomaly.Rule.FAST_PROMISED)
    old = anomaly(desk, Anomaly.Rule.RESULT_BEFORE_ACCEPTANCE, today() - datetime.timedelta(60))
    Anomaly.objects.filter(pk=old.pk).update(state=Anomaly.State.EXPLAINED)
    assert unit_checks(desk.unit, today())[Check.SUPERVISION].passed


def ticket(desk, *, due_on, done_on=None, state=Ticket.State.OPEN):
    case = CaseFactory(desk=desk)
    rating = Rating.objects.create(
        case=case, channel=Rating.Channel.WEB, level=5, unit=desk.unit, region="430922"
    )
    return Ticket.objects.create(
        rating=rating,
        unit=desk.unit,
        due_on=due_on,
        opened_on=due_on - datetime.timedelta(days=20),
        done_on=done_on,
        state=state,
    )


@pytest.mark.parametrize("done", [None, 3], ids=["still-open", "done-late"])
def test_bad_rating_not_rectified_on_time_fails(desk, done):
    due = today() - datetime.timedelta(days=5)
    done_on = due + datetime.timedelta(days=done) if done else None
    ticket(desk, due_on=due, done_on=done_on, state=Ticket.State.DONE if done else "open")
    assert_fails(desk.unit, Check.SUPERVISION, "差评整改")


def test_bad_rating_rectified_on_time_passes(desk):
    due = today() - datetime.timedelta(days=5)
    ticket(desk, due_on=due, done_on=due, state=Ticket.State.DONE)
    ticket(desk, due_on=today() + datetime.timedelta(days=5))
    assert unit_checks(desk.unit, today())[Check.SUPERVISION].passed


# --- the batch ---------------------------------------------------------------------------


def test_batch_equals_per_unit_and_costs_a_fixed_number_of_queries():
    good = complete_desk()
    bad = DeskFactory(with_letter=False)
    CombinedServiceFactory(items=[good.item, bad.item], stages={good.item.pk: 1, bad.item.pk: 2})
    Item.objects.filter(pk=bad.item.pk).update(supervised=False)
    units = [good.unit, bad.unit]
    day = today()
    batch = checks_for_units(units, day)
    for unit in units:
        single = unit_checks(unit, day)
        assert {c: r.as_dict() for c, r in batch[unit.pk].items()} == {
            c: r.as_dict() for c, r in single.items()
        }
    assert not all(r.passed for r in batch[bad.unit.pk].values())
    with CaptureQueriesContext(connection) as one:
        checks_for_units([good.unit], day)
    from onewindow.org.models import Unit

    everyone = list(Unit.objects.all())
    assert len(everyone) > 30  # the demo county and these
    with CaptureQueriesContext(connection) as many:
        checks_for_units(everyone, day)
    assert len(many.captured_queries) == len(one.captured_queries) <= 25


def test_a_check_names_ten_late_anomalies_and_counts_the_rest(desk):
    """Thousands of late anomalies in a county made the scorecard build a sentence and a link
    for each (issue 22): a check names the first ten and counts the rest, linked to the list."""
    from onewindow.reform.checks.common import LISTED

    long_ago = today() - datetime.timedelta(days=60)
    for _ in range(LISTED + 2):
        anomaly(desk, Anomaly.Rule.FAST_PROMISED, detected_on=long_ago)
        anomaly(desk, Anomaly.Rule.OUTSIDE_HALL_WINDOW, detected_on=today())
    checks = unit_checks(desk.unit, today())
    late = [f for f in checks[Check.SUPERVISION].failing if "仍未说明" in f.text]
    rest = [f for f in checks[Check.SUPERVISION].failing if f.text.startswith("另有")]
    assert len(late) == LISTED
    assert [(f.text, f.url) for f in rest] == [
        ("另有2件体外循环异常办件逾期未说明。", reverse("supervision:anomalies"))
    ]
    outside = [f for f in checks[Check.ITEMS].failing if "未在大厅窗口受理" in f.text]
    assert (
        len(outside) == LISTED + 1 and outside[-1].text == "另有2件进驻大厅的事项未在大厅窗口受理。"
    )
