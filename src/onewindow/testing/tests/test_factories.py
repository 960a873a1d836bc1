"""The factories make valid objects, and a case reaches every state through the services."""

import pytest

from onewindow.cases.models import CaseEvent, Channel
from onewindow.cases.workflow import State
from onewindow.mandates.powers import Power, may
from onewindow.testing.factories import (
    ApiClientFactory,
    ApplicantFactory,
    CaseFactory,
    CombinedServiceFactory,
    DeskFactory,
    ItemFactory,
    LetterFactory,
)

pytestmark = pytest.mark.django_db


def test_every_object_passes_full_clean():
    desk = DeskFactory()
    for obj in (desk.unit, desk.hall, desk.post, desk.item, desk.instant_item, desk.letter):
        obj.full_clean()
    assert desk.unit.leader_in_charge == desk.winsup.staff
    assert desk.item.status == "published" and desk.item.hall_status == "entered"
    assert desk.letter.status == "filed" and desk.letter.powers.count() == 2
    assert desk.item.implementation_code.startswith(desk.unit.credit_code)


def test_the_desk_people_hold_the_powers_the_letter_grants():
    desk = DeskFactory()
    assert may(desk.clerk.staff, desk.item) == Power.ACCEPT
    assert may(desk.clerk.staff, desk.instant_item) == Power.DECIDE
    assert may(desk.teamlead.staff, desk.item) == Power.FIRST_REVIEW
    assert may(desk.reviewer.staff, desk.item) == Power.NOTHING


@pytest.mark.parametrize("state", list(State))
def test_a_case_reaches_every_state_through_the_services(state):
    case = CaseFactory(state=state)
    assert case.state == state
    actions = list(case.events.order_by("seq").values_list("action", flat=True))
    assert actions[0] == "submit" and len(actions) == case.events_seq


def test_an_instant_case_is_decided_at_the_window():
    desk = DeskFactory()
    case = CaseFactory(desk=desk, item=desk.instant_item, state=State.CLOSED)
    assert "decide_at_window" in case.events.values_list("action", flat=True)


def test_online_cases_and_other_objects():
    case = CaseFactory(channel=Channel.ONLINE)
    assert case.channel == Channel.ONLINE and case.state == State.RECEIVED
    assert CaseEvent.objects.filter(case=case, actor__isnull=True).exists()
    service = CombinedServiceFactory()
    assert service.status == "published" and service.members.count() == 2
    assert LetterFactory(status="draft", unit=ItemFactory().unit).status == "draft"
    client = ApiClientFactory()
    assert client.key.startswith("ow_") and client.pk
    assert ApplicantFactory().identity_digest
