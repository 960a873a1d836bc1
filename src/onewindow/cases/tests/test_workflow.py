import copy
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from onewindow import workdays
from onewindow.cases import events, services
from onewindow.cases.models import Case, CaseEvent, CaseMaterial, Channel
from onewindow.cases.tests.conftest import APPLICANT, DAY, id_number, submit_at
from onewindow.cases.workflow import MOVES, State
from onewindow.catalog.models import Item
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import DeskFactory, ItemFactory, staff_user

pytestmark = pytest.mark.django_db

RONGQUE = "食品经营许可（新办）"


# Built once for the module (conftest.module_db); each test has a copy, its writes rolled back.
@pytest.fixture(scope="module")
def _desk(module_db):
    """A desk whose promised item takes 10 working days (20 by law)."""
    return DeskFactory(item__promised_limit=10)


@pytest.fixture
def desk(db, _desk):
    return copy.deepcopy(_desk)


def _rongque_item(desk) -> Item:
    """The desk's item with a minor material, 从业人员培训合格证明, that may come later (容缺)."""
    return Item.objects.filter(unit=desk.unit, name=RONGQUE).first() or ItemFactory(
        unit=desk.unit,
        name=RONGQUE,
        promised_limit=7,
        materials=(
            {"name": "食品经营许可申请书", "originals": 1, "copies": 0},
            {
                "name": "从业人员培训合格证明",
                "originals": 0,
                "copies": 1,
                "is_main": False,
                "rongque": True,
            },
        ),
    )


def test_the_table_lists_every_move_once_with_its_label():
    assert len({m.label for m in MOVES.values()}) == len(MOVES)
    for m in MOVES.values():
        assert m.sources and all(s in State.values for s in m.sources)


def test_bad_applicant_data_is_refused_with_the_field_named(desk):
    bad = dict(APPLICANT, applicant_id=id_number()[:17] + ("0" if id_number()[-1] != "0" else "1"))
    with pytest.raises(ValidationError) as exc:
        submit_at(desk, desk.instant_item, applicant=bad)
    assert "校验" in exc.value.message_dict["applicant_id"][0]
    future = dict(APPLICANT, applicant_id=id_number("43092220991231123"))
    with pytest.raises(ValidationError) as exc:
        submit_at(desk, desk.instant_item, applicant=future)
    assert "applicant_id" in exc.value.message_dict
    with pytest.raises(ValidationError, match="联系电话"):
        submit_at(desk, desk.instant_item, applicant=dict(APPLICANT, phone="12345"))
    assert not Case.objects.exists()


def test_id_numbers_are_encrypted_and_masked(desk):
    case = submit_at(desk, desk.instant_item)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT applicant_id FROM cases_case WHERE id = %s", [case.pk])
        raw = cursor.fetchone()[0]
    assert APPLICANT["applicant_id"] not in raw
    assert (
        case.applicant_id_masked
        == APPLICANT["applicant_id"][:4] + "**********" + APPLICANT["applicant_id"][-4:]
    )


def test_online_submission_is_idempotent_by_client_key(desk):
    item = desk.item
    args = dict(
        acting_user=None,
        item=item,
        channel=Channel.ONLINE,
        applicant=APPLICANT,
        source="湘易办",
        client_key="HN-0001",
        day=DAY,
    )
    first = services.application_submit(**args)
    again = services.application_submit(**args)
    assert first.pk == again.pk and Case.objects.count() == 1
    assert first.state == State.RECEIVED and first.number is None


def test_instant_item_is_accepted_decided_and_delivered_at_the_window(desk):
    case = submit_at(desk, desk.instant_item)
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    assert case.number.startswith(desk.unit.region.code[:6] + "20261201")
    assert len(case.number) == 23
    assert case.due_date == DAY  # instant: due the same day
    case = services.case_decide_at_window(
        acting_user=desk.clerk, case=case, result="approved", day=DAY
    )
    case = services.case_deliver(
        acting_user=desk.clerk,
        case=case,
        mode="collect",
        day=DAY,
        detail={
            "recipient": "王小明",
            "recipient_id": APPLICANT["applicant_id"],
            "receipt_signed": "1",
        },
    )
    assert case.state == State.CLOSED and case.closed_on == DAY
    actions = list(case.events.values_list("action", flat=True))
    assert actions == ["submit", "accept", "decide_at_window", "deliver"]
    assert events.verify([case.pk]) == []


def test_case_numbers_never_repeat(desk):
    numbers = set()
    for _ in range(3):
        case = submit_at(desk, desk.instant_item)
        numbers.add(
            services.case_accept(
                acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY
            ).number
        )
    assert len(numbers) == 3


def test_promised_case_goes_through_team_leader_and_department(desk):
    case = submit_at(desk)
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    item = desk.item
    assert case.due_date == workdays.add_workdays(DAY, item.promised_limit)
    with pytest.raises(ValidationError, match="只有即办件可以在窗口当场决定"):
        services.case_decide_at_window(acting_user=desk.clerk, case=case, result="approved")
    with pytest.raises(PermissionDenied):
        services.case_transfer(acting_user=desk.clerk, case=case, day=DAY)
    case = services.case_transfer(acting_user=desk.teamlead, case=case, opinion="材料齐全", day=DAY)
    assert case.state == State.TRANSFERRED
    with pytest.raises(PermissionDenied, match="审查人员"):
        services.case_decide(
            acting_user=staff_user(RoleCode.WINDOW_CLERK), case=case, result="approved"
        )
    with pytest.raises(ValidationError, match="须说明理由"):
        services.case_decide(acting_user=desk.reviewer, case=case, result="denied", text=" ")
    case = services.case_decide(acting_user=desk.reviewer, case=case, result="approved", day=DAY)
    assert case.state == State.DECIDED
    case = services.case_deliver(
        acting_user=desk.clerk,
        case=case,
        mode="mail",
        day=DAY,
        detail={"address": "桃江县桃花江镇", "carrier": "EMS", "tracking": "1234567890"},
    )
    assert case.state == State.CLOSED


def test_a_move_the_table_forbids_is_refused(desk):
    case = submit_at(desk)
    with pytest.raises(ValidationError, match="当前为“已收件（待受理）”，不能送达并办结"):
        services.case_deliver(
            acting_user=desk.clerk,
            case=case,
            mode="mail",
            detail={"address": "桃江县", "carrier": "EMS", "tracking": "1"},
        )


def test_acceptance_outside_a_hall_window_is_refused(desk):
    case = submit_at(desk)
    with pytest.raises(ValidationError, match="只能在服务"):
        services.case_accept(acting_user=desk.clerk, case=case, window_post=None)
    with pytest.raises(PermissionDenied):
        services.case_accept(acting_user=desk.reviewer, case=case, window_post=desk.post)
    with pytest.raises(PermissionDenied):
        services.case_accept(
            acting_user=staff_user(RoleCode.WINDOW_CLERK), case=case, window_post=desk.post
        )
    assert Case.objects.get(pk=case.pk).state == State.RECEIVED


def test_incomplete_materials_need_a_one_time_notice_listing_all(desk):
    case = submit_at(desk, complete=False)
    with pytest.raises(ValidationError, match="材料不齐全"):
        services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post)
    missing = list(case.materials.filter(status=CaseMaterial.Status.MISSING))
    with pytest.raises(ValidationError, match="一次性告知须列明全部缺少的材料"):
        services.case_notify_correction(
            acting_user=desk.clerk, case=case, problems={missing[0].pk: "未提供"}
        )
    case = services.case_notify_correction(
        acting_user=desk.clerk, case=case, problems={m.pk: "未提供" for m in missing}
    )
    assert case.state == State.CORRECTING
    later = datetime.date(2026, 12, 4)
    case = services.case_resubmit(
        acting_user=desk.clerk, case=case, received={m.pk: "paper" for m in missing}, day=later
    )
    assert case.state == State.RECEIVED and case.received_on == later
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=later)
    assert case.accepted_on == later


def test_refusal_needs_a_reason(desk):
    case = submit_at(desk)
    with pytest.raises(ValidationError, match="须写明理由"):
        services.case_refuse(acting_user=desk.clerk, case=case, reason="  ")
    case = services.case_refuse(acting_user=desk.clerk, case=case, reason="不属于本机关职权范围")
    assert case.state == State.REFUSED and case.number is None


def test_five_working_days_without_a_decision_count_as_accepted(desk):
    case = submit_at(desk, day=DAY)
    assert services.deem_overdue(today=workdays.add_workdays(DAY, 5)) == 0
    assert services.deem_overdue(today=workdays.add_workdays(DAY, 6)) == 1
    case.refresh_from_db()
    assert case.state == State.ACCEPTED and case.accepted_on == DAY and case.deemed_accepted
    assert case.events.last().details["deemed"] is True


def _rongque_case(desk, deadline_days=3):
    case = submit_at(desk, _rongque_item(desk))
    minor = case.materials.get(name__contains="培训合格证明")
    minor.status = CaseMaterial.Status.MISSING
    minor.save()
    deadline = workdays.add_workdays(DAY, deadline_days)
    return services.case_accept(
        acting_user=desk.clerk,
        case=case,
        window_post=desk.post,
        day=DAY,
        rongque={"commitment": "本人承诺3个工作日内补齐", "deadline": deadline},
    )


def test_rongque_only_for_minor_materials_and_within_the_limit(desk):
    case = submit_at(desk, _rongque_item(desk))
    main = case.materials.exclude(material__rongque=True).first()
    main.status = CaseMaterial.Status.MISSING
    main.save()
    with pytest.raises(ValidationError, match=r"主要材料.*不能容缺"):
        services.case_accept(
            acting_user=desk.clerk,
            case=case,
            window_post=desk.post,
            day=DAY,
            rongque={"commitment": "承诺", "deadline": workdays.add_workdays(DAY, 2)},
        )
    with pytest.raises(ValidationError, match="不晚于承诺办结日期"):
        _rongque_case(desk, deadline_days=30)
    case = _rongque_case(desk)
    assert case.state == State.ACCEPTED and case.rongque_open


def test_rongque_expiry_terminates_and_supplement_closes_it(desk):
    case = _rongque_case(desk)
    assert services.expire_rongque(today=case.rongque_deadline) == 0
    assert services.expire_rongque(today=case.rongque_deadline + datetime.timedelta(days=1)) == 1
    case.refresh_from_db()
    assert case.state == State.TERMINATED and "容缺" in case.end_reason
    other = _rongque_case(desk)
    other = services.case_supplement(acting_user=desk.clerk, case=other, day=DAY)
    assert not other.rongque_open
    assert services.expire_rongque(today=datetime.date(2027, 1, 1)) == 0


def test_suspension_across_national_day_moves_the_due_date(desk):
    accepted = datetime.date(2026, 9, 21)
    case = submit_at(desk, day=accepted)
    case = services.case_accept(
        acting_user=desk.clerk, case=case, window_post=desk.post, day=accepted
    )
    case = services.case_transfer(acting_user=desk.teamlead, case=case, day=accepted)
    due_before = case.due_date
    suspended, resumed = datetime.date(2026, 9, 29), datetime.date(2026, 10, 13)
    case = services.case_suspend(
        acting_user=desk.reviewer,
        case=case,
        procedure="expert_review",
        expected_days=5,
        reason="组织专家评审",
        day=suspended,
    )
    case = services.case_resume(acting_user=desk.reviewer, case=case, day=resumed)
    lost = workdays.workdays_between(suspended, resumed)
    assert lost < (resumed - suspended).days - 7  # National Day and weekends do not count
    assert case.due_date == workdays.add_workdays(due_before, lost)
    assert case.state == State.TRANSFERRED


def test_extension_once_and_within_the_statutory_length(desk):
    case = submit_at(desk)
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    case = services.case_transfer(acting_user=desk.teamlead, case=case, day=DAY)
    with pytest.raises(ValidationError, match="1至10个工作日"):
        services.case_extend(
            acting_user=desk.reviewer, case=case, days=11, approver="局长", reason="复杂"
        )
    due = case.due_date
    case = services.case_extend(
        acting_user=desk.reviewer, case=case, days=10, approver="局长", reason="复杂"
    )
    assert case.due_date == workdays.add_workdays(due, 10)
    with pytest.raises(ValidationError, match="已延期一次"):
        services.case_extend(
            acting_user=desk.reviewer, case=case, days=2, approver="局长", reason="再延"
        )


def test_withdrawal_and_termination_need_reasons(desk):
    case = submit_at(desk)
    with pytest.raises(ValidationError):
        services.case_end(acting_user=desk.clerk, case=case, action="withdraw", reason="")
    case = services.case_end(
        acting_user=desk.clerk, case=case, action="withdraw", reason="申请人不再需要"
    )
    assert case.state == State.WITHDRAWN


def test_stale_version_gets_a_clear_conflict(desk):
    case = submit_at(desk)
    version = case.version
    services.case_accept(
        acting_user=desk.clerk, case=case, window_post=desk.post, expected_version=version
    )
    with pytest.raises(services.Conflict, match="已被他人处理"):
        services.case_refuse(
            acting_user=desk.clerk, case=case, reason="x", expected_version=version
        )


def test_verify_events_finds_a_tampered_or_deleted_event(desk):
    case = submit_at(desk, desk.instant_item)
    services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    assert events.verify([case.pk]) == []
    CaseEvent.objects.filter(case=case, seq=1).update(details={"item": "改过"})
    broken = events.verify([case.pk])
    assert broken and broken[0].seq == 1 and "被改动" in broken[0].detail
    with pytest.raises(Exception, match="事件链断裂"):
        call_command("verify_events")


def test_a_person_with_open_cases_cannot_leave_without_handover(desk):
    from onewindow.org import services as org_services

    case = submit_at(desk)
    services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    staff = desk.clerk.staff
    assert org_services.open_case_count(staff) == 1


def test_calendar_change_recomputes_open_deadlines(desk):
    case = submit_at(desk)
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    from onewindow.cases.models import Case as C

    C.objects.filter(pk=case.pk).update(due_date=datetime.date(2030, 1, 1))
    assert services.recompute_deadlines({2026}) == 1
    case.refresh_from_db()
    assert case.due_date == workdays.add_workdays(DAY, case.item.promised_limit)


def test_uploads_are_checked_by_content_and_size(desk, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = submit_at(desk, complete=False)
    row = case.materials.first()
    fake = SimpleUploadedFile("营业执照.pdf", b"MZ\x90\x00 this is an exe")
    with pytest.raises(ValidationError, match="内容不是这几种格式"):
        services.case_attach(acting_user=desk.clerk, case=case, material_id=row.pk, upload=fake)
    png_named_pdf = SimpleUploadedFile("执照.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    with pytest.raises(ValidationError, match="内容是PNG文件"):
        services.case_attach(
            acting_user=desk.clerk, case=case, material_id=row.pk, upload=png_named_pdf
        )
    settings.CASE_UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("大.pdf", b"%PDF-1.7" + b"0" * 4096)
    with pytest.raises(ValidationError, match="超过上限"):
        services.case_attach(acting_user=desk.clerk, case=case, material_id=row.pk, upload=big)
    good = SimpleUploadedFile("申请表.pdf", b"%PDF-1.7 real enough")
    services.case_attach(acting_user=desk.clerk, case=case, material_id=row.pk, upload=good)
    row.refresh_from_db()
    import hashlib

    assert row.status == CaseMaterial.Status.UPLOADED
    assert row.sha256 == hashlib.sha256(b"%PDF-1.7 real enough").hexdigest()


def test_run_jobs_command_applies_both_rules(desk):
    import io

    import time_machine

    case = submit_at(desk, day=DAY)
    with time_machine.travel(datetime.datetime(2026, 12, 15, 9, 0), tick=False):
        out = io.StringIO()
        call_command("run_jobs", stdout=out)
    case.refresh_from_db()
    assert case.state == State.ACCEPTED and case.deemed_accepted
    assert "视为受理：1件" in out.getvalue()
