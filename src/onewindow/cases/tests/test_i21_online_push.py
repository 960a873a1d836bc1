"""Issue 21, done when: an application corrected and withdrawn online reaches the provincial push
and the supervision figures exactly as a window one does (mirrors exchange/tests/test_push.py and
supervision/tests/test_dashboard.py)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from onewindow.cases import services
from onewindow.cases.models import Case, Channel
from onewindow.cases.national import apply_no
from onewindow.cases.services import online
from onewindow.cases.tests.conftest import DAY
from onewindow.cases.workflow import State
from onewindow.exchange import services as exchange
from onewindow.exchange.tests.conftest import receiver  # noqa: F401 (the stand-in receiver)
from onewindow.supervision import dashboard
from onewindow.supervision.models import DayStat
from onewindow.testing.factories import ApplicantFactory, CaseFactory, DeskFactory, applicant

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _through(desk, channel: str, who: dict) -> Case:
    """Submitted short of everything on DAY, told to correct, corrected (online by the applicant,
    or at the window), accepted, decided at the window and delivered."""
    case = CaseFactory(
        desk=desk, item=desk.instant_item, applicant=who, channel=channel, complete=False, day=DAY
    )
    on = {"acting_user": desk.clerk, "day": DAY}
    problems = {m.pk: "未提供" for m in case.materials.all()}
    case = services.case_notify_correction(case=case, problems=problems, **on)
    if channel == Channel.ONLINE:
        user = ApplicantFactory(identity=who["applicant_id"])
        files = {m.pk: SimpleUploadedFile(f"{m.pk}.pdf", PDF) for m in case.materials.all()}
        case = online.case_correct_online(acting_user=user, case=case, uploads=files, day=DAY)
    else:
        received = {m.pk: "paper" for m in case.materials.all()}
        case = services.case_resubmit(case=case, received=received, **on)
    case = services.case_accept(case=case, window_post=desk.post, **on)
    case = services.case_decide_at_window(case=case, result="approved", **on)
    return services.case_deliver(
        case=case,
        mode=Case.DeliveryMode.COLLECT,
        detail={
            "recipient": who["applicant_name"],
            "recipient_id": who["applicant_id"],
            "receipt_signed": "1",
        },
        **on,
    )


def _data_sets(got: list[dict], case: Case) -> list[str]:
    return [r["data_set"] for r in got if r["apply_no"] == apply_no(case)]


def test_i21_online_cases_are_pushed_and_counted_as_window_ones(receiver):  # noqa: F811
    desk = DeskFactory()
    hall = _through(desk, Channel.WINDOW, applicant(2301))
    web = _through(desk, Channel.ONLINE, applicant(2302))
    assert hall.state == web.state == State.CLOSED
    result = exchange.push(batch=50)
    assert result.failed == 0 and result.sent >= 2 * 6
    got = receiver.store.records()
    assert _data_sets(got, web) == _data_sets(got, hall)  # the same records, in the same order
    assert "completion" in _data_sets(got, web)
    steps = [
        r
        for r in got
        if r["apply_no"] == apply_no(web) and r["data_set"] == "handling" and r["step_seq"] == 3
    ]
    assert steps and steps[0]["step_action"] == "1"  # the correction carries it forward
    # The supervision figures count both alike.
    dashboard.rollup(timezone.now() + datetime.timedelta(minutes=5))
    stats = DayStat.objects.filter(unit_id=desk.unit.pk)
    assert sum(s.received for s in stats) == 2 and sum(s.accepted for s in stats) == 2
    assert sum(s.decided for s in stats) == 2 and sum(s.closed for s in stats) == 2


def test_i21_a_withdrawal_online_is_pushed_as_the_windows_withdrawal(receiver):  # noqa: F811
    desk = DeskFactory()
    me = applicant(2303)
    user = ApplicantFactory(identity=me["applicant_id"])
    web = CaseFactory(desk=desk, applicant=me, channel=Channel.ONLINE, state=State.ACCEPTED)
    hall = CaseFactory(desk=desk, applicant=applicant(2304), state=State.ACCEPTED)
    online.case_withdraw_online(acting_user=user, case=web, reason="项目取消")
    services.case_end(acting_user=desk.clerk, case=hall, action="withdraw", reason="项目取消")
    assert exchange.push(batch=50).failed == 0
    got = receiver.store.records()
    ends = {
        r["apply_no"]: r
        for r in got
        if r["data_set"] == "completion" and r["apply_no"] in (apply_no(web), apply_no(hall))
    }
    assert set(ends) == {apply_no(web), apply_no(hall)}
    assert {r["result_code"] for r in ends.values()} == {"3"}  # 撤回
