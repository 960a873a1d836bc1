"""The self-inspection report's workflow (S17, issue 18 item 5): draft, submit, return with a
comment, resubmit, accept; each version kept with the checks' facts; late marking; every bad
input refused with its message and nothing written; the same through the pages."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from onewindow.org.roles import RoleCode
from onewindow.reform import submissions as svc
from onewindow.reform.models import Check, Round, Submission, SubmissionVersion
from onewindow.testing.factories import StaffFactory, UnitFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db

FULL = {
    "summary": "已完成三集中三到位。",
    "experience": "一窗受理。",
    "rectification": "持续整改。",
}


@pytest.fixture
def failing(monkeypatch):
    """The set of checks that fail (every unit, every day); the others pass. Replaces the live
    checks so each test says exactly which fail."""
    failing: set[str] = set()

    def results(unit, day):
        return {
            c: SimpleNamespace(
                passed=c.value not in failing,
                facts=[
                    SimpleNamespace(
                        text=f"{c.label}事实", passed=c.value not in failing, url="/org/units/1/"
                    )
                ],
            )
            for c in Check
        }

    monkeypatch.setattr(svc, "check_results", results)
    return failing


@pytest.fixture
def setup():
    today = timezone.localdate()
    unit = UnitFactory()
    other = UnitFactory()
    rnd = Round.objects.create(
        name="测试轮次",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30),
        report_due=today + datetime.timedelta(days=5),
    )
    rnd.units.set([unit])
    return SimpleNamespace(
        today=today,
        unit=unit,
        other=other,
        round=rnd,
        supervisor=staff_user(RoleCode.WINDOW_SUPERVISOR, unit=unit),
        office=UserFactory(roles=[RoleCode.REFORM_OFFICE]),
    )


def submit(s, fields=None, today=None, unit=None):
    return svc.submission_submit(
        acting_user=s.supervisor,
        round=s.round,
        unit=unit or s.unit,
        fields=FULL if fields is None else fields,
        today=today or s.today,
    )


def test_whole_workflow_keeps_every_version(setup, failing):
    s = setup
    failing.add(Check.STAFF.value)
    draft = svc.submission_save_draft(
        acting_user=s.supervisor, round=s.round, unit=s.unit, fields={"summary": " 草稿 "}
    )
    assert (draft.state, draft.version, draft.fields) == ("draft", 0, {"summary": "草稿"})
    assert not SubmissionVersion.objects.exists()

    first = {**FULL, "reason_staff": "B岗未配齐", "plan_staff": "6月底前补齐B岗"}
    sub = submit(s, first)
    assert (sub.state, sub.version, sub.submitted_on, sub.late) == ("submitted", 1, s.today, False)

    svc.submission_decide(acting_user=s.office, submission=sub, accept=False, comment="经验太简略")
    sub.refresh_from_db()
    assert (sub.state, sub.comment) == ("returned", "经验太简略")

    second = {**first, "experience": "一窗受理，集成服务，AB岗互补。"}
    svc.submission_save_draft(acting_user=s.supervisor, round=s.round, unit=s.unit, fields=second)
    sub.refresh_from_db()
    assert sub.state == "returned"  # a returned report stays returned until submitted again
    sub = submit(s, second)
    assert (sub.state, sub.version, sub.comment) == ("submitted", 2, "")
    svc.submission_decide(acting_user=s.office, submission=sub, accept=True)

    versions = list(sub.versions.order_by("id"))
    assert [(v.number, v.state) for v in versions] == [
        (1, "submitted"),
        (1, "returned"),
        (2, "submitted"),
        (2, "accepted"),
    ]
    assert versions[0].fields["experience"] == "一窗受理。"  # the first text is kept as it was
    assert versions[2].fields["experience"] == "一窗受理，集成服务，AB岗互补。"
    assert versions[1].comment == "经验太简略" and versions[1].by == s.office
    assert versions[0].by == s.supervisor
    assert versions[0].facts["staff"]["passed"] is False
    assert versions[0].facts["items"]["passed"] is True
    assert versions[0].facts["staff"]["facts"][0]["text"] == "人员到位事实"
    assert Submission.objects.get(pk=sub.pk).state == "accepted"


def test_late_is_marked_on_a_first_submission_after_the_due_date(setup, failing):
    s = setup
    due = s.round.report_due
    on_time = submit(s, today=due)
    assert not on_time.late
    svc.submission_decide(acting_user=s.office, submission=on_time, accept=False, comment="补充")
    again = submit(s, today=due + datetime.timedelta(days=3))
    assert not again.late  # resubmitting after a return keeps the on-time standing

    late_unit = UnitFactory()
    s.round.units.add(late_unit)
    s.supervisor = staff_user(RoleCode.WINDOW_SUPERVISOR, unit=late_unit)
    late = submit(s, unit=late_unit, today=due + datetime.timedelta(days=1))
    assert late.late and late.submitted_on == due + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    "missing, message",
    [
        ("reason_authorization", "“授权到位”未达标，请填写未到位原因后再报备。"),
        ("plan_authorization", "“授权到位”未达标，请填写整改措施及时限后再报备。"),
    ],
)
def test_empty_text_for_a_failing_check_is_refused(setup, failing, missing, message):
    s = setup
    failing.add(Check.AUTHORIZATION.value)
    fields = {**FULL, "reason_authorization": "印章在刻制", "plan_authorization": "年底前启用"}
    fields[missing] = "  "
    with pytest.raises(ValidationError) as exc:
        submit(s, fields)
    assert exc.value.message_dict == {missing: [message]}
    assert not Submission.objects.exists() and not SubmissionVersion.objects.exists()


def test_passing_checks_need_no_reason(setup, failing):
    assert submit(setup, FULL).state == "submitted"


def test_return_without_a_comment_is_refused(setup, failing):
    s = setup
    sub = submit(s)
    with pytest.raises(ValidationError) as exc:
        svc.submission_decide(acting_user=s.office, submission=sub, accept=False, comment="  ")
    assert exc.value.messages == ["退回自查报告须填写退回意见，说明需要修改的内容。"]
    sub.refresh_from_db()
    assert sub.state == "submitted" and sub.versions.count() == 1


def test_acting_in_the_wrong_state_is_refused(setup, failing):
    s = setup
    svc.submission_save_draft(acting_user=s.supervisor, round=s.round, unit=s.unit, fields=FULL)
    draft = Submission.objects.get()
    with pytest.raises(ValidationError, match="当前状态为“填写中”"):
        svc.submission_decide(acting_user=s.office, submission=draft, accept=True)
    sub = submit(s)
    with pytest.raises(ValidationError, match="正在等待审改办审核，不能修改或重复报备"):
        submit(s)
    svc.submission_decide(acting_user=s.office, submission=sub, accept=True)
    with pytest.raises(ValidationError, match="当前状态为“已通过”"):
        svc.submission_decide(acting_user=s.office, submission=sub, accept=False, comment="再改")
    with pytest.raises(ValidationError, match="已通过审改办审核，不能再修改"):
        svc.submission_save_draft(acting_user=s.supervisor, round=s.round, unit=s.unit, fields={})
    sub.refresh_from_db()
    assert (sub.state, sub.version, sub.versions.count(), sub.fields) == ("accepted", 1, 2, FULL)


def test_a_unit_not_in_the_round_is_refused(setup, failing):
    s = setup
    s.supervisor = staff_user(RoleCode.WINDOW_SUPERVISOR, unit=s.other)
    with pytest.raises(ValidationError) as exc:
        submit(s, unit=s.other)
    assert exc.value.messages == [
        f"{s.other.short_name}不在“测试轮次”的参加单位中，不能填报自查报告。"
    ]
    assert not Submission.objects.exists()


def test_who_may_submit_and_decide(setup, failing):
    s = setup
    clerk = staff_user(RoleCode.WINDOW_CLERK, unit=s.unit)
    stranger = staff_user(RoleCode.WINDOW_SUPERVISOR, unit=s.other)
    for user in (clerk, stranger, s.office):
        with pytest.raises(PermissionDenied):
            svc.submission_submit(acting_user=user, round=s.round, unit=s.unit, fields=FULL)
    # The leader in charge answers for the unit even without the window-supervisor role.
    leader = StaffFactory(unit=s.unit, role=RoleCode.TEAM_LEADER)
    s.unit.leader_in_charge = leader
    s.unit.save(update_fields=["leader_in_charge"])
    sub = svc.submission_submit(acting_user=leader.user, round=s.round, unit=s.unit, fields=FULL)
    with pytest.raises(PermissionDenied):
        svc.submission_decide(acting_user=s.supervisor, submission=sub, accept=True)
    assert Submission.objects.get().state == "submitted"


def test_the_live_checks_are_snapshotted(setup):
    """Without the stand-in: the six checks of reform.checks are kept with the version, and a
    failing one needs its reason and plan."""
    s = setup
    failing = [c for c, r in svc.check_results(s.unit, s.today).items() if not r.passed]
    assert failing  # a bare factory unit has no window post, letter or seal
    with pytest.raises(ValidationError):
        submit(s, FULL)
    fields = dict(FULL)
    for check in failing:
        reason, plan = svc.check_field_keys(check)
        fields.update({reason: "原因", plan: "措施"})
    version = submit(s, fields).versions.get()
    assert set(version.facts) == {c.value for c in Check}
    assert all("text" in f and "url" in f for r in version.facts.values() for f in r["facts"])


# --- the pages ----------------------------------------------------------------------------


def test_supervisor_submits_and_office_returns_through_the_pages(setup, failing, client):
    s = setup
    failing.add(Check.MECHANISM.value)
    client.force_login(s.supervisor)
    page = client.get(reverse("reform:my_report"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "机制到位事实" in body and "机制到位：未到位原因" in body
    assert "人员到位：未到位原因" not in body  # a text box only for a failing check

    refused = client.post(reverse("reform:my_report"), {**FULL, "action": "submit"})
    assert refused.status_code == 400
    assert "“机制到位”未达标，请填写未到位原因后再报备。" in refused.content.decode()
    assert not Submission.objects.exists()

    fields = {**FULL, "reason_mechanism": "尚无容缺受理", "plan_mechanism": "7月起推行"}
    done = client.post(reverse("reform:my_report"), {**fields, "action": "submit"})
    assert done.status_code == 302
    sub = Submission.objects.get()
    assert (sub.state, sub.fields["plan_mechanism"]) == ("submitted", "7月起推行")

    client.force_login(s.office)
    listing = client.get(reverse("reform:submissions"), {"round": s.round.pk})
    assert (
        str(s.unit) in listing.content.decode() and "已报备（待审核）" in listing.content.decode()
    )
    decide = reverse("reform:submission_decide", args=[sub.pk])
    client.post(decide, {"decision": "return", "comment": ""})
    assert Submission.objects.get().state == "submitted"
    client.post(decide, {"decision": "return", "comment": "请补充典型经验"})
    assert Submission.objects.get().state == "returned"

    client.force_login(s.supervisor)
    again = client.get(reverse("reform:my_report")).content.decode()
    assert "请补充典型经验" in again and "已退回修改" in again
    detail = client.get(reverse("reform:submission_detail", args=[sub.pk])).content.decode()
    assert "第1版" in detail and "请补充典型经验" in detail and "尚无容缺受理" in detail


def test_page_access(setup, failing, client):
    s = setup
    sub = submit(s)
    clerk = staff_user(RoleCode.WINDOW_CLERK, unit=s.unit)
    stranger = staff_user(RoleCode.WINDOW_SUPERVISOR, unit=s.other)
    client.force_login(clerk)
    assert client.get(reverse("reform:my_report")).status_code == 403
    assert client.get(reverse("reform:submissions")).status_code == 403
    client.force_login(stranger)
    assert client.get(reverse("reform:submission_detail", args=[sub.pk])).status_code == 403
    assert client.post(reverse("reform:submission_decide", args=[sub.pk])).status_code == 403
    client.force_login(s.supervisor)
    assert client.get(reverse("reform:submission_detail", args=[sub.pk])).status_code == 200
    client.force_login(s.office)
    assert client.get(reverse("reform:submission_detail", args=[sub.pk])).status_code == 200
    assert Submission.objects.get().state == "submitted"
