"""督办: issued on a warning, answered by the unit, closed with a result; unanswered, escalated
once across a holiday-aware deadline."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onewindow import workdays
from onewindow.org.roles import RoleCode
from onewindow.supervision import orders
from onewindow.supervision import services as supervision
from onewindow.supervision.models import Message, Order, Warning
from onewindow.supervision.tests.test_scan import transferred
from onewindow.testing.factories import DeskFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db

SEPT_30 = datetime.date(2026, 9, 30)  # the day before the National Day holiday


def _inspector():
    return UserFactory(roles=[RoleCode.SUPERVISOR])  # 电子监察


def test_order_on_a_red_warning_answered_and_closed(client):
    desk = DeskFactory()
    inspector = _inspector()
    case = transferred(desk)
    supervision.scan(workdays.add_workdays(case.due_date, 1))
    warning = Warning.objects.get(case=case, kind="red")
    order = orders.order_issue(
        acting_user=inspector,
        content="超期未办结，请说明原因并限期办结",
        response_days=3,
        warning=warning,
        case=case,
        today=SEPT_30,
    )
    assert order.unit_id == case.unit_id and order.rule == "红灯预警（超期）"
    # Three working days after the holiday: Thu 8, Fri 9 and Sat 10 October (a make-up day).
    assert order.respond_by == datetime.date(2026, 10, 10)
    people = dict(Message.objects.filter(order=order).values_list("user__username", "role"))
    assert people == {
        desk.winsup.username: "分管领导"
    }  # leader in charge, also the letter's supervisor
    with pytest.raises(PermissionDenied, match="只有"):
        orders.order_respond(
            acting_user=staff_user(RoleCode.WINDOW_CLERK), order=order, response="不是我们的"
        )
    with pytest.raises(ValidationError, match="单位反馈后"):
        orders.order_close(acting_user=inspector, order=order, result="好")
    order = orders.order_respond(acting_user=desk.reviewer, order=order, response="已办结")
    assert order.state == Order.State.ANSWERED
    with pytest.raises(PermissionDenied):
        orders.order_close(acting_user=desk.reviewer, order=order, result="自己办结")
    order = orders.order_close(acting_user=inspector, order=order, result="已核实办结")
    assert order.state == Order.State.CLOSED
    client.force_login(inspector)
    body = client.get("/supervision/orders/").content.decode()
    assert case.number in body and "已办结" in body


def test_only_supervisors_issue_and_bad_input_is_named():
    unit = DeskFactory().unit
    hall_manager = staff_user(RoleCode.HALL_MANAGER)
    with pytest.raises(PermissionDenied, match="电子监察"):
        orders.order_issue(acting_user=hall_manager, content="x", response_days=3, unit=unit)
    inspector = _inspector()
    with pytest.raises(ValidationError) as err:
        orders.order_issue(acting_user=inspector, content=" ", response_days=0, unit=unit)
    assert set(err.value.message_dict) == {"content", "response_days"}


def test_unanswered_orders_escalate_once():
    desk = DeskFactory()
    unit = desk.unit
    order = orders.order_issue(
        acting_user=_inspector(),
        content="窗口多次被投诉，请整改",
        response_days=1,
        unit=unit,
        rule="群众投诉",
        today=SEPT_30,
    )
    assert orders.escalate_overdue(datetime.date(2026, 10, 8)) == 0  # due 10-09: not yet
    assert orders.escalate_overdue(datetime.date(2026, 10, 10)) == 1
    order.refresh_from_db()
    assert order.state == Order.State.ESCALATED and order.escalated_on == datetime.date(
        2026, 10, 10
    )
    roles = set(Message.objects.filter(order=order).values_list("role", flat=True))
    assert "大厅管理" in roles
    assert orders.escalate_overdue(datetime.date(2026, 10, 12)) == 0  # once
    order = orders.order_respond(acting_user=desk.winsup, order=order, response="已整改")
    assert order.state == Order.State.ANSWERED


def test_order_pages(client):
    desk = DeskFactory()
    case = transferred(desk)
    supervision.scan(case.yellow_from)
    warning = Warning.objects.get(case=case)
    client.force_login(_inspector())
    assert "督办" in client.get("/supervision/warnings/").content.decode()
    response = client.post(
        "/supervision/orders/new/",
        {"warning": warning.pk, "content": "请加快办理", "response_days": "2"},
    )
    order = Order.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/supervision/orders/{order.pk}/"
    )
    bad = client.post(
        "/supervision/orders/new/", {"unit": "1", "content": "", "response_days": "x"}
    )
    assert bad.status_code == 400 and "请填写督办内容" in bad.content.decode()
    client.force_login(desk.reviewer)
    client.post(f"/supervision/orders/{order.pk}/respond/", {"response": "今日办结"})
    order.refresh_from_db()
    assert order.state == Order.State.ANSWERED
    client.force_login(staff_user(RoleCode.WINDOW_CLERK))  # of another unit
    assert client.get(f"/supervision/orders/{order.pk}/").status_code == 404
