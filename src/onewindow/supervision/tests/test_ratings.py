"""好差评: once per channel after the case ends; a bad rating → ticket → callback → verify →
rectify or explain; an appeal; the targets; the SMS reply; the push."""

import json

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from onewindow import workdays
from onewindow.cases import services
from onewindow.cases.api import issue_key
from onewindow.cases.models import ApiClient
from onewindow.cases.notices import SALT
from onewindow.cases.tests.conftest import APPLICANT, DAY, submit, user
from onewindow.exchange.models import Outbox
from onewindow.org.models import WindowPost
from onewindow.org.roles import RoleCode
from onewindow.supervision import kiosks, ratings
from onewindow.supervision.models import Rating, Ticket
from onewindow.testing.factories import (
    ApplicantFactory,
    CaseFactory,
    DeskFactory,
    UserFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db


def closed_case(applicant=APPLICANT):
    """An instant case accepted, decided and delivered at the demo clerk's window. Kept for
    web/tests/test_i15_22_no_500.py, which visits the case as every demo role; the tests here
    use `delivered` with a desk of their own."""
    post = WindowPost.objects.get(staff_a__user__username="clerk", kind="department")
    case = submit("个体工商户设立登记", applicant=applicant)
    case = services.case_accept(acting_user=user("clerk"), case=case, window_post=post, day=DAY)
    case = services.case_decide_at_window(
        acting_user=user("clerk"), case=case, result="approved", day=DAY
    )
    return services.case_deliver(
        acting_user=user("clerk"),
        case=case,
        mode="mail",
        day=DAY,
        detail={"address": "桃江", "carrier": "EMS", "tracking": "1"},
    )


def delivered(desk=None, applicant=APPLICANT):
    """An instant case of `desk` (a new one unless given) accepted, decided and delivered at
    its window."""
    desk = desk or DeskFactory()
    case = CaseFactory(desk=desk, item=desk.instant_item, applicant=applicant, day=DAY)
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    case = services.case_decide_at_window(
        acting_user=desk.clerk, case=case, result="approved", day=DAY
    )
    return services.case_deliver(
        acting_user=desk.clerk,
        case=case,
        mode="mail",
        day=DAY,
        detail={"address": "桃江", "carrier": "EMS", "tracking": "1"},
    )


def _inspector():
    return UserFactory(roles=[RoleCode.SUPERVISOR])  # 电子监察


def test_only_an_ended_case_is_rated_once_per_channel():
    desk = DeskFactory()
    case = CaseFactory(desk=desk, item=desk.instant_item, applicant=APPLICANT, day=DAY)
    with pytest.raises(ValidationError, match="办结、不予受理或终止后"):
        ratings.rate(case=case, channel="qr", level=1)
    case = delivered(desk)
    good = ratings.rate(case=case, channel="tablet", level=1, tags=["办事效率高"], today=DAY)
    assert good.window_post_id == case.window_post_id and good.staff_id == case.accepted_by_id
    assert not Ticket.objects.exists()
    with pytest.raises(ValidationError, match="每个渠道只能评价一次"):
        ratings.rate(case=case, channel="tablet", level=2)
    ratings.rate(case=case, channel="qr", level=2)  # another channel may
    with pytest.raises(ValidationError, match="评价等级"):
        ratings.rate(case=case, channel="web", level=6)
    with pytest.raises(ValidationError, match="写明原因"):
        ratings.rate(case=case, channel="web", level=5)
    row = Outbox.objects.get(event_id=f"rating-{good.pk}")
    assert row.topic == "rating" and row.key == f"case-{case.pk}" and row.payload["level"] == 1


def test_bad_rating_ticket_callback_verify_rectify_and_targets(client):
    desk = DeskFactory()
    case = delivered(desk)
    bad = ratings.rate(case=case, channel="qr", level=5, tags=["等候时间长"], today=DAY)
    ticket = bad.ticket
    assert ticket.due_on == workdays.add_workdays(DAY, 15) and ticket.state == "open"
    tickets = Ticket.objects.all()
    assert ratings.targets(tickets)["callback_rate"] == 0.0
    with pytest.raises(PermissionDenied):
        ratings.callback(acting_user=staff_user(RoleCode.WINDOW_CLERK), ticket=ticket, note="x")
    with pytest.raises(ValidationError, match="核实"):
        ratings.verify(acting_user=desk.reviewer, ticket=ticket, true=True, note="x")
    ticket = ratings.callback(acting_user=desk.reviewer, ticket=ticket, note="电话回访，反映排队久")
    ticket = ratings.verify(acting_user=desk.reviewer, ticket=ticket, true=True, note="属实")
    with pytest.raises(ValidationError, match="须整改"):
        ratings.finish(acting_user=desk.reviewer, ticket=ticket, outcome="explained", note="x")
    ticket = ratings.finish(
        acting_user=desk.reviewer, ticket=ticket, outcome="rectified", note="增设取号机"
    )
    assert ticket.state == "done"
    assert ratings.targets(tickets) == {
        "total": 1,
        "called_back": 1,
        "handled": 1,
        "callback_rate": 100.0,
        "handled_rate": 100.0,
    }
    # The applicant sees the outcome on the progress page.
    token = signing.dumps(case.pk, salt=SALT)
    client.force_login(ApplicantFactory(identity=APPLICANT["applicant_id"]))
    body = client.get(f"/progress/{token}/").content.decode()
    assert "已整改" in body and "增设取号机" in body


def test_an_appeal_agreed_removes_the_rating_rejected_continues():
    desk = DeskFactory()
    inspector = _inspector()
    case = delivered(desk)
    ticket = ratings.rate(case=case, channel="qr", level=4, text="不满意").ticket
    ticket = ratings.appeal(acting_user=desk.reviewer, ticket=ticket, reason="申请人误点")
    with pytest.raises(PermissionDenied):
        ratings.decide_appeal(acting_user=desk.reviewer, ticket=ticket, agree=True, note="x")
    ticket = ratings.decide_appeal(
        acting_user=inspector, ticket=ticket, agree=False, note="证据不足"
    )
    assert ticket.state == "open" and not ticket.rating.excluded
    ticket = ratings.appeal(acting_user=desk.reviewer, ticket=ticket, reason="录音证明误点")
    ticket = ratings.decide_appeal(acting_user=inspector, ticket=ticket, agree=True, note="属误评")
    assert ticket.state == "excluded" and Rating.objects.get(pk=ticket.rating_id).excluded
    assert ratings.targets(Ticket.objects.all())["total"] == 0  # not counted


def test_qr_and_tablet_pages(client):
    desk = DeskFactory()
    case = delivered(desk)
    token = signing.dumps(case.pk, salt=SALT)
    page = client.get(f"/progress/{token}/").content.decode()
    assert "提交评价" in page
    client.post(f"/progress/{token}/rate/", {"level": "2", "tags": ["服务态度好"]})
    assert Rating.objects.get(case=case, channel="qr").level == 2
    assert "提交评价" not in client.get(f"/progress/{token}/").content.decode()
    # The window's tablet is a device of its own (issue 15 item 13): registered for the window,
    # the clerk puts the case on it, the applicant rates there.
    _kiosk, device_token = kiosks.kiosk_register(
        acting_user=staff_user(RoleCode.HALL_MANAGER),
        name="评价器",
        purpose="rating",
        hall=case.window_post.hall,
        window_post=case.window_post,
    )
    device = Client()
    device.post("/kiosk/", {"token": device_token})
    clerk = Client()
    clerk.force_login(desk.clerk)
    assert "评价器" in clerk.get(f"/cases/{case.pk}/").content.decode()
    clerk.post(f"/supervision/rate/{case.pk}/")
    device.post("/kiosk/rate/", {"case": case.pk, "level": "4", "text": "材料要求说不清"})
    rating = Rating.objects.get(case=case, channel="tablet")
    assert rating.level == 4 and rating.ticket.state == "open"
    reviewer = Client()
    reviewer.force_login(desk.reviewer)
    reviewer.post(f"/supervision/tickets/{rating.ticket.pk}/callback/", {"note": "已回访"})
    assert Ticket.objects.get(pk=rating.ticket.pk).state == "called_back"
    assert "实名差评 1 件" in reviewer.get("/supervision/tickets/").content.decode()


def test_sms_reply_rates_the_case_of_that_phone(client):
    case = delivered()
    gateway = ApiClient(name="短信网关", sms_gateway=True)
    key = issue_key(gateway)

    def reply(**body):
        return client.post(
            "/api/ratings/sms",
            json.dumps(body),
            content_type="application/json",
            HTTP_X_API_KEY=key,
        )

    assert reply(case_number=case.number, phone="13900000000", reply="1").status_code == 404
    assert reply(case_number=case.number, phone=APPLICANT["phone"], reply="9").status_code == 400
    ok = reply(case_number=case.number, phone="+86 138 0737 1234", reply="5")
    assert ok.status_code == 201 and ok.json()["ticket_opened"] is True
    again = reply(case_number=case.number, phone=APPLICANT["phone"], reply="1")
    assert again.status_code == 400 and "只能评价一次" in again.json()["detail"]
