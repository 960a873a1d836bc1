"""The demo's reform round (issue 18): the round with the seed's timetable in the demo's year, a
true mix of reports (accepted, returned with a comment, awaiting review, late, a draft) and
filings, and live checks that show some units complete and some with gaps. Idempotent."""

import datetime

import pytest

from onewindow.demo import reform
from onewindow.org.models import Section, Staff, Unit, User
from onewindow.reform.checks import checks_for_units
from onewindow.reform.models import Check, Filing, Round, Submission, SubmissionVersion

pytestmark = pytest.mark.django_db


def snapshot():
    models = [Round, Submission, SubmissionVersion, Filing, Section, Staff, User]
    return {m.__name__: sorted(map(repr, m.objects.values().order_by("pk"))) for m in models}


def test_demo_round_shows_a_true_mix():
    reform.load()
    rnd = Round.objects.get(name=f"{reform.YEAR}年深化审批服务“三集中三到位”改革")
    assert (rnd.starts_on, rnd.report_due, rnd.ends_on) == (
        datetime.date(reform.YEAR, 5, 20),
        datetime.date(reform.YEAR, 6, 20),
        datetime.date(reform.YEAR, 6, 30),
    )
    assert [t.deadline for t in rnd.tasks.order_by("order")] == [
        datetime.date(reform.YEAR, 5, 31),
        datetime.date(reform.YEAR, 6, 10),
        datetime.date(reform.YEAR, 6, 20),
        datetime.date(reform.YEAR, 6, 20),
        datetime.date(reform.YEAR, 6, 30),
        None,
    ]
    assert rnd.units.count() == Unit.objects.filter(in_reform=True).count() == 36

    states = {s.unit.short_name: s for s in Submission.objects.filter(round=rnd)}
    assert {k: (s.state, s.late) for k, s in states.items()} == {
        "县人社局": ("accepted", False),
        "县民政局": ("accepted", False),
        "县住建局": ("returned", False),
        "县退役军人事务局": ("submitted", False),
        "县林业局": ("submitted", True),
        "县教育局": ("draft", False),
        "县市监局": ("draft", False),
    }
    assert "典型经验过于笼统" in states["县住建局"].comment
    kept = states["县住建局"].versions.order_by("id")
    assert [(v.number, v.state) for v in kept] == [(1, "submitted"), (1, "returned")]
    assert kept[0].at.date() == datetime.date(reform.YEAR, 6, 17)
    assert set(kept[0].facts) == {c.value for c in Check}

    filings = {(f.unit.short_name, f.kind, f.state) for f in Filing.objects.all()}
    assert filings == {
        ("县保密局", "lead_section_plan", "accepted"),
        ("县气象局", "undetermined_item", "accepted"),
        ("县自然资源局", "undetermined_item", "filed"),
    }

    units = list(Unit.objects.filter(in_reform=True))
    results = checks_for_units(units)
    for check in Check:
        passing = sum(results[u.pk][check.value].passed for u in units)
        assert 0 < passing < len(units), f"{check.label}: {passing} of {len(units)} pass"
    complete = {u.short_name for u in units if all(r.passed for r in results[u.pk].values())}
    assert {"县退役军人事务局", "县林业局"} <= complete
    assert len(complete) < len(units)
    secret = next(u for u in units if u.short_name == "县保密局")
    assert results[secret.pk][Check.ORGANISATION].passed  # its plan is filed and accepted


def test_demo_round_is_idempotent():
    reform.load()
    before = snapshot()
    reform.load()
    assert snapshot() == before
