"""Issue 22: appraisal and the reform scorecard read the rollup's small tables (DayStat,
DecisionStat) instead of every case and event of the period. The rollup counts each one-time
notice, 容缺 acceptance and decision once (per day and unit; per decision day and unit, window
post or staff member), whatever its batches; the figures equal those counted live from the
cases, and no page query reads the cases or events for them."""

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onewindow.cases import services
from onewindow.cases.models import Case, CaseEvent, CaseMaterial
from onewindow.cases.workflow import State
from onewindow.org.roles import RoleCode
from onewindow.reform.checks import data
from onewindow.supervision import appraisal, dashboard
from onewindow.supervision.models import DayStat, DecisionStat, RollupCursor
from onewindow.testing.factories import CaseFactory, DeskFactory, UserFactory
from onewindow.testing.stats import rolled_up
from onewindow.workdays import add_workdays

pytestmark = pytest.mark.django_db

LEVELS = ("unit", "window", "staff")


def _today() -> datetime.date:
    return timezone.localdate()


def _period() -> tuple[str, datetime.date, datetime.date]:
    name = f"{_today():%Y-%m}"
    return (name, *appraisal.period_bounds(name))


def _decided(desk, state=State.CLOSED, *, item=None, **change) -> Case:
    case = CaseFactory(desk=desk, state=state, **({"item": item} if item else {}))
    if change:
        Case.objects.filter(pk=case.pk).update(**change)
    return Case.objects.get(pk=case.pk)


def _rongque(desk) -> Case:
    """Accepted under 容缺 at the window, the way the clerk does it: the minor licence copy
    missing, the applicant's commitment and a deadline."""
    case = CaseFactory(desk=desk)
    case.materials.filter(material__rongque=True).update(status=CaseMaterial.Status.MISSING)
    return services.case_accept(
        acting_user=desk.clerk,
        case=case,
        window_post=desk.post,
        rongque={"commitment": "本人承诺按期补齐", "deadline": add_workdays(_today(), 1)},
    )


@pytest.fixture
def county():
    """Two units: decisions early, on the due day, late, at the window (instant item), without
    a due date, without a window post or acceptor (deemed accepted), in the month before;
    cases still running; one-time notices (one case notified twice); a 容缺 acceptance."""
    a, b = DeskFactory(), DeskFactory()
    today = _today()
    _decided(a)  # due in five working days: early
    _decided(a, State.DECIDED, due_date=today)  # on the due day
    _decided(a, due_date=today - datetime.timedelta(days=1))  # late
    _decided(a, item=a.instant_item)  # decided at the window
    _decided(b)
    _decided(b, State.DECIDED, due_date=None)  # no due date: not appraised
    _decided(b, window_post=None, accepted_by=None, due_date=today)  # as a deemed acceptance
    month_before = today.replace(day=1) - datetime.timedelta(days=1)
    _decided(b, decided_on=month_before, due_date=month_before)
    CaseFactory(desk=a, state=State.TRANSFERRED)
    twice = CaseFactory(desk=a, state=State.CORRECTING)
    services.case_resubmit(
        acting_user=a.clerk,
        case=twice,
        received={m.pk: CaseMaterial.Status.PAPER for m in twice.materials.all()},
    )
    twice = Case.objects.get(pk=twice.pk)
    missing = twice.materials.filter(material__rongque=True)
    missing.update(status=CaseMaterial.Status.MISSING)
    services.case_notify_correction(
        acting_user=a.clerk, case=twice, problems={m.pk: "未提供" for m in missing}
    )
    CaseFactory(desk=b, state=State.CORRECTING)
    _rongque(a)
    return a, b


def _live_appraisal(level: str, first, last) -> dict:
    """What appraisal counted from the cases before issue 22."""
    key = appraisal.LEVELS[level]
    rows = (
        Case.objects.filter(decided_on__range=(first, last), due_date__isnull=False)
        .exclude(**{key: None})
        .order_by()
        .values(key)
        .annotate(
            n=Count("id"),
            on_time=Count("id", filter=Q(decided_on__lte=F("due_date"))),
            early=Count("id", filter=Q(decided_on__lt=F("due_date"))),
        )
        .values_list(key, "n", "on_time", "early")
    )
    return {k: (n, on_time, early) for k, n, on_time, early in rows}


def _appraised(period: str, level: str) -> dict:
    return {
        r.key: (r.finished, r.on_time, r.early)
        for r in appraisal.appraise(period, level)
        if r.finished
    }


def _live_scorecard(ids, first, last) -> tuple[dict, dict]:
    """What the scorecard counted from the cases and events before issue 22."""
    cases = (
        Case.objects.filter(unit_id__in=ids, received_on__range=(first, last))
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("id"), rongque=Count("id", filter=Q(rongque_deadline__isnull=False)))
    )
    since = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    until = timezone.make_aware(datetime.datetime.combine(last, datetime.time.max))
    notices = (
        CaseEvent.objects.filter(
            case__unit_id__in=ids, action="notify_correction", at__range=(since, until)
        )
        .order_by()
        .values_list("case__unit_id")
        .annotate(n=Count("id"))
    )
    return {u: (n, r) for u, n, r in cases}, dict(notices)


def _scorecard(ids, first, last) -> tuple[dict, dict]:
    d = data.load(ids, _today(), (first, last))
    return d.case_counts, {u: n for u, n in d.notices.items() if n}


def test_appraisal_and_scorecard_from_the_rollup_equal_the_live_counts(county):
    a, b = county
    ids = [a.unit.pk, b.unit.pk]
    period, first, last = _period()
    before = appraisal.period_bounds(f"{first - datetime.timedelta(days=1):%Y-%m}")
    # Not yet rolled up: the pages lag the event log by up to the job's interval.
    assert _appraised(period, "unit") == {}
    assert _scorecard(ids, first, last) == ({}, {})
    assert rolled_up() == CaseEvent.objects.count()
    for level in LEVELS:
        live = _live_appraisal(level, first, last)
        assert _appraised(period, level) == live
        old = _live_appraisal(level, *before)
        assert _appraised(f"{before[0]:%Y-%m}", level) == old
    # By hand: unit a decided 4 (1 early at the desk, 1 on the due day, 1 late, 1 instant);
    # b 2 in the month (one without a due date left out) and 1 the month before.
    units = _appraised(period, "unit")
    assert units[a.unit.pk] == (4, 3, 1) and units[b.unit.pk] == (2, 2, 1)
    staff = _appraised(period, "staff")
    assert staff[a.clerk.staff.pk][0] == 4 and staff[b.clerk.staff.pk][0] == 1  # one deemed
    assert _appraised(period, "window")[b.post.pk][0] == 1
    received, notices = _scorecard(ids, first, last)
    assert (received, notices) == _live_scorecard(ids, first, last)
    assert notices == {a.unit.pk: 2, b.unit.pk: 1}  # the case notified twice counts twice
    assert received[a.unit.pk][1] == 1 and received[b.unit.pk][1] == 0  # 容缺
    # Counted once: a second run reads nothing and changes nothing.
    stats = sorted(DayStat.objects.values_list("day", "unit_id", "notices", "rongque"))
    assert rolled_up() == 0
    assert sorted(DayStat.objects.values_list("day", "unit_id", "notices", "rongque")) == stats
    assert _scorecard(ids, first, last) == _live_scorecard(ids, first, last)
    assert {level: _appraised(period, level) for level in LEVELS} == {
        level: _live_appraisal(level, first, last) for level in LEVELS
    }


@pytest.mark.parametrize("batch", [1, 3, 7])
def test_rollup_in_small_batches_counts_the_same(county, batch):
    rolled_up()
    whole = (
        sorted(DayStat.objects.values_list("day", "unit_id", "received", "notices", "rongque")),
        sorted(DecisionStat.objects.values_list("level", "day", "key", "finished", "on_time")),
        sorted(DecisionStat.objects.values_list("level", "day", "key", "early")),
    )
    DayStat.objects.all().delete()
    DecisionStat.objects.all().delete()
    RollupCursor.objects.all().delete()
    later = timezone.now() + datetime.timedelta(minutes=5)
    assert dashboard.rollup(later, batch=batch) == CaseEvent.objects.count()
    assert dashboard.rollup(later, batch=batch) == 0
    assert (
        sorted(DayStat.objects.values_list("day", "unit_id", "received", "notices", "rongque")),
        sorted(DecisionStat.objects.values_list("level", "day", "key", "finished", "on_time")),
        sorted(DecisionStat.objects.values_list("level", "day", "key", "early")),
    ) == whole


def test_the_figures_read_no_case_or_event_rows(county):
    a, b = county
    rolled_up()
    period, first, last = _period()
    for level in LEVELS:
        with CaptureQueriesContext(connection) as seen:
            assert appraisal.appraise(period, level)
        assert not [q["sql"] for q in seen if "decided_on" in q["sql"]]
    with CaptureQueriesContext(connection) as seen:
        data.load([a.unit.pk, b.unit.pk], _today(), (first, last))
    assert not [q["sql"] for q in seen if "cases_case" in q["sql"]]


def test_appraisal_page_queries_do_not_grow_with_the_cases(client, county):
    a, _ = county
    rolled_up()
    client.force_login(UserFactory(roles=[RoleCode.SUPERVISOR]))
    period = _period()[0]

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            page = client.get("/supervision/appraisal/", {"period": period})
        assert page.status_code == 200 and a.unit.name in page.content.decode()
        return len(seen)

    queries()  # the session and the county's name cached
    few = queries()
    for _ in range(3):
        _decided(a)
    rolled_up()
    assert queries() == few


def _new_counts() -> tuple[list, list]:
    return (
        sorted(
            (day, unit, n, r)
            for day, unit, n, r in DayStat.objects.values_list(
                "day", "unit_id", "notices", "rongque"
            )
            if n or r
        ),
        sorted(
            DecisionStat.objects.values_list("level", "day", "key", "finished", "on_time", "early")
        ),
    )


@pytest.mark.parametrize("counted", ["all", "half"])
def test_the_migration_backfills_what_the_rollup_had_counted(county, counted):
    """An upgraded database: the rollup had counted the log up to its cursor without the new
    columns; the 0009 migration counts those events, the rollup the later ones, and the result
    is what the rollup counts over the whole log."""
    backfill = importlib.import_module(
        "onewindow.supervision.migrations.0009_rollup_scorecard_appraisal"
    ).backfill
    rolled_up()
    whole = _new_counts()
    assert whole[0] and whole[1]
    ids = list(CaseEvent.objects.order_by("id").values_list("id", flat=True))
    upto = ids[-1] if counted == "all" else ids[len(ids) // 2]
    DayStat.objects.update(notices=0, rongque=0)
    DecisionStat.objects.all().delete()
    RollupCursor.objects.filter(name="day_stat").update(last_id=upto)
    backfill(apps, None)
    if counted == "all":
        assert _new_counts() == whole
    assert rolled_up() == len([i for i in ids if i > upto])
    assert _new_counts() == whole


def test_the_rollup_command_rebuilds_the_same_counts(county, time_machine):
    """`onewindow rollup --rebuild` recounts the whole log: the same figures as the job's."""
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=5))
    out = io.StringIO()
    call_command("rollup", stdout=out)
    assert f"已汇总{CaseEvent.objects.count()}条事件" in out.getvalue()
    counted = _new_counts()
    DayStat.objects.update(notices=0)  # a figure gone wrong
    DecisionStat.objects.filter(level="staff").delete()
    call_command("rollup", "--rebuild", stdout=out)
    assert f"已重新汇总{CaseEvent.objects.count()}条事件" in out.getvalue()
    assert _new_counts() == counted
