"""Supervision pages: messages, warnings in scope, and the rules page with its recompute."""

import pytest
from django.core.exceptions import PermissionDenied

from onewindow.cases.models import Case
from onewindow.org.roles import RoleCode
from onewindow.supervision import services as supervision
from onewindow.supervision.models import Rules
from onewindow.supervision.tests.test_scan import transferred
from onewindow.testing.factories import DeskFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db


def _inspector():
    return UserFactory(roles=[RoleCode.SUPERVISOR])  # 电子监察


def test_warning_reaches_the_reviewers_messages_and_is_scoped(client):
    desk = DeskFactory()
    case = transferred(desk)
    supervision.scan(case.yellow_from)
    client.force_login(desk.reviewer)
    body = client.get("/supervision/messages/").content.decode()
    assert case.number in body and "未读" in body
    client.post("/supervision/messages/read/")
    assert "未读" not in client.get("/supervision/messages/").content.decode()
    client.force_login(_inspector())
    assert case.number in client.get("/supervision/warnings/").content.decode()
    client.force_login(staff_user(RoleCode.WINDOW_CLERK))  # a clerk of another unit
    other = client.get("/supervision/warnings/").content.decode()
    assert case.number not in other  # another unit does not see this unit's warnings


def test_rules_page_changes_the_yellow_threshold_and_recomputes(client):
    case = transferred()
    before = case.yellow_from
    data = {
        "yellow_days_before": 5,
        "yellow_used_percent": 50,
        "rectify_days": 15,
        "sms_enabled": "",
        "fast_minutes": 10,
        "online_answer_days": 1,
        "anomaly_rules_off": ["deemed"],
        "weight_on_time": 40,
        "weight_early": 10,
        "weight_satisfaction": 30,
        "weight_rectified": 20,
        "deduct_red": 1,
        "deduct_order": 2,
        "deduct_anomaly": 3,
        "grade_excellent": 90,
        "grade_good": 80,
        "grade_pass": 60,
    }
    client.force_login(_inspector())
    response = client.post("/supervision/rules/", data)
    assert response.status_code == 302
    assert Rules.current().yellow_days_before == 5
    assert Rules.current().anomaly_rules_off == ["deemed"]
    assert Case.objects.get(pk=case.pk).yellow_from < before  # open cases recomputed
    bad = dict(data, yellow_used_percent=120)
    response = client.post("/supervision/rules/", bad)
    assert response.status_code == 400 and "99" in response.content.decode()
    bad = dict(data, weight_early=20)
    response = client.post("/supervision/rules/", bad)
    assert response.status_code == 400 and "之和应为100，现为110" in response.content.decode()
    with pytest.raises(PermissionDenied, match="只有电子监察人员"):
        supervision.rules_save(
            acting_user=UserFactory(roles=[RoleCode.HALL_MANAGER]), data={"rectify_days": 3}
        )


def test_a_case_written_with_another_process_stale_rule_is_corrected_by_the_scan():
    from onewindow.supervision import models

    stale = Rules.current().yellow_rule()
    supervision.rules_save(
        acting_user=_inspector(), data={"yellow_days_before": 5, "yellow_used_percent": 50}
    )
    # Another process still holds the old thresholds for up to RULE_TTL seconds.
    models._cached.update(rule=stale, until=float("inf"))
    case = transferred()
    with_stale = Case.objects.get(pk=case.pk).yellow_from
    models.forget_cached_rule()
    supervision.scan(case.accepted_on)
    assert Case.objects.get(pk=case.pk).yellow_from < with_stale  # the new, earlier yellow date
