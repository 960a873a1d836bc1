"""Issue 21 items 3 and 6: the one-time notice reaches the applicant (portal and SMS), the
applicant corrects the same application online and the window continues it (deemed acceptance
counted from the correction's arrival), and withdraws before a decision; each an applicant move
through `move`, recorded with the applicant as actor on the online channel."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.cases import selectors, services
from onewindow.cases.models import Case, CaseMaterial, Channel
from onewindow.cases.services import online
from onewindow.cases.tests.conftest import DAY
from onewindow.cases.workflow import State
from onewindow.exchange.models import SmsOutbox
from onewindow.testing.factories import (
    ApplicantFactory,
    CaseFactory,
    applicant,
)
from onewindow.workdays import add_workdays

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name="补正.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def desk(_desk):
    """The root conftest's desk, built once for the module (not the cases package's, per test)."""
    return _desk


@pytest.fixture
def me():
    return applicant(2101)


@pytest.fixture
def user(me):
    return ApplicantFactory(identity=me["applicant_id"])


def correcting(desk, me, channel=Channel.ONLINE) -> Case:
    """An application with no materials, told to correct both by the desk's window on DAY."""
    case = CaseFactory(desk=desk, applicant=me, channel=channel, complete=False, day=DAY)
    problems = {m.pk: "未提供原件扫描件" for m in case.materials.all()}
    return services.case_notify_correction(
        acting_user=desk.clerk, case=case, problems=problems, day=DAY
    )


def texts_to(mobile: str) -> list[str]:
    """The queued texts to `mobile` (the number is stored encrypted: compared in Python)."""
    return [s.text for s in SmsOutbox.objects.all() if s.mobile == mobile]


def uploads(case) -> dict:
    return {m.pk: pdf(f"{m.pk}.pdf") for m in case.materials.all()}


def test_i21_notice_texts_the_applicant_with_the_portal_link_and_no_numbers(desk, me, user):
    case = correcting(desk, me, channel=Channel.WINDOW)  # at the hall, but they have an account
    [text] = texts_to(me["phone"])
    assert f"/me/cases/{case.pk}/" in text and "2项材料需要补正" in text
    assert case.correct_by == add_workdays(DAY, online.CORRECTION_WORKDAYS)
    assert f"{case.correct_by.month}月{case.correct_by.day}日前" in text
    for number in (me["phone"], me["applicant_id"], me["applicant_name"]):
        assert number not in text


def test_i21_notice_of_a_hall_case_without_account_texts_no_one(desk):
    stranger = applicant(2102)
    correcting(desk, stranger, channel=Channel.WINDOW)
    assert texts_to(stranger["phone"]) == []


def test_i21_online_case_without_account_gets_the_progress_link(desk):
    stranger = applicant(2103)
    case = correcting(desk, stranger)
    [text] = texts_to(stranger["phone"])
    assert "/progress/" in text and f"/me/cases/{case.pk}/" not in text


def test_i21_correction_online_replaces_the_files_and_returns_to_the_window(desk, me, user):
    case = correcting(desk, me, channel=Channel.WINDOW)
    later = add_workdays(DAY, 3)
    moved = online.case_correct_online(
        acting_user=user, case=case, uploads=uploads(case), day=later
    )
    assert moved.state == State.RECEIVED and moved.received_on == later
    assert moved.corrected_on == later
    rows = list(moved.materials.all())
    assert all(m.status == CaseMaterial.Status.UPLOADED and m.file and not m.note for m in rows)
    event = moved.events.order_by("-seq").first()
    assert (event.action, event.actor_id, event.channel) == ("correct_online", user.pk, "online")
    assert set(event.details["files"]) == {str(m.pk) for m in rows}
    # The window continues it: in its online queue (a hall case too), then accepted.
    assert case.pk in [c.pk for c in selectors.online_queue(user=desk.clerk)]
    accepted = services.case_accept(
        acting_user=desk.clerk, case=moved, window_post=desk.post, day=later
    )
    assert accepted.state == State.ACCEPTED


def test_i21_a_correction_must_cover_every_listed_material_and_is_checked(desk, me, user):
    case = correcting(desk, me)
    first, second = case.materials.all()
    with pytest.raises(ValidationError, match=f"还缺：{second.name}"):
        online.case_correct_online(acting_user=user, case=case, uploads={first.pk: pdf()})
    fake = SimpleUploadedFile("证明.pdf", b"just text, not a PDF", content_type="application/pdf")
    with pytest.raises(ValidationError) as bad:
        online.case_correct_online(
            acting_user=user, case=case, uploads={first.pk: fake, second.pk: pdf()}
        )
    assert "只接受PDF、JPG或PNG文件" in bad.value.message_dict[f"file_{first.pk}"][0]
    named = SimpleUploadedFile("照片.pdf", PNG, content_type="application/pdf")
    with pytest.raises(ValidationError, match="内容是PNG文件"):
        online.case_correct_online(
            acting_user=user, case=case, uploads={first.pk: named, second.pk: pdf()}
        )
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == State.CORRECTING and fresh.version == case.version  # nothing written
    assert not fresh.materials.exclude(file="").exists()


def test_i21_correction_after_acceptance_is_refused_in_chinese(desk, me, user):
    case = correcting(desk, me)
    services.case_resubmit(
        acting_user=desk.clerk,
        case=case,
        received={m.pk: "paper" for m in case.materials.all()},
        day=DAY,
    )
    case = services.case_accept(
        acting_user=desk.clerk, case=Case.objects.get(pk=case.pk), window_post=desk.post, day=DAY
    )
    with pytest.raises(ValidationError, match="受理，不能再网上补正材料"):
        online.case_correct_online(acting_user=user, case=case, uploads=uploads(case))


def test_i21_deemed_acceptance_counts_from_the_corrections_arrival(desk, me, user):
    case = correcting(desk, me)
    arrived = add_workdays(DAY, 8)  # long after the first arrival
    online.case_correct_online(acting_user=user, case=case, uploads=uploads(case), day=arrived)
    assert services.deem_overdue(add_workdays(arrived, 5)) == 0  # 5 days from the correction
    assert Case.objects.get(pk=case.pk).state == State.RECEIVED
    assert services.deem_overdue(add_workdays(arrived, 6)) == 1
    deemed = Case.objects.get(pk=case.pk)
    assert deemed.state == State.ACCEPTED and deemed.deemed_accepted
    assert deemed.accepted_on == arrived


def test_i21_only_the_applicant_corrects_or_withdraws(desk, me, user):
    case = correcting(desk, me)
    other = ApplicantFactory(identity=applicant(2104)["applicant_id"])
    with pytest.raises(PermissionDenied, match="只有申请人本人或其代理人"):
        online.case_correct_online(acting_user=other, case=case, uploads=uploads(case))
    with pytest.raises(PermissionDenied):
        online.case_withdraw_online(acting_user=desk.clerk, case=case, reason="不办了")
    assert Case.objects.get(pk=case.pk).state == State.CORRECTING


def test_i21_the_agent_who_filed_it_may_correct(desk):
    agent = applicant(2105)
    filed = applicant(2106, agent_name=agent["applicant_name"], agent_id=agent["applicant_id"])
    case = correcting(desk, filed)
    assert Case.objects.get(pk=case.pk).agent_id_digest
    user = ApplicantFactory(identity=agent["applicant_id"])
    moved = online.case_correct_online(acting_user=user, case=case, uploads=uploads(case))
    assert moved.state == State.RECEIVED
    assert case.pk in [c.pk for c in selectors.applicant_cases(user=user)]


@pytest.mark.parametrize("state", [State.RECEIVED, State.ACCEPTED, State.SUSPENDED])
def test_i21_withdraw_online_before_a_decision(desk, me, user, state):
    case = CaseFactory(desk=desk, applicant=me, state=state, day=DAY)
    with pytest.raises(ValidationError, match="须写明理由"):
        online.case_withdraw_online(acting_user=user, case=case, reason="  ")
    moved = online.case_withdraw_online(acting_user=user, case=case, reason="已在别处办理")
    assert moved.state == State.WITHDRAWN and moved.end_reason == "已在别处办理"
    event = moved.events.order_by("-seq").first()
    assert (event.action, event.actor_id, event.channel) == ("withdraw_online", user.pk, "online")


@pytest.mark.parametrize("state", [State.DECIDED, State.CLOSED])
def test_i21_withdraw_after_a_decision_is_refused(desk, me, user, state):
    case = CaseFactory(desk=desk, applicant=me, state=state, day=DAY)
    with pytest.raises(ValidationError, match="作出决定，不能再撤回申请"):
        online.case_withdraw_online(acting_user=user, case=case, reason="不需要了")
    assert Case.objects.get(pk=case.pk).state == state


def test_i21_migration_0026_fills_the_agent_digest_of_existing_cases(desk):
    import importlib

    from django.apps import apps

    from onewindow.common import crypto

    migration = importlib.import_module("onewindow.cases.migrations.0026_online_applicant")
    agent = applicant(2109)
    filed = CaseFactory(
        desk=desk,
        applicant=applicant(
            2110, agent_name=agent["applicant_name"], agent_id=agent["applicant_id"]
        ),
        day=DAY,
    )
    alone = CaseFactory(desk=desk, applicant=applicant(2111), day=DAY)
    Case.objects.filter(pk=filed.pk).update(agent_id_digest="")  # as before the migration
    migration.agent_digests(apps, None)
    assert Case.objects.get(pk=filed.pk).agent_id_digest == crypto.digest(agent["applicant_id"])
    assert Case.objects.get(pk=alone.pk).agent_id_digest == ""


def test_i21_a_combined_services_child_is_not_corrected_or_withdrawn_alone_online():
    from onewindow.cases.actions import applicant_actions, offers
    from onewindow.cases.permissions import Actor
    from onewindow.cases.services import combined
    from onewindow.cases.tests.combined_factories import combo
    from onewindow.catalog.selectors import merged_materials

    one = combo()
    me = applicant(2112)
    user = ApplicantFactory(identity=me["applicant_id"])
    lines = merged_materials(one.service)
    parent = combined.combined_submit(
        acting_user=one.clerk,
        service=one.service,
        channel=Channel.WINDOW,
        applicant=me,
        materials={line.name: "missing" if n == 0 else "paper" for n, line in enumerate(lines)},
        day=DAY,
    )
    combined.combined_notify_correction(
        acting_user=one.clerk, combined=parent, problems={lines[0].name: "未带原件"}, day=DAY
    )
    child = parent.children.filter(state=State.CORRECTING).first()
    assert child is not None
    assert texts_to(me["phone"]) == []  # one text per child would link to what cannot be done
    assert offers(applicant_actions.ACTIONS, Actor(user, DAY), child) == []
    with pytest.raises(ValidationError, match="一件事"):
        online.case_correct_online(acting_user=user, case=child, uploads=uploads(child))
    with pytest.raises(ValidationError, match="须整体撤回"):
        online.case_withdraw_online(acting_user=user, case=child, reason="不办了")
