"""Anomaly rules: each detected once with its evidence, switchable, explained and confirmed."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from onewindow.cases import services
from onewindow.cases.api import issue_key
from onewindow.cases.models import ApiClient, Case, CaseEvent, Channel
from onewindow.cases.tests.conftest import APPLICANT, DAY
from onewindow.catalog.models import Item
from onewindow.org.roles import RoleCode
from onewindow.supervision import anomalies
from onewindow.supervision.models import Anomaly, Rules
from onewindow.supervision.tests.test_scan import transferred
from onewindow.testing.factories import CaseFactory, DeskFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db


def _rules(rule: str) -> list[Anomaly]:
    return list(Anomaly.objects.filter(rule=rule))


def _decided_promised(desk=None):
    desk = desk or DeskFactory()
    case = transferred(desk, DAY)
    return services.case_decide(acting_user=desk.reviewer, case=case, result="approved", day=DAY)


def test_a_promised_case_decided_within_minutes_is_flagged_once():
    desk = DeskFactory()
    case = _decided_promised(desk)
    assert anomalies.detect(DAY) >= 1
    hit = Anomaly.objects.get(rule="fast_promised", case=case)
    assert hit.evidence["minutes"] <= 10 and hit.unit_id == case.unit_id
    assert anomalies.detect(DAY) == 0  # once
    # Spread out over a day, the same sequence is not suspicious.
    later = _decided_promised(desk)
    CaseEvent.objects.filter(case=later, action="decide").update(
        at=timezone.now() + datetime.timedelta(hours=20)
    )
    Anomaly.objects.filter(case=later).delete()
    anomalies.detect(DAY)
    assert not Anomaly.objects.filter(rule="fast_promised", case=later).exists()


def test_switched_off_rules_and_thresholds_come_from_the_rules_page():
    rules = Rules.current()
    rules.anomaly_rules_off = ["fast_promised"]
    rules.save()
    _decided_promised()
    anomalies.detect(DAY)
    assert _rules("fast_promised") == []


def test_result_before_acceptance_deemed_acceptance_and_fee_on_a_free_item():
    case = _decided_promised()
    Case.objects.filter(pk=case.pk).update(
        decided_on=case.accepted_on - datetime.timedelta(days=2), fee=50, deemed_accepted=True
    )
    assert Item.objects.get(pk=case.item_id).fee_free
    anomalies.detect(DAY)
    found = set(Anomaly.objects.filter(case=case).values_list("rule", flat=True))
    assert {"result_before", "deemed", "fee_free_item"} <= found
    fee = Anomaly.objects.get(case=case, rule="fee_free_item")
    assert fee.evidence == {"fee": "50.00"}


def test_fee_is_recorded_at_delivery_and_checked():
    desk = DeskFactory()
    case = _decided_promised(desk)
    with pytest.raises(ValidationError, match="收费金额应为数字"):
        services.case_deliver(
            acting_user=desk.clerk,
            case=case,
            mode="mail",
            detail={"address": "桃江", "carrier": "EMS", "tracking": "1", "fee": "二十"},
        )
    case = services.case_deliver(
        acting_user=desk.clerk,
        case=case,
        mode="mail",
        detail={"address": "桃江", "carrier": "EMS", "tracking": "1", "fee": "20"},
    )
    assert Case.objects.get(pk=case.pk).fee == 20


def test_hall_item_accepted_without_a_window_and_online_application_left_waiting():
    desk = DeskFactory()
    case = CaseFactory(desk=desk, channel=Channel.ONLINE, applicant=APPLICANT, day=DAY)
    late = datetime.date(2026, 12, 4)  # three working days after arrival on DAY
    anomalies.detect(late)
    waiting = Anomaly.objects.get(rule="online_unanswered", case=case)
    assert waiting.evidence["working_days"] == 3
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    Case.objects.filter(pk=case.pk).update(window_post=None)  # as if accepted around the hall
    anomalies.detect(late)
    assert Anomaly.objects.filter(rule="outside_window", case=case).exists()


def test_a_case_changed_through_the_api_by_another_system(client):
    province = ApiClient(name="湖南省一体化平台")
    key = issue_key(province)
    desk = DeskFactory()
    item = desk.item
    body = {
        "item": item.implementation_code,
        "client_key": "HN-1",
        "applicant": APPLICANT,
        "materials": [{"material_id": m.pk, "status": "uploaded"} for m in item.materials.all()],
    }
    created = client.post(
        "/api/cases/applications",
        json.dumps(body),
        content_type="application/json",
        HTTP_X_API_KEY=key,
    ).json()
    case = Case.objects.get(pk=created["id"])
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post)
    case = services.case_transfer(acting_user=desk.teamlead, case=case)
    dept = ApiClient(name="市监业务系统", unit=desk.unit, acting_user=desk.reviewer)
    dept_key = issue_key(dept)
    reply = client.post(
        f"/api/cases/{case.pk}/progress",
        json.dumps({"action": "decide", "result": "approved"}),
        content_type="application/json",
        HTTP_X_API_KEY=dept_key,
    )
    assert reply.status_code == 200, reply.content
    event = CaseEvent.objects.get(case=case, action="decide")
    assert event.details["system"] == "市监业务系统"
    anomalies.detect()
    hit = Anomaly.objects.get(rule="foreign_system", case=case)
    assert hit.evidence["system"] == "市监业务系统"
    assert hit.evidence["submitted_by"] == "湖南省一体化平台"


def test_explained_by_the_unit_and_confirmed_by_the_supervisor(client):
    desk = DeskFactory()
    case = _decided_promised(desk)
    anomalies.detect(DAY)
    hit = Anomaly.objects.get(rule="fast_promised", case=case)
    with pytest.raises(PermissionDenied):
        anomalies.anomaly_explain(
            acting_user=staff_user(RoleCode.WINDOW_CLERK), anomaly=hit, text="不是我们"
        )
    with pytest.raises(ValidationError, match="情况说明"):
        anomalies.anomaly_explain(acting_user=desk.reviewer, anomaly=hit, text=" ")
    client.force_login(desk.reviewer)
    client.post(f"/supervision/anomalies/{hit.pk}/explain/", {"text": "现场核查后当场决定"})
    hit.refresh_from_db()
    assert hit.state == "explained" and hit.explanation == "现场核查后当场决定"
    with pytest.raises(PermissionDenied):
        anomalies.anomaly_confirm(acting_user=desk.reviewer, anomaly=hit)
    client.force_login(UserFactory(roles=[RoleCode.SUPERVISOR]))  # 电子监察
    client.post(f"/supervision/anomalies/{hit.pk}/confirm/")
    hit.refresh_from_db()
    assert hit.state == "confirmed"
    assert "疑似体外循环" in client.get("/supervision/anomalies/").content.decode()
