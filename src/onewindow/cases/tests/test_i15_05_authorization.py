"""Issue 15 item 5: losing authorization never strands a case. Every non-final state of the
workflow table, under each power the unit's window may hold for the item (decide, first review,
none: the item left out of the letter, the letter revoked, the letter expired), has a move
towards a decision that someone of the case's unit may make; what the window may no longer do
goes to the department, whose reviewers decide."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from onewindow.cases import selectors, services
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import APPLICANT, DAY, signed_in, submit_at
from onewindow.cases.workflow import MOVES, OPEN, State, Who
from onewindow.catalog.models import Item
from onewindow.mandates.models import ItemPower, Letter

INSTANT, PROMISED = "instant_item", "item"  # the desk's items
# Everyone of the case's unit who may act on it (the desk's people): window clerk, team leader
# and window supervisor (named in the letter), department reviewer.
UNIT_PEOPLE = ["clerk", "teamlead", "winsup", "reviewer"]
# The states a move from each open state may lead to that bring the case closer to a decision
# (and, from a decision, to its delivery).
TOWARDS = {
    State.RECEIVED: {State.ACCEPTED},
    State.CORRECTING: {State.RECEIVED},
    State.ACCEPTED: {State.TRANSFERRED, State.DECIDED},
    State.TRANSFERRED: {State.DECIDED},
    State.SUSPENDED: {State.TRANSFERRED},
    State.DECIDED: {State.CLOSED},
}
# "withdrawn": the item itself withdrawn from the catalogue while its cases are open.
POWERS = ["decide", "first_review", "none", "revoked", "expired", "withdrawn"]


@pytest.fixture
def desk(_desk):
    """The root conftest's desk, built once for the module (not the cases package's, per test)."""
    return _desk


def _build(desk, item_name: str, state: str) -> Case:
    """A case of the desk's unit brought to `state` while its letter is in force."""
    clerk, leader, reviewer, post = desk.clerk, desk.teamlead, desk.reviewer, desk.post
    item = getattr(desk, item_name)
    if state == State.CORRECTING:
        case = submit_at(desk, item, complete=False)
        missing = {m.pk: "未提交" for m in case.materials.filter(status="missing")}
        return services.case_notify_correction(
            acting_user=clerk, case=case, problems=missing, day=DAY
        )
    case = submit_at(desk, item)
    if state == State.RECEIVED:
        return case
    case = services.case_accept(acting_user=clerk, case=case, window_post=post, day=DAY)
    if state == State.ACCEPTED:
        return case
    case = services.case_transfer(acting_user=leader, case=case, day=DAY)
    if state == State.SUSPENDED:
        return services.case_suspend(
            acting_user=reviewer,
            case=case,
            procedure="inspection",
            expected_days=5,
            reason="抽样检验",
            day=DAY,
        )
    if state == State.DECIDED:
        return services.case_decide(acting_user=reviewer, case=case, result="approved", day=DAY)
    return case


def _lose(desk, item_name: str, power: str) -> None:
    letter = desk.letter
    granted = ItemPower.objects.filter(letter=letter, item=getattr(desk, item_name))
    if power == "decide":
        granted.update(power=ItemPower.Power.DECISION)
    elif power == "first_review":
        granted.update(power=ItemPower.Power.FIRST_REVIEW)
    elif power == "none":
        granted.delete()
    elif power == "revoked":
        Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.REVOKED)
    elif power == "withdrawn":
        Item.objects.filter(pk=granted.get().item_id).update(status=Item.Status.WITHDRAWN)
    else:
        Letter.objects.filter(pk=letter.pk).update(valid_until=DAY - datetime.timedelta(days=1))


def _invoke(action: str, case: Case, who, post) -> None:
    common = {"acting_user": who, "case": case, "day": DAY}
    calls = {
        "accept": lambda: services.case_accept(window_post=post, **common),
        "resubmit": lambda: services.case_resubmit(
            received={m.pk: "paper" for m in case.materials.all()}, **common
        ),
        "decide_at_window": lambda: services.case_decide_at_window(result="approved", **common),
        "transfer": lambda: services.case_transfer(**common),
        "forward": lambda: services.case_forward(**common),
        "take_over": lambda: services.case_take_over(**common),
        "decide": lambda: services.case_decide(result="approved", **common),
        "resume": lambda: services.case_resume(**common),
        "tech_report_resume": lambda: services.case_tech_report(conclusion="合格", **common),
        "deliver": lambda: services.case_deliver(
            mode="collect",
            detail={
                "recipient": APPLICANT["applicant_name"],
                "recipient_id": APPLICANT["applicant_id"],
                "receipt_signed": "1",
            },
            **common,
        ),
    }
    calls[action]()


class _Undo(Exception):
    pass


def _may(action: str, case_id: int, who, post) -> bool:
    """Whether `who` may make the move now; nothing of it is kept."""
    try:
        with transaction.atomic():
            _invoke(action, Case.objects.get(pk=case_id), who, post)
            raise _Undo
    except _Undo:
        return True
    except (ValidationError, PermissionDenied):
        return False


def _forward_moves(state: str) -> list[str]:
    return [
        m.action
        for m in MOVES.values()
        if state in m.sources
        and m.target in TOWARDS[state]
        and m.who not in (Who.SYSTEM, Who.APPLICANT)  # the unit's people, not the applicant
    ]


def test_i15_05_the_walk_covers_every_open_state_and_move():
    assert set(TOWARDS) == set(OPEN)
    for state in OPEN:
        assert _forward_moves(state), f"{state}: the table has no move towards a decision"


@pytest.mark.parametrize("item_name", [INSTANT, PROMISED])
@pytest.mark.parametrize("power", POWERS)
def test_i15_05_no_state_is_left_without_a_move_someone_may_make(desk, power, item_name):
    stranded = []
    with time_machine.travel(
        datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        built = {state: _build(desk, item_name, state) for state in TOWARDS}
        _lose(desk, item_name, power)
        for state, case in built.items():
            assert Case.objects.get(pk=case.pk).state == state
            who = [
                (person, action)
                for action in _forward_moves(state)
                for person in UNIT_PEOPLE
                if _may(action, case.pk, getattr(desk, person), desk.post)
            ]
            if not who:
                stranded.append(state)
    assert stranded == [], f"{item_name}, window power {power}: no one may move {stranded}"


@pytest.mark.parametrize("power", ["none", "revoked", "expired"])
def test_i15_05_the_department_takes_over_and_its_reviewer_decides(desk, power):
    with time_machine.travel(
        datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        case = _build(desk, PROMISED, State.ACCEPTED)
        _lose(desk, PROMISED, power)
        with pytest.raises(PermissionDenied, match="部门接办"):
            services.case_transfer(acting_user=desk.teamlead, case=case, day=DAY)
        assert [c.pk for c in selectors.awaiting_take_over(unit_id=case.unit_id, day=DAY)] == [
            case.pk
        ]
        case = services.case_take_over(acting_user=desk.reviewer, case=case, day=DAY)
        assert case.state == State.TRANSFERRED
        assert case.events.last().action == "take_over"
        case = services.case_decide(
            acting_user=desk.reviewer, case=case, result="approved", day=DAY
        )
        assert case.state == State.DECIDED


def test_i15_05_while_the_window_may_review_the_department_does_not_take_over(desk):
    with time_machine.travel(
        datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        case = _build(desk, PROMISED, State.ACCEPTED)
        assert list(selectors.awaiting_take_over(unit_id=case.unit_id, day=DAY)) == []
        with pytest.raises(ValidationError, match="窗口组长审核"):
            services.case_take_over(acting_user=desk.reviewer, case=case, day=DAY)
        with pytest.raises(PermissionDenied):
            services.case_take_over(acting_user=desk.clerk, case=case, day=DAY)


def test_i15_05_the_department_page_lists_what_it_must_take_over(client, desk):
    noon = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(noon, tick=False):
        case = _build(desk, PROMISED, State.ACCEPTED)
        _lose(desk, PROMISED, "revoked")
        client = signed_in(client, desk.reviewer)
        page = client.get("/cases/department/").content.decode()
        assert "待部门接办" in page and case.number in page
        detail = client.get(f"/cases/{case.pk}/").content.decode()
        assert "部门接办" in detail
        response = client.post(
            f"/cases/{case.pk}/act/take_over/", {"version": case.version, "opinion": "接办"}
        )
        assert response.status_code == 302
        assert Case.objects.get(pk=case.pk).state == State.TRANSFERRED


def test_i15_05_reviewing_items_are_those_of_the_newest_letter_in_force_with_an_active_holder(
    desk,
):
    """mandates.powers.reviewing_items (one statement since issue 22): the newest filed letter in
    force decides, and only while its supervisor or team leader is active."""
    from onewindow.mandates.powers import reviewing_items
    from onewindow.org.models import Staff

    letter, item = desk.letter, getattr(desk, PROMISED)
    assert item.pk in reviewing_items(letter.unit_id, DAY)
    holders = Staff.objects.filter(pk__in=[letter.supervisor_id, letter.team_leader_id])
    holders.filter(pk=letter.supervisor_id).update(active=False)
    assert item.pk in reviewing_items(letter.unit_id, DAY)  # the team leader still can
    holders.update(active=False)
    assert reviewing_items(letter.unit_id, DAY) == set()
    holders.update(active=True)
    # A newer letter in force that grants nothing: the older one's powers no longer count.
    Letter.objects.create(
        unit_id=letter.unit_id,
        legal_representative=letter.legal_representative,
        supervisor_id=letter.supervisor_id,
        team_leader_id=letter.team_leader_id,
        valid_from=letter.valid_from + datetime.timedelta(days=1),
        valid_until=letter.valid_until,
        status=Letter.Status.FILED,
    )
    assert reviewing_items(letter.unit_id, DAY) == set()
    case = _build(desk, PROMISED, State.ACCEPTED)
    assert [c.pk for c in selectors.awaiting_take_over(unit_id=case.unit_id, day=DAY)] == [case.pk]
