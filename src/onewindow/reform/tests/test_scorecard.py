"""The reform office's scorecard (issue 18 item 2): sort, filter, score from weights less the
active round's spot-check deductions, drill-down with failing facts first and their links, and
the daily job that records the first day each check passed."""

import copy
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from onewindow.catalog.models import Item
from onewindow.mandates.models import Seal
from onewindow.org.models import Unit
from onewindow.reform import jobs, selectors
from onewindow.reform.checks.record import record_checks
from onewindow.reform.models import Check, CheckPassed, Round, SpotCheck, Weight
from onewindow.reform.tests.factories import complete_desk
from onewindow.testing.factories import office

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture(scope="module")
def _module_pair(module_db):
    good = complete_desk(unit__name="甲测试局")
    bad = complete_desk(unit__name="乙测试局")
    Seal.objects.filter(unit=bad.unit).update(enabled=False)
    Item.objects.filter(pk=bad.item.pk).update(supervised=False)
    return good.unit, bad.unit


@pytest.fixture
def pair(db, _module_pair):
    """A complete unit, and one failing 授权到位 (its seal disabled) and 监察到位 (an item
    outside e-supervision): built once for the module (conftest.module_db), each test on a
    copy, its writes rolled back."""
    return copy.deepcopy(_module_pair)


def names(response) -> list[str]:
    return [r.unit.name for r in response.context["rows"]]


@pytest.mark.parametrize(
    ("who", "status"), [("reform", 200), ("inspector", 200), ("clerk", 403), ("winsup", 403)]
)
def test_scorecard_is_for_the_reform_office_and_supervisors(login, who, status):
    assert login(who).get("/reform/scorecard/").status_code == status


def test_anonymous_is_sent_to_login(client):
    response = client.get("/reform/scorecard/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_lists_attachment_1_units_and_township_centres_with_six_checks(login, pair):
    good, _bad = pair
    centre = complete_desk(unit__name="丙测试乡镇中心", unit__kind=Unit.Kind.TOWNSHIP_CENTRE)
    Unit.objects.filter(pk=centre.unit.pk).update(in_reform=False)
    outside = complete_desk(unit__name="丁测试局")
    Unit.objects.filter(pk=outside.unit.pk).update(in_reform=False)
    response = login("reform").get("/reform/scorecard/")
    listed = names(response)
    assert {"甲测试局", "乙测试局", "丙测试乡镇中心"} <= set(listed)
    assert "丁测试局" not in listed
    body = response.content.decode()
    for _code, label in Check.choices:
        assert f"<th>{label}</th>" in body
    assert f'href="/reform/scorecard/{good.pk}/"' in body


def test_score_is_weights_of_passed_checks_less_the_active_rounds_deductions(pair):
    good, bad = pair
    for kind, points in zip(Check, (10, 10, 20, 20, 20, 20), strict=True):
        Weight.objects.create(kind=kind, points=points)
    current = Round.objects.create(
        name="测试轮次",
        starts_on=today() - datetime.timedelta(days=30),
        ends_on=today() + datetime.timedelta(days=60),
        report_due=today() + datetime.timedelta(days=30),
    )
    old = Round.objects.create(
        name="往年轮次",
        starts_on=today() - datetime.timedelta(days=400),
        ends_on=today() - datetime.timedelta(days=300),
        report_due=today() - datetime.timedelta(days=310),
        active=False,
    )
    for rnd, points in ((current, "3.5"), (old, "10")):
        SpotCheck.objects.create(
            unit=good,
            round=rnd,
            checked_on=today() - datetime.timedelta(days=1),
            inspector=office(),
            findings="窗口无人值守",
            deduction=Decimal(points),
        )
    rows = {r.unit.pk: r for r in selectors.rows_for([good, bad], today())}
    assert rows[good.pk].points == 100 and rows[good.pk].score == Decimal("96.5")
    assert rows[bad.pk].points == 60 and rows[bad.pk].score == 60
    assert rows[bad.pk].failing == 2


def test_default_weights_without_the_office_setting_them(pair):
    good, _bad = pair
    row = selectors.rows_for([good], today())[0]
    assert sum(selectors.weights().values()) == 100
    assert row.score == 100


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("name", "甲测试局"),
        ("-name", "乙测试局"),
        ("score", "乙测试局"),
        ("-score", "甲测试局"),
        ("failing", "甲测试局"),
        ("-failing", "乙测试局"),
    ],
)
def test_sort(login, pair, sort, first):
    listed = names(login("reform").get("/reform/scorecard/", {"sort": sort}))
    ours = [n for n in listed if n in ("甲测试局", "乙测试局")]
    assert ours[0] == first


def test_filter_by_failing_check(login, pair):
    client = login("reform")
    listed = names(client.get("/reform/scorecard/", {"failing": Check.AUTHORIZATION}))
    assert "乙测试局" in listed and "甲测试局" not in listed
    listed = names(client.get("/reform/scorecard/", {"failing": "any"}))
    assert "乙测试局" in listed and "甲测试局" not in listed
    listed = names(client.get("/reform/scorecard/", {"failing": Check.ORGANISATION}))
    assert "乙测试局" not in listed


def test_filter_by_unit_kind(login, pair):
    complete_desk(unit__name="丙测试乡镇中心", unit__kind=Unit.Kind.TOWNSHIP_CENTRE)
    response = login("reform").get("/reform/scorecard/", {"kind": Unit.Kind.TOWNSHIP_CENTRE})
    assert {r.unit.kind for r in response.context["rows"]} == {Unit.Kind.TOWNSHIP_CENTRE}
    assert "丙测试乡镇中心" in names(response)


def test_invalid_parameters_fall_back_to_the_defaults(login, pair):
    response = login("reform").get(
        "/reform/scorecard/", {"sort": "password", "kind": "nobody", "failing": "x"}
    )
    assert response.status_code == 200
    filters = response.context["filters"]
    assert (filters.sort, filters.kind, filters.failing) == ("name", "", "")
    listed = names(response)
    assert listed.index("甲测试局") < listed.index("乙测试局")  # jia before yi


def test_drill_down_shows_failing_facts_first_with_links(login, pair):
    _good, bad = pair
    response = login("reform").get(f"/reform/scorecard/{bad.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    failing = body.index("行政审批专用章未启用")
    assert failing < body.index("授权委托书已于")  # the passing fact of the same check after it
    assert f'href="/mandates/seal/{bad.pk}/"' in body
    item = Item.objects.get(unit=bad, supervised=False)
    assert f'<a href="/catalog/items/{item.pk}/">进驻事项“{item.name}”未纳入电子监察。</a>' in body
    assert body.count("不符合") == 2


def test_drill_down_of_an_unlisted_unit_is_404(login, pair):
    good, _bad = pair
    Unit.objects.filter(pk=good.pk).update(in_reform=False)
    assert login("reform").get(f"/reform/scorecard/{good.pk}/").status_code == 404
    assert login("clerk").get(f"/reform/scorecard/{good.pk}/").status_code == 403


def test_job_records_the_first_day_passed_once(pair):
    good, bad = pair
    day1 = today()
    day2 = day1 + datetime.timedelta(days=1)
    assert record_checks(day1) >= 6  # at least the complete unit's six
    row = CheckPassed.objects.get(unit=good, kind=Check.AUTHORIZATION)
    assert (row.first_passed_on, row.passing, row.seen_on) == (day1, True, day1)
    failing = CheckPassed.objects.get(unit=bad, kind=Check.AUTHORIZATION)
    assert (failing.first_passed_on, failing.passing) == (None, False)

    Seal.objects.filter(unit=good).update(enabled=False)  # good now fails
    Seal.objects.filter(unit=bad).update(enabled=True)  # bad's seal fixed
    jobs.record_checks(day2)
    row.refresh_from_db()
    assert (row.first_passed_on, row.passing, row.seen_on) == (day1, False, day2)
    failing.refresh_from_db()
    assert (failing.first_passed_on, failing.passing) == (day2, True)

    record_checks(day1)  # an earlier day after a later one changes nothing
    row.refresh_from_db()
    assert (row.passing, row.seen_on) == (False, day2)
    assert CheckPassed.objects.filter(unit=good).count() == 6


def test_scorecard_shows_when_each_check_first_passed(login, pair):
    record_checks(today() - datetime.timedelta(days=2))
    body = login("reform").get("/reform/scorecard/").content.decode()
    assert f"首次达标 {(today() - datetime.timedelta(days=2)):%Y-%m-%d}" in body


def test_reform_office_home_is_the_scorecard(login):
    response = login("reform").get("/home/", follow=True)
    assert response.redirect_chain[-1][0].endswith("/reform/scorecard/")


def test_trend_counts_the_units_in_place_week_by_week(login, pair):
    good, _bad = pair
    day = today()
    record_checks(day - datetime.timedelta(days=10))  # the demo county's units, partly
    record_checks(day)  # and now the complete unit too
    points = selectors.trend(day, weeks=3)
    assert [p.day for p in points] == [day - datetime.timedelta(days=n) for n in (14, 7, 0)]
    listed = selectors.scorecard_units()
    for p in points:
        for check, passed in zip(Check, p.passed, strict=True):
            expected = CheckPassed.objects.filter(
                kind=check, first_passed_on__lte=p.day, unit__in=listed
            ).count()
            assert passed == expected
    assert points[0].passed == [0] * 6 and sum(points[1].passed) > 0
    assert points[2].complete > points[1].complete
    assert CheckPassed.objects.filter(unit=good, first_passed_on__isnull=False).count() == 6
    body = login("reform").get("/reform/scorecard/").content.decode()
    assert "达标进度" in body and "六项全部到位" in body
