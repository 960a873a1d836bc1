"""Issue 15 item 12: an instant case (due the day it is accepted) raises no yellow warning and
no message when it is accepted; it is warned (red) only if it is still open after its day."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from onewindow import workdays
from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import DAY
from onewindow.cases.workflow import Light
from onewindow.supervision import services as supervision
from onewindow.supervision.models import Message, Warning
from onewindow.testing.factories import CaseFactory, DeskFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _light(case) -> str:
    return Case.objects.values_list("light", flat=True).get(pk=case.pk)


def test_i15_12_an_instant_case_is_not_warned_when_it_is_accepted(time_machine):
    time_machine.move_to(NOW, tick=False)
    desk = DeskFactory()
    case = CaseFactory(desk=desk, item=desk.instant_item, day=DAY)
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    assert case.due_date == DAY and case.yellow_from is None
    supervision.scan(DAY)
    supervision.sweep(DAY)
    assert _light(case) == Light.GREEN
    assert not Warning.objects.filter(case=case).exists()
    assert not Message.objects.filter(warning__case=case).exists()
    # Left open past its day, it is late: red, warned once.
    next_day = workdays.add_workdays(DAY, 1)
    time_machine.move_to(datetime.datetime.combine(next_day, NOW.timetz()), tick=False)
    supervision.scan(next_day)
    supervision.scan(next_day)
    assert _light(case) == Light.RED
    assert list(Warning.objects.filter(case=case).values_list("kind", flat=True)) == ["red"]
