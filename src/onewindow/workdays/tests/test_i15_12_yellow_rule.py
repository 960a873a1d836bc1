"""Issue 15 item 12: yellow never starts on the day of acceptance. It begins at the earliest on
the first working day after it; a case due on its acceptance day has no yellow at all."""

import datetime as dt

import pytest

from onewindow import workdays
from onewindow.workdays import deadlines

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def fresh_calendar(db):
    workdays.reload()


def test_i15_12_no_yellow_on_the_day_of_acceptance():
    monday, tuesday = D(2026, 11, 30), D(2026, 12, 1)
    assert deadlines.yellow_from(monday, deadlines.due_date(monday, 0).due) is None  # instant
    assert deadlines.due_date(monday, 1).due == tuesday
    assert deadlines.yellow_from(monday, tuesday) == tuesday  # one day: yellow on its due day
    # Accepted on a Saturday (e.g. deemed accepted), an instant case is due on Monday: that is
    # after the acceptance day, so Monday may show yellow while it is still open.
    saturday, next_monday = D(2026, 12, 5), D(2026, 12, 7)
    assert deadlines.due_date(saturday, 0).due == next_monday
    assert deadlines.yellow_from(saturday, next_monday) == next_monday
    # Longer periods keep their rule (80% used or one day left, whichever comes first).
    assert deadlines.yellow_from(D(2026, 3, 2), D(2026, 3, 5)) == D(2026, 3, 4)
