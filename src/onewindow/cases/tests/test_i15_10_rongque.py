"""Issue 15 item 10: 容缺 acceptance marks every missing minor material as 容缺 on the case's
checklist, the 容缺受理通知书 names each of them, and "容缺材料已补齐" marks them received with the
time they came; the case page shows what is true."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from onewindow import workdays
from onewindow.cases import notices, services
from onewindow.cases.models import Case, CaseMaterial
from onewindow.cases.tests.conftest import DAY, submit_at
from onewindow.catalog.models import Material
from onewindow.testing.factories import DeskFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
LATER = datetime.datetime(2026, 12, 3, 14, 5, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def desk(db):
    """A desk whose promised item has one minor material that may come later (容缺)."""
    return DeskFactory(
        item__materials=(
            {"name": "食品经营许可申请书", "originals": 1, "copies": 0},
            {
                "name": "食品安全管理人员培训合格证明",
                "originals": 0,
                "copies": 1,
                "is_main": False,
                "rongque": True,
            },
        )
    )


def _two_minor_missing(desk):
    item = desk.item
    Material.objects.create(
        item=item,
        order=99,
        name="从业人员健康证明",
        required=False,
        is_main=False,
        rongque=True,
        originals=0,
        copies=1,
    )
    case = submit_at(desk)
    case.materials.filter(material__rongque=True).update(status=CaseMaterial.Status.MISSING)
    return case


def _accept(case, desk):
    return services.case_accept(
        acting_user=desk.clerk,
        case=case,
        window_post=desk.post,
        day=DAY,
        rongque={"commitment": "本人承诺按期补齐", "deadline": workdays.add_workdays(DAY, 3)},
    )


def test_i15_10_rongque_acceptance_marks_and_the_notice_names_every_missing_minor_material(
    desk, time_machine
):
    time_machine.move_to(NOW, tick=False)
    case = _accept(_two_minor_missing(desk), desk)
    flagged = set(case.materials.filter(rongque=True).values_list("name", flat=True))
    assert flagged == {"食品安全管理人员培训合格证明", "从业人员健康证明"}
    assert notices.available(case) == ["rongque"]
    text = "".join(notices._body(case, "rongque"))
    assert "次要材料（）" not in text
    assert "食品安全管理人员培训合格证明" in text and "从业人员健康证明" in text
    # Materials that were handed in are not 容缺.
    assert not case.materials.filter(rongque=True).exclude(status="missing").exists()


def test_i15_10_rongque_is_refused_when_nothing_minor_is_missing(desk, time_machine):
    time_machine.move_to(NOW, tick=False)
    case = submit_at(desk)
    with pytest.raises(ValidationError, match="没有暂缺的次要材料"):
        _accept(case, desk)


def test_i15_10_supplement_marks_them_received_with_the_time(desk, time_machine, client):
    time_machine.move_to(NOW, tick=False)
    case = _accept(_two_minor_missing(desk), desk)
    time_machine.move_to(LATER, tick=False)
    case = services.case_supplement(acting_user=desk.clerk, case=case)
    rows = list(case.materials.filter(rongque=True))
    assert len(rows) == 2
    for row in rows:
        assert row.status == CaseMaterial.Status.PAPER
        assert row.received_at == LATER
        assert timezone.localtime(row.received_at).date() == datetime.date(2026, 12, 3)
    assert not case.rongque_open
    client.force_login(desk.clerk)
    body = client.get(f"/cases/{case.pk}/").content.decode()
    row = body[body.index("从业人员健康证明") :].split("</tr>")[0]
    assert "缺少" not in row and "已收纸质材料" in row and "2026-12-03 14:05补齐" in row


def test_i15_10_no_decision_while_rongque_materials_are_outstanding(desk, time_machine):
    time_machine.move_to(NOW, tick=False)
    case = _accept(_two_minor_missing(desk), desk)
    case = services.case_transfer(acting_user=desk.teamlead, case=case, day=DAY)
    with pytest.raises(ValidationError, match=r"从业人员健康证明.*尚未补齐"):
        services.case_decide(acting_user=desk.reviewer, case=case, result="approved", day=DAY)
    case = services.case_supplement(acting_user=desk.clerk, case=case, day=DAY)
    case = services.case_decide(acting_user=desk.reviewer, case=case, result="approved", day=DAY)
    assert case.result == "approved"
    # A decided case is past 容缺: the expiry job leaves it alone.
    Case.objects.filter(pk=case.pk).update(rongque_open=True)
    assert services.expire_rongque(today=datetime.date(2027, 1, 4)) == 0
