"""Spot checks (S16): recording, bad input refused with nothing written, rectification and
overdue, the check weights, and the deduction in the unit appraisal."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onewindow import workdays
from onewindow.org.models import User
from onewindow.org.roles import RoleCode
from onewindow.reform import inspection, jobs
from onewindow.reform.models import SpotCheck, Weight
from onewindow.supervision import appraisal
from onewindow.testing.factories import UnitFactory, staff_user

pytestmark = pytest.mark.django_db
# The pages read today: the suite's ordinary Wednesday, whatever clock the run is on.
NOW = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

D = datetime.date
TODAY = D(2026, 11, 18)


def office() -> User:
    return User.objects.get(username="reform")


def _record(unit=None, **fields) -> SpotCheck:
    data = {
        "checked_on": TODAY,
        "findings": "窗口未公示事项清单",
        "deduction": "5",
        "rectify_days": 5,
        "today": TODAY,
        **fields,
    }
    return inspection.spot_check_record(
        acting_user=data.pop("acting_user", office()), unit=unit or UnitFactory(), **data
    )


def test_a_spot_check_is_recorded_with_its_rectification_day():
    unit = UnitFactory()
    spot = _record(unit, kind="items", checked_on=D(2026, 11, 16))
    assert spot.inspector == office() and spot.unit == unit
    assert spot.deduction == Decimal("5.0") and spot.result == SpotCheck.Result.OPEN
    assert spot.rectify_due == workdays.add_workdays(D(2026, 11, 16), 5) == D(2026, 11, 23)
    # Nothing found: nothing to rectify, closed at once.
    clean = _record(unit, findings="", deduction=0, rectify_days=None)
    assert (clean.result, clean.rectify_due) == (SpotCheck.Result.RECTIFIED, None)


def test_supervisors_may_record_and_others_may_not():
    assert _record(acting_user=staff_user(RoleCode.SUPERVISOR)).pk
    with pytest.raises(PermissionDenied):
        _record(acting_user=staff_user(RoleCode.WINDOW_SUPERVISOR))


BAD = [
    ("deduction without findings", {"findings": "  "}, "扣分须写明发现的问题。"),
    ("negative deduction", {"deduction": "-1"}, "扣分不能为负数（收到-1.0）。"),
    ("absurd deduction", {"deduction": "150"}, "扣分不能超过100分（收到150.0）。"),
    ("not a number", {"deduction": "五分"}, "扣分“五分”不是数字。"),
    ("zero working days", {"rectify_days": 0}, "整改时限至少为1个工作日"),
    ("no rectification period", {"rectify_days": None}, "请填写整改时限（工作日）。"),
    (
        "rectification day already past",
        {"checked_on": D(2026, 11, 2), "rectify_days": 3},
        "整改期限2026-11-05（抽查日期起3个工作日）已经过去",
    ),
    ("too long", {"rectify_days": 61}, "整改时限不能超过60个工作日。"),
    ("in the future", {"checked_on": D(2026, 11, 19)}, "抽查日期2026-11-19晚于今天"),
]


@pytest.mark.parametrize("why,fields,message", BAD, ids=[b[0] for b in BAD])
def test_bad_spot_checks_are_refused_and_nothing_is_written(why, fields, message):
    unit = UnitFactory()
    before = SpotCheck.objects.count()
    with pytest.raises(ValidationError) as exc:
        _record(unit, **fields)
    assert any(message in m for m in exc.value.messages), exc.value.messages
    assert SpotCheck.objects.count() == before


def test_rectification_closes_and_overdue_is_marked():
    spot = _record()  # due 2026-11-25
    with pytest.raises(ValidationError, match="请填写整改情况及佐证。"):
        inspection.rectification_record(spot, acting_user=office(), evidence=" ", rectified=True)
    spot.refresh_from_db()
    assert spot.result == SpotCheck.Result.OPEN and spot.evidence == ""
    # On read and by the daily job, an open check past its day becomes overdue.
    assert inspection.refresh(spot, today=D(2026, 11, 25)).result == SpotCheck.Result.OPEN
    assert inspection.refresh(spot, today=D(2026, 11, 26)).result == SpotCheck.Result.OVERDUE
    other = _record()
    assert jobs.spot_checks_overdue(D(2026, 11, 25)) == 0
    assert jobs.spot_checks_overdue(D(2026, 11, 26)) >= 1
    other.refresh_from_db()
    assert other.result == SpotCheck.Result.OVERDUE
    # Late rectification still closes it.
    closed = inspection.rectification_record(
        other, acting_user=office(), evidence="已补公示", rectified=True, today=D(2026, 11, 27)
    )
    assert (closed.result, closed.closed_on) == (SpotCheck.Result.RECTIFIED, D(2026, 11, 27))
    with pytest.raises(ValidationError, match="已确认整改"):
        inspection.rectification_record(other, acting_user=office(), evidence="x", rectified=False)


POINTS = {
    "organisation": 20,
    "staff": 20,
    "items": 20,
    "authorization": 20,
    "mechanism": 10,
    "supervision": 10,
}


def test_weights_must_total_100_none_negative():
    assert sum(inspection.weights().values()) == 100
    with pytest.raises(ValidationError) as exc:
        inspection.weights_set(acting_user=office(), points={**POINTS, "staff": 21})
    assert exc.value.messages == ["各项分值合计应为100分，现为101分。"]
    with pytest.raises(ValidationError, match="人员到位的分值不能为负数（收到-10）。"):
        inspection.weights_set(acting_user=office(), points={**POINTS, "staff": -10, "items": 50})
    assert not Weight.objects.exists()
    with pytest.raises(PermissionDenied):
        inspection.weights_set(acting_user=staff_user(RoleCode.SUPERVISOR), points=POINTS)
    inspection.weights_set(acting_user=office(), points=POINTS)
    assert inspection.weights() == POINTS


def test_spot_check_deductions_lower_the_unit_appraisal():
    unit = UnitFactory()
    assert not [r for r in appraisal.appraise("2026-11") if r.key == unit.pk]
    _record(unit, deduction="7.5")
    _record(unit, deduction="2", checked_on=D(2026, 11, 2), rectify_days=20)
    _record(unit, deduction="0", findings="")
    [row] = [r for r in appraisal.appraise("2026-11") if r.key == unit.pk]
    # Nothing else in the period: every rate is full (100), less 9.5 points of spot checks.
    assert row.spot_deduction == Decimal("9.5")
    assert row.score == Decimal("90.5") and row.grade == "优秀"
    # The deduction counts in the period of the check only.
    assert not [r for r in appraisal.appraise("2026-10") if r.key == unit.pk]


def test_spot_check_pages(login, time_machine):
    time_machine.move_to(NOW, tick=False)
    unit = UnitFactory()
    before = SpotCheck.objects.count()
    bad = login(RoleCode.SUPERVISOR).post(
        "/reform/spot-checks/new/",
        {"unit": unit.pk, "checked_on": "2026-11-18", "findings": "", "deduction": "3"},
    )
    assert bad.status_code == 400 and "扣分须写明发现的问题。" in bad.content.decode()
    assert SpotCheck.objects.count() == before
    good = login(RoleCode.SUPERVISOR).post(
        "/reform/spot-checks/new/",
        {
            "unit": unit.pk,
            "checked_on": "2026-11-18",
            "findings": "B岗人员未到岗",
            "deduction": "3",
            "rectify_days": "5",
        },
    )
    spot = SpotCheck.objects.get(unit=unit)
    assert good.status_code == 302 and spot.inspector.username == "inspector"
    page = login(RoleCode.REFORM_OFFICE).get(f"/reform/spot-checks/{spot.pk}/")
    assert page.status_code == 200 and "B岗人员未到岗" in page.content.decode()
    assert login(RoleCode.WINDOW_CLERK).get("/reform/spot-checks/").status_code == 403


def test_weights_page(login):
    assert login(RoleCode.SUPERVISOR).get("/reform/weights/").status_code == 403
    client = login(RoleCode.REFORM_OFFICE)
    bad = client.post("/reform/weights/", {**POINTS, "items": 30})
    assert bad.status_code == 400 and "现为110分" in bad.content.decode()
    assert not Weight.objects.exists()
    assert client.post("/reform/weights/", POINTS).status_code == 302
    assert inspection.weights() == POINTS


def test_a_spot_check_belongs_to_the_round_in_force_on_its_day():
    """So that a deduction entered on the page (which names no round) counts in the scorecard."""
    from onewindow.reform.models import Round

    unit = UnitFactory()
    current = Round.objects.create(
        name="测试轮次",
        starts_on=D(2026, 11, 1),
        ends_on=D(2026, 12, 31),
        report_due=D(2026, 12, 20),
    )
    assert _record(unit, checked_on=D(2026, 11, 16)).round == current
    assert _record(unit, checked_on=D(2026, 10, 30), rectify_days=20).round is None
