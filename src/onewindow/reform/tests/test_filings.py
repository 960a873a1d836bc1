"""Filings with the reform office (issue 18 items 6 and 7): undetermined items (S2(5)) and plans
for a missing lead section (S1), accepted or returned with a comment; every bad input refused
with its message and nothing written; the same through the page."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from onewindow.catalog.models import Item
from onewindow.org import services as org_services
from onewindow.org.roles import RoleCode
from onewindow.reform import filings as svc
from onewindow.reform.models import Filing
from onewindow.testing.factories import ItemFactory, UnitFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    today = timezone.localdate()
    unit = UnitFactory()
    no_section = UnitFactory(sections=False)
    return SimpleNamespace(
        today=today,
        unit=unit,
        item=ItemFactory(unit=unit, hall_status=Item.HallStatus.NOT_YET),
        foreign=ItemFactory(),
        supervisor=staff_user(RoleCode.WINDOW_SUPERVISOR, unit=unit),
        no_section=no_section,
        planner=staff_user(RoleCode.WINDOW_SUPERVISOR, unit=no_section, section=None),
        office=UserFactory(roles=[RoleCode.REFORM_OFFICE]),
    )


def item_filing(s, **changes):
    data = {
        "acting_user": s.supervisor,
        "unit": s.unit,
        "item": s.item,
        "undetermined": "hall",
        "superior": "益阳市市场监督管理局",
        "basis": "上级部门正在研究该事项是否下放。",
        "answer_due": s.today + datetime.timedelta(days=20),
        "today": s.today,
    }
    data.update(changes)
    return svc.undetermined_item_file(**data)


def plan_filing(s, **changes):
    data = {
        "acting_user": s.planner,
        "unit": s.no_section,
        "plan": "在办公室加挂“行政审批服务股”牌子，7月进驻大厅。",
        "plan_due": s.today + datetime.timedelta(days=30),
        "today": s.today,
    }
    data.update(changes)
    return svc.lead_section_plan_file(**data)


def test_undetermined_item_filed_returned_refiled_accepted(s):
    filing = item_filing(s)
    assert (filing.kind, filing.state, filing.filed_on, filing.filed_by) == (
        "undetermined_item",
        "filed",
        s.today,
        s.supervisor,
    )
    with pytest.raises(ValidationError, match="已报备过待定情况"):
        item_filing(s)  # one standing filing per item
    svc.filing_decide(acting_user=s.office, filing=filing, accept=False, comment="请附上级意见")
    filing.refresh_from_db()
    assert (filing.state, filing.comment, filing.decided_on) == (
        "returned",
        "请附上级意见",
        s.today,
    )
    again = item_filing(s, basis="附：市局2026年11月10日复函。")
    svc.filing_decide(acting_user=s.office, filing=again, accept=True, today=s.today)
    assert Filing.objects.get(pk=again.pk).state == "accepted"
    assert Filing.objects.count() == 2


def test_lead_section_plan_filed_and_accepted(s):
    filing = plan_filing(s)
    assert (filing.kind, filing.plan_due) == ("lead_section_plan", s.today + datetime.timedelta(30))
    with pytest.raises(ValidationError) as exc:
        plan_filing(s)
    assert exc.value.messages == [
        f"{s.no_section.short_name}已于{s.today:%Y-%m-%d}报备牵头股室设置方案（已报备（待审核）），"
        "不能重复报备。"
    ]
    svc.filing_decide(acting_user=s.office, filing=filing, accept=True)
    assert Filing.objects.get().state == "accepted"


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"item": None}, "item", "请选择进驻情况待定的事项。"),
        ({"undetermined": ""}, "undetermined", "请选择待定内容（进驻实体大厅、网上办理或两者）。"),
        ({"superior": " "}, "superior", "请填写已联系的上级部门（如“益阳市市场监督管理局”）。"),
        ({"basis": ""}, "basis", "请填写待定的依据或说明（上级部门的意见、文件等）。"),
        ({"answer_due": None}, "answer_due", "请填写预计答复日期。"),
    ],
)
def test_bad_undetermined_item_is_refused(s, changes, field, message):
    with pytest.raises(ValidationError) as exc:
        item_filing(s, **changes)
    assert exc.value.message_dict[field] == [message]
    assert not Filing.objects.exists()


def test_item_of_another_unit_and_past_answer_date_are_refused(s):
    with pytest.raises(ValidationError) as exc:
        item_filing(s, item=s.foreign)
    assert exc.value.message_dict["item"] == [
        f"事项“{s.foreign.name}”不是{s.unit.short_name}的事项，不能由本单位报备。"
    ]
    yesterday = s.today - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        item_filing(s, answer_due=yesterday)
    assert exc.value.message_dict["answer_due"] == [
        f"预计答复日期{yesterday:%Y-%m-%d}已经过去，请填写今天（{s.today:%Y-%m-%d}）或以后的日期。"
    ]
    assert not Filing.objects.exists()


def test_bad_plans_are_refused(s):
    with pytest.raises(ValidationError) as exc:
        plan_filing(s, acting_user=s.supervisor, unit=s.unit)
    assert exc.value.messages == [
        f"{s.unit.short_name}已明确牵头股室（行政审批服务股），无需报备牵头股室设置方案。"
    ]
    with pytest.raises(ValidationError) as exc:
        plan_filing(s, plan="  ", plan_due=s.today - datetime.timedelta(days=1))
    assert exc.value.message_dict["plan"] == [
        "请填写牵头股室设置方案：设立或明确哪个股室、职能如何集中、何时进驻大厅。"
    ]
    assert "已经过去" in exc.value.message_dict["plan_due"][0]
    assert not Filing.objects.exists()


def test_decisions_refused_without_comment_twice_or_by_the_unit(s):
    filing = item_filing(s)
    with pytest.raises(ValidationError) as exc:
        svc.filing_decide(acting_user=s.office, filing=filing, accept=False, comment="")
    assert exc.value.messages == ["退回报备须填写退回意见，说明需要补充或修改的内容。"]
    with pytest.raises(PermissionDenied):
        svc.filing_decide(acting_user=s.supervisor, filing=filing, accept=True)
    assert Filing.objects.get().state == "filed"
    svc.filing_decide(acting_user=s.office, filing=filing, accept=True)
    with pytest.raises(ValidationError, match="当前状态为“已接受”"):
        svc.filing_decide(acting_user=s.office, filing=filing, accept=False, comment="撤回")
    assert Filing.objects.get().state == "accepted"


def test_only_the_units_supervisor_files(s):
    clerk = staff_user(RoleCode.WINDOW_CLERK, unit=s.unit)
    for user in (clerk, s.planner, s.office):
        with pytest.raises(PermissionDenied):
            item_filing(s, acting_user=user)
    assert not Filing.objects.exists()


def test_filing_through_the_page(s, client):
    client.force_login(s.planner)
    page = client.get(reverse("reform:filings"))
    assert page.status_code == 200 and "牵头股室设置方案" in page.content.decode()
    bad = client.post(
        reverse("reform:filings"),
        {"kind": "lead_section_plan", "plan-plan": "", "plan-plan_due": ""},
    )
    assert bad.status_code == 400 and "请填写牵头股室设置方案" in bad.content.decode()
    assert not Filing.objects.exists()
    due = s.today + datetime.timedelta(days=10)
    ok = client.post(
        reverse("reform:filings"),
        {"kind": "lead_section_plan", "plan-plan": "设立审批服务股", "plan-plan_due": due},
    )
    assert ok.status_code == 302
    filing = Filing.objects.get()

    client.force_login(s.supervisor)  # a unit with a lead section gets no plan form
    body = client.get(reverse("reform:filings")).content.decode()
    assert "报备设置方案" not in body and "报备待定事项" in body
    assert "设立审批服务股" not in body  # another unit's filing

    client.force_login(s.office)
    assert "设立审批服务股" in client.get(reverse("reform:filings")).content.decode()
    decide = reverse("reform:filing_decide", args=[filing.pk])
    client.post(decide, {"decision": "return", "comment": ""})
    assert Filing.objects.get().state == "filed"
    client.post(decide, {"decision": "return", "comment": "请写明进驻大厅的时间"})
    assert Filing.objects.get().state == "returned"
    client.force_login(s.planner)
    assert "请写明进驻大厅的时间" in client.get(reverse("reform:filings")).content.decode()


def test_lead_section_named_after_the_plan_ends_the_need(s):
    """Once the unit names its lead section as a separate approval section, no further plan is
    taken (an ordinary section named lead still needs one: see the test above)."""
    plan_filing(s)
    section = org_services.section_create(
        unit=s.no_section, name="行政审批服务股", mode="separate", hall_presence="whole"
    )
    org_services.unit_set_leadership(unit=s.no_section, leader_in_charge=None, lead_section=section)
    with pytest.raises(ValidationError, match="已明确牵头股室（行政审批服务股）"):
        plan_filing(s)
    assert Filing.objects.count() == 1


def test_a_unit_whose_lead_section_is_an_ordinary_section_files_its_plan(s):
    """S1: neither a separate approval section nor the sign: it files the plan the check asks."""
    section = s.unit.lead_section
    section.mode = section.Mode.ORDINARY
    section.save(update_fields=["mode"])
    filing = plan_filing(s, acting_user=s.supervisor, unit=s.unit)
    assert (filing.kind, filing.unit) == ("lead_section_plan", s.unit)
