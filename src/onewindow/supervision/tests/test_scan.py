"""The supervision scan: lights by stored dates across the National Day holiday, warnings once,
their people in-app and by SMS, steps past their own limit."""

import datetime

import pytest
import time_machine
from django.test import override_settings

from onewindow import workdays
from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.cases.workflow import Light, State
from onewindow.exchange import services as exchange
from onewindow.org.roles import RoleCode
from onewindow.supervision import services as supervision
from onewindow.supervision.models import Message, Rules, Warning
from onewindow.supervision.sms import MemorySender
from onewindow.testing.factories import CaseFactory, DeskFactory, staff_user

pytestmark = pytest.mark.django_db

ACCEPTED = datetime.date(2026, 9, 25)  # a Friday before the National Day holiday


def transferred(desk=None, day=ACCEPTED) -> Case:
    """A promised case of `desk` (a new one unless given), accepted and transferred on `day`."""
    return CaseFactory(desk=desk or DeskFactory(), state=State.TRANSFERRED, day=day)


def _light(case) -> str:
    return Case.objects.values_list("light", flat=True).get(pk=case.pk)


@override_settings(ONEWINDOW_SMS_SENDER="onewindow.supervision.sms.MemorySender")
def test_lights_across_national_day_and_warnings_raised_once():
    MemorySender.sent.clear()
    desk = DeskFactory()
    case = transferred(desk)
    assert case.due_date > datetime.date(2026, 10, 8)  # the holiday is not counted
    supervision.scan(ACCEPTED)
    assert _light(case) == Light.GREEN and not Warning.objects.exists()
    # On a holiday before the yellow date nothing changes.
    supervision.scan(datetime.date(2026, 10, 3))
    assert _light(case) == Light.GREEN
    first = supervision.scan(case.yellow_from)
    assert exchange.sms_send().sent == len(MemorySender.sent)  # the SMS job sends the queue
    assert _light(case) == Light.YELLOW and first.moved["yellow"] == 1
    warning = Warning.objects.get(case=case)
    assert warning.kind == "yellow" and warning.due_on == case.due_date
    people = dict(Message.objects.filter(warning=warning).values_list("user__username", "role"))
    assert people[desk.reviewer.username] == "经办人"
    assert people[desk.teamlead.username] == "窗口组长"
    assert people[desk.winsup.username] == "分管领导"
    assert len(MemorySender.sent) == len(people)  # each of them by SMS too
    assert "黄灯预警" in MemorySender.sent[0][1] and case.number in MemorySender.sent[0][1]
    again = supervision.scan(case.yellow_from)  # the next scan the same day: nothing new
    assert again.warnings == 0 and sum(again.moved.values()) == 0
    late = workdays.add_workdays(case.due_date, 1)
    supervision.scan(late)
    assert _light(case) == Light.RED
    assert list(Warning.objects.filter(case=case).values_list("kind", flat=True)) == [
        "red",
        "yellow",
    ]
    supervision.scan(late + datetime.timedelta(days=1))
    assert Warning.objects.filter(case=case).count() == 2  # red stays red, raised once


def test_suspended_shown_as_such_and_ended_cases_cleared():
    desk = DeskFactory()
    case = transferred(desk)
    supervision.scan(ACCEPTED)
    case = services.case_suspend(
        acting_user=desk.reviewer,
        case=case,
        procedure="expert_review",
        expected_days=5,
        reason="专家评审",
        day=ACCEPTED,
    )
    supervision.scan(case.due_date + datetime.timedelta(days=30))
    assert _light(case) == Light.SUSPENDED and not Warning.objects.exists()  # not counted
    case = services.case_resume(acting_user=desk.reviewer, case=case, day=ACCEPTED)
    case = services.case_decide(
        acting_user=desk.reviewer, case=case, result="approved", day=ACCEPTED
    )
    assert _light(case) == Light.NONE  # the move itself puts the light out
    assert sum(supervision.scan(ACCEPTED).moved.values()) == 0


def test_rows_written_around_the_workflow_are_caught_by_the_safety_nets():
    case = transferred()
    late = workdays.add_workdays(case.due_date, 2)
    Case.objects.filter(pk=case.pk).update(light=Light.NONE)  # e.g. accepted before the scan
    assert supervision.scan(late).moved["red"] == 0  # the minute's scan leaves it to the sweep
    result = supervision.sweep(late)
    assert _light(case) == Light.RED and result.moved["red"] == 1
    Case.objects.filter(pk=case.pk).update(state="closed")  # e.g. closed by a bulk correction
    result = supervision.sweep(late)
    assert _light(case) == Light.NONE and result.moved["cleared"] == 1


def test_an_extension_gives_a_new_deadline_and_a_new_warning():
    desk = DeskFactory()
    case = transferred(desk)
    supervision.scan(case.yellow_from)
    case = services.case_extend(
        acting_user=desk.reviewer, case=case, days=10, approver="局长", reason="复杂"
    )
    supervision.scan(case.yellow_from - datetime.timedelta(days=1))
    assert _light(case) == Light.GREEN
    supervision.scan(case.yellow_from)
    dues = set(Warning.objects.filter(case=case, kind="yellow").values_list("due_on", flat=True))
    assert len(dues) == 2 and case.due_date in dues


def test_a_key_project_step_past_its_limit_warns_while_the_case_is_on_time():
    desk = DeskFactory()
    case = CaseFactory(desk=desk, day=ACCEPTED)
    case = services.case_mark_key(
        acting_user=staff_user(RoleCode.HALL_MANAGER),
        case=case,
        name="园区",
        doc="桃政函〔2026〕1号",
        day=ACCEPTED,
    )
    case = services.case_accept(
        acting_user=desk.clerk, case=case, window_post=desk.post, day=ACCEPTED
    )
    later = workdays.add_workdays(case.step_due, 1)
    assert later < case.yellow_from
    supervision.scan(later)
    step = Warning.objects.get(case=case)
    assert step.kind == "step" and step.step == "key_step" and _light(case) == Light.GREEN
    supervision.scan(later)
    assert Warning.objects.filter(case=case).count() == 1


def test_sms_can_be_switched_off_and_the_default_clock_is_today():
    MemorySender.sent.clear()
    rules = Rules.current()
    rules.sms_enabled = False
    rules.save()
    case = transferred()
    with (
        override_settings(ONEWINDOW_SMS_SENDER="onewindow.supervision.sms.MemorySender"),
        time_machine.travel(datetime.datetime(2026, 12, 31, 9, 0), tick=False),
    ):
        supervision.scan()
        exchange.sms_send()
    assert _light(case) == Light.RED
    assert Message.objects.filter(warning__case=case).exists() and MemorySender.sent == []
