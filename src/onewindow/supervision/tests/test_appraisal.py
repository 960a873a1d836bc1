"""Appraisal figures checked by hand on a small data set."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import DAY
from onewindow.cases.workflow import State
from onewindow.org.models import Unit
from onewindow.org.roles import RoleCode
from onewindow.supervision import appraisal
from onewindow.supervision.models import Anomaly, Order, Rating, Rules, Ticket, Warning
from onewindow.testing.factories import CaseFactory, DeskFactory, UserFactory, staff_user
from onewindow.testing.stats import rolled_up

pytestmark = pytest.mark.django_db

NOV = datetime.date(2026, 11, 10)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _as(client, user):
    client.force_login(user)
    return client


def _finished(desk, due: datetime.date, decided: datetime.date) -> Case:
    """A case decided (and delivered) through the services, its due date and decision day
    then set; appraisal counts it once the rollup has (`rolled_up`)."""
    case = CaseFactory(desk=desk, day=DAY, state=State.CLOSED)
    Case.objects.filter(pk=case.pk).update(
        accepted_on=NOV, due_date=due, decided_on=decided, closed_on=decided
    )
    return Case.objects.get(pk=case.pk)


def test_period_bounds():
    assert appraisal.period_bounds("2026-11") == (NOV.replace(day=1), datetime.date(2026, 11, 30))
    assert appraisal.period_bounds("2026-Q4") == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
    )
    with pytest.raises(ValidationError, match="考核期"):
        appraisal.period_bounds("2026-13")


def test_unit_figures_score_and_grade_by_hand(time_machine):
    # Rated in November too: a rating counts in the period of its own timestamp.
    time_machine.move_to(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
    # Four cases decided in November: two early, one on the due day, one late.
    desk = DeskFactory()
    early1 = _finished(desk, NOV + datetime.timedelta(days=5), NOV)
    _finished(desk, NOV + datetime.timedelta(days=5), NOV + datetime.timedelta(days=1))
    _finished(desk, NOV, NOV)
    late = _finished(desk, NOV, NOV + datetime.timedelta(days=3))
    unit = Unit.objects.get(pk=early1.unit_id)
    # Ratings: 非常满意, 基本满意, 非常不满意 (with its ticket done), and an excluded one.
    common = {"unit": unit, "region": "430922", "channel": "qr"}
    Rating.objects.create(case=early1, level=1, **common)
    Rating.objects.create(case=late, level=3, **common)
    bad = Rating.objects.create(case=late, level=5, **{**common, "channel": "tablet"})
    gone = Rating.objects.create(
        case=early1, level=5, excluded=True, **{**common, "channel": "sms"}
    )
    Ticket.objects.create(rating=bad, unit=unit, opened_on=NOV, due_on=NOV, state="done")
    Ticket.objects.create(rating=gone, unit=unit, opened_on=NOV, due_on=NOV, state="excluded")
    Warning.objects.create(case=late, unit=unit, kind="red", due_on=NOV, raised_on=NOV)
    Warning.objects.create(
        case=late, unit=unit, kind="yellow", due_on=NOV - datetime.timedelta(1), raised_on=NOV
    )
    Order.objects.create(
        case=late,
        unit=unit,
        content="x",
        rule="红灯",
        issued_by=UserFactory(roles=[RoleCode.SUPERVISOR]),
        issued_on=NOV,
        response_days=3,
        respond_by=NOV,
    )
    Anomaly.objects.create(
        rule="deemed", case=late, unit=unit, evidence={}, detected_on=NOV, state="confirmed"
    )
    Anomaly.objects.create(
        rule="fee_free_item", case=early1, unit=unit, evidence={}, detected_on=NOV, state="open"
    )  # not confirmed: no deduction
    assert not [r for r in appraisal.appraise("2026-11", "unit") if r.finished]  # not rolled up
    rolled_up()
    [row] = [r for r in appraisal.appraise("2026-11", "unit") if r.key == unit.pk]
    assert (row.finished, row.on_time, row.early) == (4, 3, 2)
    assert (row.rated, row.satisfied) == (3, 2)
    assert (row.warnings, row.reds, row.orders, row.anomalies) == (2, 1, 1, 1)
    assert (row.tickets, row.rectified) == (1, 1)
    assert row.rates == {
        "on_time": Decimal("75.0"),
        "early": Decimal("50.0"),
        "satisfaction": Decimal("66.7"),
        "rectified": Decimal("100.0"),
    }
    # 75×0.4 + 50×0.1 + 66.7×0.3 + 100×0.2 = 30 + 5 + 20.01 + 20 = 75.01 → − 1 − 2 − 3 = 69.0
    assert row.score == Decimal("69.0") and row.grade == "合格"
    rules = Rules.current()
    rules.grade_pass = 70
    rules.save()
    [row] = [r for r in appraisal.appraise("2026-11", "unit") if r.key == unit.pk]
    assert row.grade == "不合格"
    assert not [r for r in appraisal.appraise("2026-10", "unit") if r.key == unit.pk]


def test_weights_must_add_up_and_grades_must_descend():
    rules = Rules.current()
    rules.weight_on_time = 50
    with pytest.raises(ValidationError, match="之和应为100"):
        rules.full_clean()
    rules.weight_on_time, rules.grade_good = 40, 95
    with pytest.raises(ValidationError, match="优秀 > 良好 > 合格"):
        rules.full_clean()


def test_appraisal_page_scoped_and_the_dispatched_staff_report(client):
    from io import BytesIO

    from openpyxl import load_workbook

    desk = DeskFactory()
    clerk_name = desk.clerk.staff.name
    inspector = UserFactory(roles=[RoleCode.SUPERVISOR])  # 电子监察
    case = _finished(desk, NOV + datetime.timedelta(days=5), NOV)
    Case.objects.filter(pk=case.pk).update(accepted_by=desk.clerk.staff)
    rolled_up()
    body = _as(client, inspector).get("/supervision/appraisal/", {"period": "2026-11"}).content
    assert Unit.objects.get(pk=case.unit_id).name in body.decode()
    staff_page = _as(client, desk.winsup).get(
        "/supervision/appraisal/", {"period": "2026-11", "level": "staff"}
    )
    assert clerk_name in staff_page.content.decode()
    assert (
        _as(client, staff_user(RoleCode.WINDOW_CLERK))  # a clerk of another unit
        .get("/supervision/appraisal/", {"period": "2026-11", "level": "staff"})
        .content.decode()
        .count(clerk_name)
        == 0
    )
    bad = _as(client, inspector).get("/supervision/appraisal/", {"period": "11月"})
    assert bad.status_code == 400 and "考核期" in bad.content.decode()
    xlsx = _as(client, desk.winsup).get(
        "/supervision/appraisal/dispatched.xlsx", {"period": "2026-11"}
    )
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "考核对象"
    clerk_row = next(r for r in rows[2:] if r[0].startswith(clerk_name))
    assert clerk_row[1] == 1 and clerk_row[2] == 100.0  # one case, on time

    pdf = _as(client, desk.winsup).get(
        "/supervision/appraisal/dispatched.xlsx", {"period": "2026-11", "format": "pdf"}
    )
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b"FontFile2" in pdf.content  # the CJK font is embedded
    bad = _as(client, desk.winsup).get("/supervision/appraisal/dispatched.xlsx", {"period": "x"})
    assert bad.status_code == 400 and "考核期" in bad.content.decode()
