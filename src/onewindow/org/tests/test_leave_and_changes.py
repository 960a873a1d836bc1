import datetime

import pytest
from django.core.exceptions import ValidationError

from onewindow.org import cover, services
from onewindow.org.models import Leave, Staff, StaffChange, WindowPost
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import StaffFactory, WindowPostFactory, staff_user

pytestmark = pytest.mark.django_db

MON, WED = datetime.date(2026, 12, 7), datetime.date(2026, 12, 9)


@pytest.fixture
def post(desk):
    """The desk's department window: A is its clerk, B its second clerk."""
    return WindowPost.objects.select_related("staff_a", "staff_b").get(pk=desk.post.pk)


def _leave(staff, start=MON, end=WED, reason="事假"):
    return services.leave_request(
        acting_user=staff.user,
        staff=staff,
        start=start,
        end=end,
        reason=reason,
    )


def test_leave_is_approved_when_b_is_present(post):
    leave, gaps = _leave(post.staff_a)
    assert leave.status == Leave.Status.APPROVED and gaps == []


def test_leave_is_refused_without_b_cover_then_approved_once_cover_exists(post):
    b_leave, _ = _leave(post.staff_b, start=WED, end=WED, reason="病假")
    assert b_leave.status == Leave.Status.APPROVED  # B holds no A post of their own
    leave, gaps = _leave(post.staff_a)
    assert leave.status == Leave.Status.REFUSED
    assert [g.post for g in gaps] == [post] and gaps[0].days == [WED]
    assert str(post.number) in leave.decision and "12月9日" in leave.decision
    assert "当日请假" in leave.decision
    Leave.objects.filter(pk=b_leave.pk).update(status=Leave.Status.CANCELLED)
    again, gaps = _leave(post.staff_a)
    assert again.status == Leave.Status.APPROVED and gaps == []


def test_a_b_who_is_a_elsewhere_cannot_cover():
    post = WindowPostFactory()
    WindowPostFactory(hall=post.hall, staff_a=post.staff_b, staff_b=post.staff_a)  # each other's B
    leave, gaps = _leave(post.staff_a)
    assert leave.status == Leave.Status.REFUSED
    assert "同时是其他窗口的A岗" in gaps[0].why


def test_a_post_without_b_never_lets_a_go(post):
    WindowPost.objects.filter(pk=post.pk).update(staff_b=None)
    leave, gaps = _leave(post.staff_a)
    assert leave.status == Leave.Status.REFUSED and "未配备B岗" in gaps[0].why


def test_only_working_days_need_cover(post):
    _leave(post.staff_b, start=datetime.date(2026, 12, 12), end=datetime.date(2026, 12, 13))
    leave, _ = _leave(
        post.staff_a, start=datetime.date(2026, 12, 12), end=datetime.date(2026, 12, 13)
    )
    assert leave.status == Leave.Status.APPROVED  # a weekend: the hall is closed


def test_leave_that_ends_before_it_starts_is_refused_and_not_saved(post):
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        _leave(post.staff_a, start=WED, end=MON)
    assert not Leave.objects.filter(staff=post.staff_a).exists()


def test_leave_dates_out_of_range_are_refused(post):
    with pytest.raises(ValidationError, match="超出工作日历的范围"):
        _leave(post.staff_a, start=datetime.date(2099, 1, 1), end=datetime.date(2099, 1, 2))
    with pytest.raises(ValidationError, match="不能超过一年"):
        _leave(post.staff_a, start=MON, end=datetime.date(2028, 1, 1))


def test_overlapping_leave_is_refused(post):
    _leave(post.staff_a)
    with pytest.raises(ValidationError, match="已有批准的请假"):
        _leave(post.staff_a, start=WED, end=WED)


def test_cover_on_a_day(post):
    _leave(post.staff_a, start=MON, end=MON)
    row = next(r for r in cover.cover_on(MON, [post]) if r.post == post)
    assert not row.a_present and row.on_duty == post.staff_b
    Leave.objects.create(staff=post.staff_b, start=MON, end=MON, reason="x", status="approved")
    row = cover.cover_on(MON, [post])[0]
    assert row.on_duty is None


def test_hall_cover_page_flags_posts_with_nobody(client, post):
    Leave.objects.create(staff=post.staff_a, start=MON, end=MON, reason="x", status="approved")
    Leave.objects.create(staff=post.staff_b, start=MON, end=MON, reason="x", status="approved")
    client.force_login(staff_user(RoleCode.HALL_MANAGER))
    body = client.get("/hall/cover/", {"day": "2026-12-07"}).content.decode()
    assert "无人在岗的窗口（1个）" in body and str(post) in body


def test_leave_page_shows_the_refusal(client, desk, post):
    Leave.objects.create(staff=post.staff_b, start=MON, end=WED, reason="x", status="approved")
    client.force_login(desk.clerk)
    response = client.post(
        "/org/leave/", {"start": "2026-12-07", "end": "2026-12-08", "reason": "事假"}
    )
    body = response.content.decode()
    assert response.status_code == 400 and "不予批准" in body and "12月7日" in body


# --- staff changes -------------------------------------------------------------------------

TODAY = datetime.date(2026, 11, 26)


def _notify(desk, staff, **kw):
    data = {
        "acting_user": desk.winsup,
        "staff": staff,
        "kind": StaffChange.Kind.WITHDRAW,
        "effective_on": TODAY + datetime.timedelta(days=7),
        "reason": "工作调整",
        "successor": None,
        "handover": "",
        "today": TODAY,
    }
    data.update(kw)
    return services.staff_change_notify(**data)


def test_a_change_needs_prior_notice_and_a_successor_for_posts(desk, post):
    with pytest.raises(ValidationError) as exc:
        _notify(desk, post.staff_a, effective_on=TODAY)
    assert "事先报备" in str(exc.value) and "须指定接替人员" in str(exc.value)
    assert not StaffChange.objects.exists()


def test_open_cases_need_a_written_handover(desk, post, monkeypatch):
    monkeypatch.setattr(services, "OPEN_CASE_COUNTERS", [lambda staff: 3])
    spare = desk.reviewer.staff  # of the same unit
    with pytest.raises(ValidationError, match="有3件在办件"):
        _notify(desk, post.staff_a, successor=spare)


def test_confirmed_change_hands_the_post_to_the_successor(desk, post):
    spare = desk.reviewer.staff  # of the same unit
    change = _notify(desk, post.staff_a, successor=spare, handover="在办件交审核员")
    with pytest.raises(Exception, match="政务服务中心管理员"):
        services.staff_change_decide(acting_user=desk.winsup, change=change, confirm=True)
    services.staff_change_decide(
        acting_user=staff_user(RoleCode.HALL_MANAGER), change=change, confirm=True
    )
    post.refresh_from_db()
    assert post.staff_a == spare
    assert not Staff.objects.get(pk=change.staff_id).active


def test_successor_from_another_unit_is_refused(desk, post):
    other = StaffFactory()  # of a new unit
    with pytest.raises(ValidationError, match="同一派出单位"):
        _notify(desk, post.staff_a, successor=other)
