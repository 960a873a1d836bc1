"""Anomaly evidence and tickets read in plain Chinese: no Python values, a case without a
number says so and still links to the case (issue 17 item 3)."""

import re

import pytest
from django.utils import timezone

from onewindow.cases.workflow import State
from onewindow.org.roles import RoleCode
from onewindow.supervision.anomalies import evidence_text
from onewindow.supervision.models import Anomaly, Rating, Ticket
from onewindow.testing.cases import CaseFactory
from onewindow.testing.factories import DeskFactory, staff_user

pytestmark = pytest.mark.django_db

Rule = Anomaly.Rule
REPR = re.compile(r"[{}\[\]'\"]|None")

# What anomalies.detect stores for each rule.
EVIDENCE = {
    Rule.FAST_PROMISED: {
        "accepted": "2026-11-30 01:10:00+00:00",
        "decided": "2026-11-30 01:12:00+00:00",
        "minutes": 2.0,
    },
    Rule.RESULT_BEFORE_ACCEPTANCE: {"accepted_on": "2026-11-30", "decided_on": "2026-11-28"},
    Rule.OUTSIDE_HALL_WINDOW: {"channel": "dept_system"},
    Rule.ONLINE_UNANSWERED: {"received_on": "2026-11-20", "working_days": 6},
    Rule.DEEMED_ACCEPTANCE: {"received_on": "2026-11-20"},
    Rule.FEE_ON_FREE_ITEM: {"fee": "50.00"},
    Rule.FOREIGN_SYSTEM: {"system": "市监审批系统", "submitted_by": "窗口", "action": "decide"},
}


def test_every_rule_has_its_evidence_in_words():
    assert set(EVIDENCE) == set(Rule.values)
    for rule, evidence in EVIDENCE.items():
        text = evidence_text(rule, evidence)
        assert text and not REPR.search(text), (rule, text)
    fast = evidence_text(Rule.FAST_PROMISED, EVIDENCE[Rule.FAST_PROMISED])
    assert fast == "2026-11-30 09:10受理，2026-11-30 09:12作出决定，相隔2分钟"  # Shanghai time
    assert "部门业务系统" in evidence_text(Rule.OUTSIDE_HALL_WINDOW, {"channel": "dept_system"})
    assert "部门作出决定" in evidence_text(Rule.FOREIGN_SYSTEM, EVIDENCE[Rule.FOREIGN_SYSTEM])


def test_unknown_evidence_is_pairs_and_escaped_on_the_page(client):
    assert evidence_text(Rule.FEE_ON_FREE_ITEM, {"x": None, "y": [1, 2]}) == "x：—；y：1、2"
    desk = DeskFactory()
    case = CaseFactory(desk=desk, state=State.ACCEPTED)
    Anomaly.objects.create(
        rule=Rule.FOREIGN_SYSTEM,
        case=case,
        unit=desk.unit,
        evidence={"system": "<i>sys</i>", "submitted_by": "窗口", "action": "decide"},
        detected_on=timezone.localdate(),
    )
    client.force_login(staff_user(RoleCode.SUPERVISOR))
    body = client.get("/supervision/anomalies/").content.decode()
    assert "接口系统“&lt;i&gt;sys&lt;/i&gt;”" in body and "{&#x27;" not in body
    assert f'href="/cases/{case.pk}/">{case.number}</a>' in body


def test_a_ticket_of_a_case_never_accepted_says_so_and_links_to_it(client):
    desk = DeskFactory()
    case = CaseFactory(desk=desk, state=State.REFUSED)
    assert case.number is None
    rating = Rating.objects.create(
        case=case,
        channel=Rating.Channel.WEB,
        level=Rating.Level.DISSATISFIED,
        text="不予受理没有说明理由",
        unit=desk.unit,
        region=desk.unit.region.code if desk.unit.region_id else "",
    )
    today = timezone.localdate()
    ticket = Ticket.objects.create(rating=rating, unit=desk.unit, due_on=today, opened_on=today)
    client.force_login(staff_user(RoleCode.SUPERVISOR))
    link = f'<a href="/cases/{case.pk}/">（未受理，无编号）</a>'
    for url in ("/supervision/tickets/", f"/supervision/tickets/{ticket.pk}/"):
        body = client.get(url).content.decode()
        assert link in body and ">None<" not in body, url
