"""The due-date and time-left cells every list of cases shows, as template tags (issue 22: they
were two included templates per row)."""

import datetime
from types import SimpleNamespace

from django.template import Context, Template

from onewindow.cases.selectors import TimeLeft

ROW = Template("{% load case_deadlines %}{% due_date c %}|{% time_left_text standing %}")


def _render(due, provisional=False, standing=None) -> str:
    case = SimpleNamespace(due_date=due, due_provisional=provisional)
    return ROW.render(Context({"c": case, "standing": standing}))


def test_the_due_date_and_a_running_case_s_time_left():
    running = TimeLeft(TimeLeft.RUNNING, left=3, overdue=0)
    assert _render(datetime.date(2026, 12, 4), standing=running) == (
        f"2026-12-04|<span>{running.text}</span>"
    )


def test_an_overdue_case_is_red_and_a_provisional_date_is_marked():
    late = TimeLeft(TimeLeft.RUNNING, left=0, overdue=2)
    html = _render(datetime.date(2027, 1, 8), provisional=True, standing=late)
    date, cell = html.split("|")
    assert date.startswith('2027-01-08 <span class="tag warn" title="暂定：')
    assert date.endswith(">暂定</span>")
    assert cell == f'<span class="bad">{late.text}</span>' and "2" in late.text


def test_no_due_date_and_no_standing_are_dashes():
    assert _render(None) == "—|—"
