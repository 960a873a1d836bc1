"""Comprehensive window, green channel, 一件事 in parallel, technical review (issue 7)."""

import copy
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow import workdays
from onewindow.cases import services
from onewindow.cases.models import Case, CaseMaterial, Channel, CombinedCase, TechReview
from onewindow.cases.services import combined
from onewindow.cases.tests.combined_factories import Combo, combo
from onewindow.cases.tests.conftest import APPLICANT, DAY
from onewindow.cases.workflow import State
from onewindow.catalog.models import Item
from onewindow.catalog.selectors import merged_materials
from onewindow.org.models import WindowPost
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import DeskFactory, WindowPostFactory, staff_user

pytestmark = pytest.mark.django_db

MAIL = {"address": "桃江县桃花江镇", "carrier": "EMS", "tracking": "9876543210"}
PDF = b"%PDF-1.4\n% report\n"


# Built once for the module (conftest.module_db); each test has a copy, its writes rolled back.
@pytest.fixture(scope="module")
def _restaurant(module_db):
    return combo()


@pytest.fixture(scope="module")
def _birth(module_db):
    return combo(staged=False)


@pytest.fixture(scope="module")
def _desk(module_db):
    return DeskFactory()


@pytest.fixture
def restaurant(db, _restaurant):
    """Like 开办餐饮店: the lead unit's item (stage 1), then three items of three units in
    parallel."""
    return copy.deepcopy(_restaurant)


@pytest.fixture
def birth(db, _birth):
    """Like 新生儿出生一件事: four items of four units, one stage."""
    return copy.deepcopy(_birth)


@pytest.fixture
def desk(db, _desk):
    return copy.deepcopy(_desk)


def hall_manager():
    return staff_user(RoleCode.HALL_MANAGER, title="中心主任")


def submit(desk, item=None, **kw):
    """A window application at the desk (by its clerk unless `acting_user`), materials given."""
    item = item or desk.item
    return services.application_submit(
        acting_user=kw.pop("acting_user", None) or desk.clerk,
        item=item,
        channel=Channel.WINDOW,
        applicant=APPLICANT,
        materials=[{"material_id": m.pk, "status": "paper"} for m in item.materials.all()],
        day=DAY,
    )


def _apply(one: Combo, *, skip=(), **kw):
    materials = {
        line.name: ("missing" if line.name in skip else "paper")
        for line in merged_materials(one.service)
    }
    return combined.combined_submit(
        acting_user=one.clerk,
        service=one.service,
        channel=kw.pop("channel", Channel.WINDOW),
        applicant=APPLICANT,
        materials=materials,
        day=DAY,
        **kw,
    )


def _accepted(one: Combo, **kw):
    parent = _apply(one)
    return combined.combined_accept(
        acting_user=one.clerk, combined=parent, window_post=one.post, day=DAY, **kw
    )


def _child(parent, desk) -> Case:
    return parent.children.get(item=desk.item)


def _reviewer_of(one: Combo, case: Case):
    """The reviewer of the case's unit."""
    return next(d.reviewer for d in one.desks if d.unit.pk == case.unit_id)


def _decide(one: Combo, case: Case, result="approved", text="") -> Case:
    case.refresh_from_db()
    return services.case_decide(
        acting_user=_reviewer_of(one, case), case=case, result=result, text=text, day=DAY
    )


def test_materials_are_entered_once_and_every_child_sees_them(restaurant):
    parent = _apply(restaurant)
    kids = list(parent.children.all())
    assert len(kids) == 4 and parent.state == CombinedCase.State.RECEIVED
    # The application form is one line of the merged list but a material of several items:
    # entered once, present (as received) in each child that needs it.
    lines = merged_materials(restaurant.service)
    shared = next(line for line in lines if len(line.item_names) > 1)
    rows = CaseMaterial.objects.filter(case__parent=parent, material__in=shared.materials)
    assert rows.count() == len(shared.materials) >= 2
    assert set(rows.values_list("status", flat=True)) == {"paper"}
    assert all(k.state == State.RECEIVED and k.number is None for k in kids)


def test_one_acceptance_starts_the_first_stage_and_numbers_everything(restaurant):
    parent = _accepted(restaurant)
    assert parent.state == CombinedCase.State.HANDLING and parent.number
    assert parent.due_date == workdays.add_workdays(DAY, restaurant.service.promised_limit)
    first = _child(parent, restaurant.lead)
    assert first.state == State.TRANSFERRED and first.handoff == "online"
    later = parent.children.exclude(pk=first.pk)
    assert set(later.values_list("state", flat=True)) == {State.ACCEPTED}
    assert all(k.number for k in parent.children.all())
    # The business registration decided: the three others go to their units together.
    _decide(restaurant, first)
    parent.refresh_from_db()
    assert set(later.values_list("state", flat=True)) == {State.TRANSFERRED}
    assert parent.state == CombinedCase.State.HANDLING


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 0, 1), (1, 2, 0)])
def test_parallel_children_finish_in_any_order_then_one_joint_delivery(restaurant, order):
    parent = _accepted(restaurant)
    _decide(restaurant, _child(parent, restaurant.lead))
    parallel = list(parent.children.filter(stage=2).order_by("id"))
    for n, i in enumerate(order):
        _decide(restaurant, parallel[i])
        parent.refresh_from_db()
        expected = CombinedCase.State.READY if n == 2 else CombinedCase.State.HANDLING
        assert parent.state == expected
    with pytest.raises(ValidationError, match="一并送达"):
        services.case_deliver(
            acting_user=restaurant.clerk, case=parallel[0], mode="mail", detail=MAIL, day=DAY
        )
    parent = combined.combined_deliver(
        acting_user=restaurant.clerk, combined=parent, mode="mail", detail=MAIL, day=DAY
    )
    assert parent.state == CombinedCase.State.CLOSED and parent.closed_on == DAY
    assert set(parent.children.values_list("state", flat=True)) == {State.CLOSED}


def test_a_ready_combined_is_offered_for_delivery_only_to_windows_that_may_open_it(restaurant):
    """Another comprehensive window serving the lead unit does not list (nor may it open) a
    一件事 accepted at this one; the accepting window does."""
    from onewindow.cases.selectors import combined_list_for_user, combined_ready

    parent = _accepted(restaurant)
    _decide(restaurant, _child(parent, restaurant.lead), "denied", "名称与已登记企业重名")
    other = WindowPostFactory(
        hall=restaurant.hall,
        kind=WindowPost.Kind.COMPREHENSIVE,
        units=[d.unit for d in restaurant.desks],
    ).staff_a.user
    assert list(combined_ready(user=restaurant.clerk)) == [parent]
    assert not combined_list_for_user(user=other).filter(pk=parent.pk).exists()
    assert list(combined_ready(user=other)) == []


def test_a_denied_first_stage_ends_the_later_ones_and_the_parent_shows_it(restaurant):
    parent = _accepted(restaurant)
    _decide(restaurant, _child(parent, restaurant.lead), "denied", "名称与已登记企业重名")
    parent.refresh_from_db()
    later = parent.children.filter(stage=2)
    assert set(later.values_list("state", flat=True)) == {State.TERMINATED}
    assert parent.state == CombinedCase.State.READY  # the denial itself is delivered
    from onewindow.cases.selectors import combined_overview

    view = combined_overview(parent, DAY)
    assert "不予" in view["effect"] and "终止" in view["effect"]


def test_a_denied_or_suspended_parallel_child_leaves_the_others_running(birth):
    parent = _accepted(birth)
    kids = list(parent.children.order_by("id"))
    assert {k.state for k in kids} == {State.TRANSFERRED}  # one stage: all in parallel
    suspended = services.case_suspend(
        acting_user=_reviewer_of(birth, kids[0]),
        case=kids[0],
        procedure="appraisal",
        expected_days=5,
        reason="出生医学证明需鉴定",
        day=DAY,
    )
    _decide(birth, kids[1], "denied", "户籍信息不符")
    from onewindow.cases.selectors import combined_overview

    view = combined_overview(parent, DAY)
    assert view["holding"].pk == suspended.pk  # the suspended child holds the whole up
    assert "暂停" in view["effect"] or "中止" in view["effect"]
    assert Case.objects.get(pk=kids[2].pk).state == State.TRANSFERRED  # the others go on
    parent.refresh_from_db()
    assert parent.state == CombinedCase.State.HANDLING


def test_withdrawal_of_the_whole_and_no_child_moves_after_it(restaurant):
    parent = _accepted(restaurant)
    clerk = restaurant.clerk
    first = _child(parent, restaurant.lead)
    with pytest.raises(ValidationError, match="整体撤回"):
        services.case_end(acting_user=clerk, case=first, action="withdraw", reason="不办了")
    with pytest.raises(ValidationError, match="理由"):
        combined.combined_withdraw(acting_user=clerk, combined=parent, reason=" ")
    parent = combined.combined_withdraw(
        acting_user=clerk, combined=parent, reason="申请人决定暂不开店", day=DAY
    )
    assert parent.state == CombinedCase.State.WITHDRAWN
    assert set(parent.children.values_list("state", flat=True)) == {State.WITHDRAWN}
    with pytest.raises(ValidationError, match="已撤回，子办件不能再"):
        _decide(restaurant, first)


def test_a_missing_required_material_of_a_member_refuses_acceptance(restaurant):
    service = restaurant.service
    needed = next(line for line in merged_materials(service) if line.required)
    parent = _apply(restaurant, skip={needed.name})
    with pytest.raises(ValidationError, match=f"需要的“{needed.name}”"):
        combined.combined_accept(
            acting_user=restaurant.clerk, combined=parent, window_post=restaurant.post, day=DAY
        )
    parent.refresh_from_db()
    assert parent.state == CombinedCase.State.RECEIVED and parent.number is None
    assert not parent.children.exclude(state=State.RECEIVED).exists()  # nothing half-done


def test_only_a_window_serving_every_member_unit_takes_a_combined_application(restaurant):
    with pytest.raises(PermissionDenied, match="综合受理窗口"):
        combined.combined_submit(
            acting_user=restaurant.lead.clerk,  # the lead unit's window serves one unit only
            service=restaurant.service,
            channel=Channel.WINDOW,
            applicant=APPLICANT,
            materials={},
            day=DAY,
        )


def test_online_combined_application_is_idempotent_and_waits_for_a_window(restaurant):
    first = _apply(restaurant, channel=Channel.ONLINE, source="省平台", client_key="k-1")
    again = _apply(restaurant, channel=Channel.ONLINE, source="省平台", client_key="k-1")
    assert first.pk == again.pk and CombinedCase.objects.filter(client_key="k-1").count() == 1
    from onewindow.cases.selectors import combined_queue, online_queue

    assert first in combined_queue(user=restaurant.clerk)
    assert (
        not online_queue(user=restaurant.lead.clerk).filter(parent=first).exists()
    )  # not one by one


def test_comprehensive_clerk_accepts_and_forwards_but_cannot_decide(restaurant):
    desk, zhclerk, zh_post = restaurant.lead, restaurant.clerk, restaurant.post
    case = submit(desk, desk.instant_item, acting_user=zhclerk)
    case = services.case_accept(acting_user=zhclerk, case=case, window_post=zh_post)
    with pytest.raises(PermissionDenied, match="不能窗口即办决定"):
        services.case_decide_at_window(acting_user=zhclerk, case=case, result="approved")
    case = services.case_forward(acting_user=zhclerk, case=case, handoff="paper")
    assert case.state == State.TRANSFERRED and case.handoff == "paper"
    case = services.case_papers_collected(acting_user=desk.reviewer, case=case, day=DAY)
    assert case.papers_collected_on == DAY
    with pytest.raises(ValidationError, match="已于"):
        services.case_papers_collected(acting_user=desk.reviewer, case=case, day=DAY)


def test_department_window_cases_are_not_forwarded_by_the_window(desk):
    case = submit(desk)
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post)
    with pytest.raises(ValidationError, match="窗口组长审核"):
        services.case_forward(acting_user=desk.clerk, case=case)


def test_green_channel_needs_the_approving_document_and_shortens_steps(desk):
    green = WindowPostFactory(
        hall=desk.hall, kind=WindowPost.Kind.GREEN_CHANNEL, units=[desk.unit]
    ).staff_a.user
    case = submit(desk)
    with pytest.raises(ValidationError, match="认定文件"):
        services.case_mark_key(acting_user=hall_manager(), case=case, name="食品产业园", doc="")
    with pytest.raises(PermissionDenied, match="绿色通道"):
        services.case_mark_key(
            acting_user=desk.clerk, case=case, name="园区", doc="桃政函〔2026〕8号"
        )
    case = services.case_mark_key(
        acting_user=green,
        case=case,
        name="食品产业园",
        doc="桃政函〔2026〕8号",
        day=DAY,
    )
    assert case.key_project and case.step_due == workdays.add_workdays(DAY, 1)
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    case = services.case_transfer(acting_user=desk.teamlead, case=case, day=DAY)
    half = max(1, case.item.promised_limit // 2)
    assert case.step_due == workdays.add_workdays(DAY, half) < case.due_date
    from onewindow.cases.selectors import department_key_projects, key_projects

    assert case in key_projects()
    assert case in department_key_projects(unit_id=case.unit_id)


def test_a_combined_key_project_marks_every_child(birth):
    parent = _accepted(birth)
    parent = combined.combined_mark_key(
        acting_user=hall_manager(), combined=parent, name="产业园员工", doc="桃政办〔2026〕3号"
    )
    assert parent.key_project
    assert set(parent.children.values_list("key_project", flat=True)) == {True}


def test_lead_unit_prompts_another_units_child(restaurant):
    parent = _accepted(restaurant)
    _decide(restaurant, _child(parent, restaurant.lead))
    other = restaurant.desks[1]
    sewer = _child(parent, other)
    with pytest.raises(PermissionDenied, match="牵头部门"):
        combined.combined_prompt(acting_user=other.reviewer, case=sewer, note="请加快")
    sewer = combined.combined_prompt(
        acting_user=restaurant.lead.reviewer, case=sewer, note="请本周内办结"
    )
    assert sewer.prompted_on is not None
    assert sewer.events.filter(action="prompt").exists()


def test_technical_review_suspends_only_where_the_law_excludes_it(desk):
    case = submit(desk)
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    case = services.case_transfer(acting_user=desk.teamlead, case=case, day=DAY)
    due = case.due_date
    with pytest.raises(ValidationError, match="审批股室以外"):
        services.case_tech_review(
            acting_user=desk.reviewer,
            case=case,
            kind="site_inspection",
            assignee_org=case.unit.name,
            assignee_name="张三",
            limit_days=3,
            day=DAY,
        )
    case = services.case_tech_review(
        acting_user=desk.reviewer,
        case=case,
        kind="site_inspection",
        assignee_org="县食品检验检测中心勘查组",
        assignee_name="李工",
        limit_days=3,
        day=DAY,
    )
    assert case.state == State.TRANSFERRED and case.due_date == due  # counted in the limit
    case = services.case_tech_report(
        acting_user=desk.reviewer, case=case, conclusion="现场符合要求", day=DAY
    )
    later = DAY + datetime.timedelta(days=1)
    case = services.case_tech_review(
        acting_user=desk.reviewer,
        case=case,
        kind="expert_panel",
        assignee_org="县食品安全专家委员会",
        assignee_name="王教授",
        limit_days=5,
        day=later,
    )
    assert case.state == State.SUSPENDED
    back = workdays.add_workdays(later, 4)
    report = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    case = services.case_tech_report(
        acting_user=desk.reviewer, case=case, conclusion="专家同意", upload=report, day=back
    )
    assert case.state == State.TRANSFERRED and case.due_date > due
    review = TechReview.objects.filter(case=case, kind="expert_panel").get()
    assert review.finished_on == back and review.report_sha256 and review.suspends
    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf")
    with pytest.raises(ValidationError, match="只接受PDF"):
        services.case_tech_report(
            acting_user=desk.reviewer, case=case, conclusion="再来", upload=fake, day=back
        )


def test_one_time_notice_for_the_whole_then_the_same_application_continues(restaurant):
    service = restaurant.service
    shared = next(line for line in merged_materials(service) if len(line.item_names) > 1)
    parent = _apply(restaurant, skip={shared.name})
    clerk = restaurant.clerk
    other = next(line.name for line in merged_materials(service) if line.name != shared.name)
    with pytest.raises(ValidationError, match=f"还缺：{shared.name}"):
        combined.combined_notify_correction(
            acting_user=clerk, combined=parent, problems={other: "复印件不清晰"}
        )
    parent = combined.combined_notify_correction(
        acting_user=clerk, combined=parent, problems={shared.name: "未带原件"}, day=DAY
    )
    assert parent.state == CombinedCase.State.CORRECTING
    needing = parent.children.filter(materials__material__in=shared.materials).distinct()
    assert needing.count() >= 2
    assert set(needing.values_list("state", flat=True)) == {State.CORRECTING}
    assert set(parent.children.exclude(pk__in=needing).values_list("state", flat=True)) <= {
        State.RECEIVED
    }
    # Brought once, received for every child that needs it.
    parent = combined.combined_resubmit(
        acting_user=clerk, combined=parent, received=[shared.name], day=DAY
    )
    assert parent.state == CombinedCase.State.RECEIVED
    assert set(parent.children.values_list("state", flat=True)) == {State.RECEIVED}
    parent = combined.combined_accept(
        acting_user=clerk, combined=parent, window_post=restaurant.post, day=DAY
    )
    assert parent.state == CombinedCase.State.HANDLING


def test_i15_05_a_combined_service_with_a_withdrawn_member_takes_no_application(restaurant):
    # may() no longer refuses withdrawn items (their open cases must still end), so the filing of
    # a new application is where a withdrawn member is refused, for a 一件事 as for one item.
    member = restaurant.service.members.order_by("-stage").first().item
    Item.objects.filter(pk=member.pk).update(status=Item.Status.WITHDRAWN)
    with pytest.raises(ValidationError, match=member.name):
        _apply(restaurant)
    assert not Case.objects.filter(item=member).exists()
