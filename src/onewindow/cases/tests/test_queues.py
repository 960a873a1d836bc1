"""Work queues per role (issue 17 item 2): each queue holds exactly the cases a registry action
waits for, scoped to the user's window posts or unit, and counts them; the mailed result's
receipt (确认签收) is a registry move of its own."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from onewindow import workdays
from onewindow.cases import services
from onewindow.cases.actions import queues
from onewindow.cases.actions.case_actions import BY_NAME
from onewindow.cases.models import Case, CaseEvent, Channel
from onewindow.cases.workflow import MOVES, State
from onewindow.testing.factories import CaseFactory, DeskFactory, applicant

pytestmark = pytest.mark.django_db

MAIL = {"address": "测试县测试路1号", "carrier": "EMS", "tracking": "1190000000001"}


@pytest.fixture
def desk(_desk):
    """The root conftest's desk, built once for the module (not the cases package's, per test)."""
    return _desk


def today() -> datetime.date:
    return timezone.localdate()


def rongque_case(desk) -> Case:
    """Accepted under 容缺: the item's minor material (营业执照) to follow."""
    first = desk.item.materials.order_by("id").first()
    case = services.application_submit(
        acting_user=desk.clerk,
        item=desk.item,
        channel=Channel.WINDOW,
        applicant=applicant(900),
        materials=[{"material_id": first.pk, "status": "paper"}],
    )
    return services.case_accept(
        acting_user=desk.clerk,
        case=case,
        window_post=desk.post,
        rongque={"commitment": "按期补齐", "deadline": workdays.add_workdays(today(), 2)},
    )


def mailed_case(desk, **kw) -> Case:
    case = CaseFactory(desk=desk, state=State.DECIDED, **kw)
    return services.case_deliver(
        acting_user=desk.clerk, case=case, mode=Case.DeliveryMode.MAIL, detail=dict(MAIL)
    )


def keys_of(queue_key: str, user, url="cases:workbench") -> set[int]:
    return set(queues.cases(queues.by_key(url, queue_key), user).values_list("pk", flat=True))


def test_each_window_queue_holds_the_cases_its_action_waits_for(desk):
    online = CaseFactory(desk=desk, channel=Channel.ONLINE)
    correcting = CaseFactory(desk=desk, state=State.CORRECTING)
    rongque = rongque_case(desk)
    decided = CaseFactory(desk=desk, state=State.DECIDED)
    mailed = mailed_case(desk)
    collected = CaseFactory(desk=desk, state=State.CLOSED)  # handed over: in no queue
    CaseFactory(desk=desk, state=State.TRANSFERRED)  # the department's

    assert keys_of("online", desk.clerk) == {online.pk}
    assert keys_of("correcting", desk.clerk) == {correcting.pk}
    assert keys_of("rongque", desk.clerk) == {rongque.pk}
    assert keys_of("deliver", desk.clerk) == {decided.pk}
    assert keys_of("mailed", desk.clerk) == {mailed.pk}
    assert collected.pk not in set().union(*(keys_of(q.key, desk.clerk) for q in queues.WINDOW))
    assert queues.tab_counts("cases:workbench", desk.clerk) == {
        "online": 1,
        "correcting": 1,
        "rongque": 1,
        "deliver": 1,
        "mailed": 1,
    }
    # B holds the same post: the same queues.
    assert queues.tab_counts("cases:workbench", desk.clerk_b)["mailed"] == 1
    # Each queue names the registry action that takes a case off it.
    assert {q.action for q in queues.QUEUES} <= set(BY_NAME)


def test_a_case_leaves_its_queue_with_the_move(desk):
    rongque = rongque_case(desk)
    services.case_supplement(acting_user=desk.clerk, case=rongque)
    decided = CaseFactory(desk=desk, state=State.DECIDED)
    services.case_deliver(acting_user=desk.clerk, case=decided, mode="mail", detail=dict(MAIL))
    counts = queues.tab_counts("cases:workbench", desk.clerk)
    assert (counts["rongque"], counts["deliver"], counts["mailed"]) == (0, 0, 1)
    mailed = Case.objects.get(pk=decided.pk)
    services.case_confirm_receipt(acting_user=desk.clerk, case=mailed, received_on=today())
    assert queues.tab_counts("cases:workbench", desk.clerk)["mailed"] == 0


def test_window_queues_are_scoped_to_the_units_the_users_posts_serve(desk):
    CaseFactory(desk=desk, state=State.DECIDED)
    mailed_case(desk)
    other = DeskFactory()
    assert queues.tab_counts("cases:workbench", other.clerk) == dict.fromkeys(
        [q.key for q in queues.WINDOW], 0
    )
    # Without a window post (the team leader here) no window queue holds anything.
    assert sum(queues.tab_counts("cases:workbench", desk.teamlead).values()) == 0


def test_a_window_queue_lists_only_cases_the_clerk_may_open(desk):
    """A comprehensive window serving the unit lists the unit's online applications, but not the
    cases accepted at the unit's own window: it may not open those (case_list_for_user)."""
    from onewindow.cases.selectors import case_list_for_user
    from onewindow.org.models import WindowPost
    from onewindow.testing.factories import WindowPostFactory

    post = WindowPostFactory(hall=desk.hall, kind=WindowPost.Kind.COMPREHENSIVE, units=[desk.unit])
    centre_clerk = post.staff_a.user
    online = CaseFactory(desk=desk, channel=Channel.ONLINE)
    CaseFactory(desk=desk, state=State.CORRECTING)
    rongque_case(desk)
    CaseFactory(desk=desk, state=State.DECIDED)
    mailed_case(desk)

    may_open = set(case_list_for_user(user=centre_clerk).values_list("pk", flat=True))
    for q in queues.WINDOW:
        assert keys_of(q.key, centre_clerk) <= may_open, q.key
    assert keys_of("online", centre_clerk) == {online.pk}
    assert queues.tab_counts("cases:workbench", centre_clerk) == {
        "online": 1,
        "correcting": 0,
        "rongque": 0,
        "deliver": 0,
        "mailed": 0,
    }
    assert queues.counts(centre_clerk, {"cases:workbench"}) == {"cases:workbench": 1}
    # The unit's own clerk still has them all.
    assert sum(queues.tab_counts("cases:workbench", desk.clerk).values()) == 5


def test_department_queues_to_decide_suspended_and_due_soon(desk):
    CaseFactory(desk=desk, state=State.TRANSFERRED)
    suspended = CaseFactory(desk=desk, state=State.SUSPENDED)
    soon = CaseFactory(desk=desk, state=State.TRANSFERRED)
    Case.objects.filter(pk=soon.pk).update(yellow_from=today())  # the stored yellow date reached
    later = today() + datetime.timedelta(days=30)
    Case.objects.exclude(pk=soon.pk).filter(state=State.TRANSFERRED).update(yellow_from=later)
    counts = queues.tab_counts("cases:department", desk.reviewer)
    assert counts == {"decide": 2, "suspended": 1, "due_soon": 1}
    assert keys_of("due_soon", desk.reviewer, "cases:department") == {soon.pk}
    assert keys_of("suspended", desk.reviewer, "cases:department") == {suspended.pk}
    # The navigation counts each case once: due soon is among those to decide.
    assert queues.counts(desk.reviewer, {"cases:department"}) == {"cases:department": 3}
    assert queues.tab_counts("cases:department", DeskFactory().reviewer)["decide"] == 0


def test_review_queue_counts_the_team_leaders_unit(desk):
    CaseFactory(desk=desk, state=State.ACCEPTED)
    assert queues.counts(desk.teamlead, {"cases:review"}) == {"cases:review": 1}
    assert queues.counts(DeskFactory().teamlead, {"cases:review"}) == {"cases:review": 0}


def test_mailed_results_without_receipt_stand_out_after_some_working_days():
    day = datetime.date(2026, 11, 18)  # a Wednesday
    assert queues.mail_overdue_before(day) == datetime.date(2026, 11, 11)
    assert workdays.workdays_between(queues.mail_overdue_before(day), day) == 5


# --- 确认签收 ---------------------------------------------------------------------------------


def test_confirm_receipt_records_the_day_as_a_move_that_keeps_the_state(desk):
    case = mailed_case(desk)
    before = case.events_seq
    done = services.case_confirm_receipt(acting_user=desk.clerk, case=case, received_on=today())
    assert done.state == State.CLOSED and done.mail_received_on == today()
    event = CaseEvent.objects.get(case=case, seq=before + 1)
    assert (event.action, event.from_state, event.to_state) == (
        "confirm_receipt",
        "closed",
        "closed",
    )
    assert event.details == {"received_on": today().isoformat()}
    assert MOVES["confirm_receipt"].target is None
    with pytest.raises(ValidationError, match="不能重复登记"):
        services.case_confirm_receipt(acting_user=desk.clerk, case=done, received_on=today())


def test_confirm_receipt_is_for_mailed_results_on_a_sensible_day(desk):
    collected = CaseFactory(desk=desk, state=State.CLOSED)
    with pytest.raises(ValidationError, match="不是邮寄送达"):
        services.case_confirm_receipt(acting_user=desk.clerk, case=collected, received_on=today())
    mailed = mailed_case(desk)
    for wrong in (None, today() + datetime.timedelta(days=1), today() - datetime.timedelta(1)):
        with pytest.raises(ValidationError):
            services.case_confirm_receipt(acting_user=desk.clerk, case=mailed, received_on=wrong)
    with pytest.raises(PermissionDenied):  # another unit's window
        services.case_confirm_receipt(
            acting_user=DeskFactory().clerk, case=mailed, received_on=today()
        )


def test_the_case_page_offers_the_receipt_to_the_window_after_a_mail_delivery(client, desk):
    mailed = mailed_case(desk)
    collected = CaseFactory(desk=desk, state=State.CLOSED)
    client.force_login(desk.clerk)
    body = client.get(f"/cases/{mailed.pk}/").content.decode()
    assert f"/cases/{mailed.pk}/act/confirm_receipt/" in body and "签收日期" in body
    assert "/act/" not in client.get(f"/cases/{collected.pk}/").content.decode()
    response = client.post(
        f"/cases/{mailed.pk}/act/confirm_receipt/",
        {"version": mailed.version, "received_on": today().isoformat()},
        follow=True,
    )
    assert "已确认签收" in response.content.decode()
    assert Case.objects.get(pk=mailed.pk).mail_received_on == today()
    body = client.get(f"/cases/{mailed.pk}/").content.decode()
    assert "/act/confirm_receipt/" not in body and "签收" in body  # in the history now
    client.force_login(desk.teamlead)  # no window post: not offered, not listed as others'
    assert "/act/confirm_receipt/" not in client.get(f"/cases/{mailed.pk}/").content.decode()


# --- the pages -----------------------------------------------------------------------------


def test_workbench_tabs_list_each_queue_with_its_count(client, desk):
    decided = CaseFactory(desk=desk, state=State.DECIDED)
    old = mailed_case(desk)
    Case.objects.filter(pk=old.pk).update(closed_on=today() - datetime.timedelta(days=20))
    client.force_login(desk.clerk)
    body = client.get("/cases/window/?queue=deliver").content.decode()
    assert 'href="?queue=deliver" aria-current="page"' in body
    assert f'href="/cases/{decided.pk}/"' in body and "共1项" in body
    assert decided.applicant_name in body and desk.item.name in body
    body = client.get("/cases/window/?queue=mailed").content.decode()
    assert f'href="/cases/{old.pk}/"' in body and "未确认签收" in body
    body = client.get("/cases/window/?queue=nonsense").content.decode()
    assert 'href="?queue=online" aria-current="page"' in body  # the first queue


def test_department_tabs(client, desk):
    suspended = CaseFactory(desk=desk, state=State.SUSPENDED)
    transferred = CaseFactory(desk=desk, state=State.TRANSFERRED)
    client.force_login(desk.reviewer)
    body = client.get("/cases/department/?queue=suspended").content.decode()
    assert f'href="/cases/{suspended.pk}/"' in body
    assert f'href="/cases/{transferred.pk}/"' not in body
    body = client.get("/cases/department/").content.decode()
    assert f'href="/cases/{suspended.pk}/"' in body and f'href="/cases/{transferred.pk}/"' in body
    assert "全部在办" in body and "中止中" in body and "临近期限" in body
