"""Issue 15 item 3: mailing a result at the applicant's cost is not a fee, so a free item mailed
with postage never trips the "fee on a free item" rule; a real fee on it still does."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import DAY
from onewindow.cases.workflow import State
from onewindow.catalog.models import Item
from onewindow.supervision import anomalies
from onewindow.supervision.models import Anomaly
from onewindow.testing.factories import CaseFactory, DeskFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MAIL = {"address": "桃江县桃花江镇1号", "carrier": "EMS", "tracking": "1180000000001"}


def _mailed(desk, **money) -> Case:
    case = CaseFactory(desk=desk, state=State.TRANSFERRED, day=DAY)
    case = services.case_decide(acting_user=desk.reviewer, case=case, result="approved", day=DAY)
    return services.case_deliver(
        acting_user=desk.clerk, case=case, mode="mail", detail={**MAIL, **money}, day=DAY
    )


def test_i15_03_postage_on_a_free_item_is_not_a_fee(time_machine):
    time_machine.move_to(NOW, tick=False)
    desk = DeskFactory()
    mailed = _mailed(desk, postage="18")
    charged = _mailed(desk, fee="18")
    assert Item.objects.get(pk=mailed.item_id).fee_free
    anomalies.detect(DAY)
    assert not Anomaly.objects.filter(case=mailed, rule=Anomaly.Rule.FEE_ON_FREE_ITEM).exists()
    hit = Anomaly.objects.get(case=charged, rule=Anomaly.Rule.FEE_ON_FREE_ITEM)
    assert hit.evidence == {"fee": "18.00"}
    stored = Case.objects.get(pk=mailed.pk)
    assert (stored.fee, stored.postage) == (0, 18)
