"""The clerk's queues on the demo's day (issue 17 item 2): whatever the history, the 县市监局
window has a case in each queue of its workbench, the 容缺 one received on the previous working
day by a named applicant; a second load makes nothing new."""

import pytest
from django.utils import timezone

from onewindow import workdays
from onewindow.cases import events
from onewindow.cases.actions import queues
from onewindow.cases.models import Case
from onewindow.demo import window_day
from onewindow.org.models import User

pytestmark = pytest.mark.django_db


def test_each_queue_of_the_clerks_workbench_has_its_case():
    made = window_day.load()
    assert made["window_day_cases"] == len(window_day.PEOPLE) + 1
    clerk = User.objects.get(username="clerk")
    assert queues.tab_counts("cases:workbench", clerk) == dict.fromkeys(window_day.PEOPLE, 1)
    today = timezone.localdate()
    rongque = Case.objects.get(source=window_day.SOURCE, client_key="rongque")
    assert rongque.applicant_name == window_day.PEOPLE["rongque"][0]
    assert rongque.received_on == rongque.accepted_on == workdays.previous_workday(today)
    assert rongque.rongque_open and rongque.materials.filter(rongque=True, status="missing")
    mailed = Case.objects.get(source=window_day.SOURCE, client_key="mailed")
    assert mailed.closed_on < queues.mail_overdue_before(today)  # it stands out
    assert events.verify() == []  # every chain whole
    # Idempotent, and the history is still loaded into such a database.
    assert window_day.load() == {"window_day_cases": 0}
    assert Case.objects.filter(source=window_day.SOURCE).count() == len(window_day.PEOPLE) + 1


def test_the_demo_applicant_has_a_result_to_rate_without_any_history():
    """我的办事 of the demo applicant (tests/test_browser_mobile.py runs without history): a case
    closed on the previous working day, collected in person, not rated, in no clerk's queue."""
    from onewindow.cases.selectors import applicant_cases
    from onewindow.supervision.models import Rating

    window_day.load()
    me = User.objects.get(username="applicant")
    mine = list(applicant_cases(user=me))
    assert [c.client_key for c in mine] == ["mine"]
    case = mine[0]
    assert case.state == "closed" and case.delivery_mode == Case.DeliveryMode.COLLECT
    assert case.closed_on == workdays.previous_workday(timezone.localdate())
    assert not Rating.objects.filter(case=case).exists()
    clerk = User.objects.get(username="clerk")
    assert queues.tab_counts("cases:workbench", clerk) == dict.fromkeys(window_day.PEOPLE, 1)
