"""The move registry (issue 16): every move a person makes is declared once, and the case page,
the page's endpoint and the API all read it, so the page offers exactly what the user may do."""

import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import engines

from onewindow.cases import services
from onewindow.cases.actions import (
    applicant_actions,
    case_actions,
    combined_actions,
    offers,
    perform,
)
from onewindow.cases.permissions import Actor
from onewindow.cases.tests.combined_factories import combo
from onewindow.cases.tests.conftest import APPLICANT, DAY
from onewindow.cases.workflow import MOVES, State, Who
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import CaseFactory, staff_user

pytestmark = pytest.mark.django_db

TEMPLATES = Path(case_actions.__file__).resolve().parents[1] / "templates"
# Moves made from the 一件事's page or a report form whose transition the service picks.
MADE_ELSEWHERE = {"prompt": "combined", "tech_review_suspend": "tech_review"}
MADE_ELSEWHERE |= {"tech_report_resume": "tech_report"}


def _names(template: str) -> set[str]:
    """The field names a partial's form posts, its includes followed."""
    text = (TEMPLATES / template).read_text()
    for included in re.findall(r'{% include "([^"]+)" %}', text):
        text += (TEMPLATES / included).read_text()
    return set(re.findall(r'name="([a-z_]+)"', text))


def test_every_move_a_person_makes_is_declared_once():
    """Staff moves in case_actions, the applicant's (Who.APPLICANT, the portal) in
    applicant_actions; none in both."""
    person_moves = {name for name, m in MOVES.items() if m.who not in (Who.SYSTEM, Who.APPLICANT)}
    declared = {a.name for a in case_actions.ACTIONS}
    assert person_moves - declared == set(MADE_ELSEWHERE)
    assert len(declared) == len(case_actions.ACTIONS)
    applicant_moves = {name for name, m in MOVES.items() if m.who == Who.APPLICANT}
    assert {a.name for a in applicant_actions.ACTIONS} == applicant_moves
    assert not applicant_moves & declared
    for action in applicant_actions.ACTIONS:
        assert action.sources == MOVES[action.name].sources
    for action in case_actions.ACTIONS:
        move = MOVES.get(action.name) or MOVES["tech_report"]
        assert action.sources <= move.sources | MOVES.get("tech_report_resume").sources


@pytest.mark.parametrize(
    "action", case_actions.ACTIONS + applicant_actions.ACTIONS, ids=lambda a: a.name
)
def test_each_forms_fields_are_its_schemas(action):
    """The page form and the API take the same input: every field of the schema is on the form
    (where the form is read field by field) and the form posts nothing the schema lacks."""
    names = _names(action.partial) if action.partial else set()
    if action.form is None:
        assert names == set(action.schema.model_fields) | set(action.files)
    else:
        assert set(action.files) <= names
    engines["django"].engine.get_template(action.partial)  # it parses


@pytest.fixture
def desk(_desk):
    """The root conftest's desk, built once for the module (not the cases package's, per test)."""
    return _desk


def _as(client, who):
    client.force_login(who)
    return client


def submit(desk):
    """A window application of the desk's promised item, every material received."""
    return CaseFactory(desk=desk, applicant=APPLICANT, day=DAY)


def _accepted_at_department_window(desk):
    case = submit(desk)
    return services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)


def test_the_case_page_offers_only_what_its_user_may_do_now(client, desk):
    case = _accepted_at_department_window(desk)
    clerk = _as(client, desk.clerk).get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/act/transfer/" not in clerk  # the team leader's
    assert f"/cases/{case.pk}/act/forward/" not in clerk  # comprehensive windows only
    assert f"/cases/{case.pk}/act/mark_key/" not in clerk  # the hall manager's
    assert "需由他人办理" in clerk and "组长审核并转部门" in clerk  # who can, for a colleague
    assert "由窗口组长办理" in clerk
    assert "标记重点项目" not in clerk  # the hall manager's: not even listed as someone else's
    leader = _as(client, desk.teamlead).get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/act/transfer/" in leader
    assert f"/cases/{case.pk}/act/decide/" not in leader  # not yet the department's
    manager = (
        _as(client, staff_user(RoleCode.HALL_MANAGER)).get(f"/cases/{case.pk}/").content.decode()
    )
    assert f"/cases/{case.pk}/act/mark_key/" in manager
    assert f"/cases/{case.pk}/act/transfer/" not in manager and "需由他人办理" not in manager


def test_an_offer_is_what_the_service_allows_and_its_reason_is_the_services(desk):
    case = _accepted_at_department_window(desk)
    transfer = case_actions.BY_NAME["transfer"]
    data = transfer.schema(opinion="同意")
    clerk_offer = next(o for o in offers([transfer], Actor(desk.clerk, DAY), case))
    assert not clerk_offer.allowed
    with pytest.raises(PermissionDenied) as refused:
        perform(transfer, user=desk.clerk, subject=case, data=data, day=DAY)
    assert str(refused.value.args[0]) == clerk_offer.reason
    leader_offer = next(o for o in offers([transfer], Actor(desk.teamlead, DAY), case))
    assert leader_offer.allowed
    moved = perform(transfer, user=desk.teamlead, subject=case, data=data, day=DAY)
    assert moved.state == State.TRANSFERRED


def test_ended_case_offers_nothing(client, desk):
    case = submit(desk)
    services.case_refuse(acting_user=desk.clerk, case=case, reason="不符合条件", day=DAY)
    body = _as(client, desk.clerk).get(f"/cases/{case.pk}/").content.decode()
    assert "该办件已结束" in body and "/act/" not in body


def test_staff_api_takes_a_move_with_the_same_schema_and_rules(client, desk):
    case = _accepted_at_department_window(desk)
    url = f"/api/cases/{case.pk}/actions/transfer"
    body = json.dumps({"opinion": "同意", "version": case.version})
    refused = _as(client, desk.clerk).post(url, body, content_type="application/json")
    assert refused.status_code == 403 and "需要" in refused.json()["detail"]
    done = _as(client, desk.teamlead).post(url, body, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == State.TRANSFERRED
    stale = client.post(url, body, content_type="application/json")
    assert stale.status_code in (400, 409)
    schema = client.get("/api/openapi.json").json()
    assert f"/api/cases/{{case_id}}/actions/{'transfer'}" in schema["paths"]


def test_combined_page_reads_the_same_registry():
    names = {a.name for a in combined_actions.ACTIONS}
    assert {"accept", "refuse", "deliver", "withdraw", "mark_key", "prompt"} <= names
    for action in combined_actions.ACTIONS:
        if action.partial:
            engines["django"].engine.get_template(action.partial)


def test_the_navigation_counts_the_cases_waiting_for_a_registry_move(client, desk):
    from onewindow.cases.actions.queues import QUEUES
    from onewindow.web.navigation import nav_for

    assert {q.action for q in QUEUES} <= set(case_actions.BY_NAME)
    before = {url: n for _label, url, n in nav_for(desk.teamlead)}
    _accepted_at_department_window(desk)
    after = {url: n for _label, url, n in nav_for(desk.teamlead)}
    assert after["/cases/review/"] == (before["/cases/review/"] or 0) + 1
    body = _as(client, desk.teamlead).get("/cases/review/").content.decode()
    assert f"待办{after['/cases/review/']}件" in body


def test_acceptance_is_offered_only_to_someone_at_a_hall_window_of_the_unit(desk):
    """The letter's team leader holds the power to accept but no hall post: 受理 is not offered
    to them as a move they could make (the service would refuse it, S13)."""
    case = submit(desk)
    accept = case_actions.BY_NAME["accept"]
    leader = next(o for o in offers([accept], Actor(desk.teamlead, DAY), case))
    assert not leader.allowed and "S13" in leader.reason
    clerk = next(o for o in offers([accept], Actor(desk.clerk, DAY), case))
    assert clerk.allowed


def test_a_later_stage_of_a_combined_service_is_not_moved_by_hand():
    from onewindow.cases.services import combined
    from onewindow.catalog.selectors import merged_materials

    one = combo()
    parent = combined.combined_submit(
        acting_user=one.clerk,
        service=one.service,
        channel="window",
        applicant=APPLICANT,
        materials={line.name: "paper" for line in merged_materials(one.service)},
        day=DAY,
    )
    parent = combined.combined_accept(
        acting_user=one.clerk, combined=parent, window_post=one.post, day=DAY
    )
    later = parent.children.get(stage=2, item=one.desks[-1].item)
    assert later.state == State.ACCEPTED
    found = {o.action.name for o in offers(case_actions.ACTIONS, Actor(one.clerk, DAY), later)}
    assert not {"forward", "transfer", "decide_at_window"} & found
    forward = case_actions.BY_NAME["forward"]
    with pytest.raises(ValidationError, match="不适用"):
        perform(forward, user=one.clerk, subject=later, data=forward.schema(), day=DAY)


def test_a_decision_waits_for_the_rongque_materials_and_says_so(desk):
    case = submit(desk)
    case.rongque_open = True  # as a 容缺 acceptance leaves it, without building one here
    department = case_actions.BY_NAME["decide"].refusal(Actor(desk.reviewer, DAY), case)
    assert department is not None and "容缺材料尚未补齐" in department


def test_the_staff_api_needs_csrf_and_a_role_that_acts_on_cases(desk):
    from django.test import Client

    case = _accepted_at_department_window(desk)
    url = f"/api/cases/{case.pk}/actions/transfer"
    body = json.dumps({"opinion": "同意", "version": case.version})
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(desk.teamlead)
    assert strict.post(url, body, content_type="application/json").status_code == 403
    case.refresh_from_db()
    assert case.state == State.ACCEPTED
    inspector = Client()
    inspector.force_login(staff_user(RoleCode.SUPERVISOR, title="电子监察员"))
    refused = inspector.post(url, body, content_type="application/json")
    assert refused.status_code in (403, 404) and case.state == State.ACCEPTED
