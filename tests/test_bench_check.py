"""bench/check.py's judgement, on made-up figures: which pages the regression check flags."""

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "bench_check", Path(__file__).resolve().parents[1] / "bench" / "check.py"
)
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)


def figures(pages: dict, failed: dict | None = None) -> dict:
    return {
        "pages": {k: {"median_ms": ms, "queries": q} for k, (ms, q) in pages.items()},
        "failed": failed or {},
    }


def flags(recorded: dict, fresh: dict) -> dict[str, list[str]]:
    return {r.key: r.flags for r in check.compare(recorded, fresh)}


def test_a_page_over_one_and_a_half_times_its_recorded_median_is_flagged():
    recorded = figures({"clerk home": (20.0, 14), "inspector warnings": (40.0, 11)})
    fresh = figures({"clerk home": (30.0, 14), "inspector warnings": (60.2, 11)})
    got = flags(recorded, fresh)
    assert got["clerk home"] == []  # exactly 1.5×: not over it
    assert got["inspector warnings"] == ["slower than 1.5× its recorded median"]


def test_a_faster_page_passes_and_the_ratio_is_fresh_over_recorded():
    rows = check.compare(figures({"p": (40.0, 9)}), figures({"p": (10.0, 9)}))
    assert rows[0].flags == [] and rows[0].ratio == pytest.approx(0.25)


def test_jitter_on_a_page_of_a_few_milliseconds_is_not_a_regression():
    got = flags(figures({"tiny": (1.0, 5)}), figures({"tiny": (1.9, 5)}))
    assert got["tiny"] == []  # 1.9× but 0.9 ms: under SLACK_MS
    got = flags(figures({"tiny": (1.0, 5)}), figures({"tiny": (2.1, 5)}))
    assert got["tiny"] == ["slower than 1.5× its recorded median"]


def test_any_change_of_the_query_count_is_flagged_either_way():
    recorded = figures({"up": (10.0, 12), "down": (10.0, 12)})
    got = flags(recorded, figures({"up": (10.0, 13), "down": (10.0, 11)}))
    assert got == {"up": ["queries 12 → 13"], "down": ["queries 12 → 11"]}


def test_a_failed_or_vanished_page_is_flagged_and_a_new_one_only_noted():
    recorded = figures({"failing": (10.0, 5), "gone": (10.0, 5)})
    fresh = figures({"new": (10.0, 5)}, failed={"failing": "/x/: HTTP 500"})
    rows = {r.key: r for r in check.compare(recorded, fresh)}
    assert rows["failing"].flags == ["failed: /x/: HTTP 500"]
    assert rows["gone"].flags == ["recorded but not measured any more"]
    assert rows["new"].flags == [] and "not recorded" in rows["new"].note


def test_the_machine_factor_is_the_geometric_mean_of_the_ratios():
    rows = check.compare(
        figures({"a": (10.0, 1), "b": (10.0, 1), "c": (10.0, 1)}),
        figures({"a": (20.0, 1), "b": (5.0, 1), "c": (80.0, 1)}),
    )
    assert check.machine_factor(rows) == pytest.approx(2.0)
    assert "ratio" in check.table(rows).splitlines()[0]


def test_relative_judges_each_page_against_the_runs_overall_speed():
    recorded = figures({"a": (10.0, 1), "b": (10.0, 1), "c": (10.0, 1)})
    fresh = figures({"a": (20.0, 1), "b": (20.0, 1), "c": (60.0, 1)})
    assert [r.key for r in check.compare(recorded, fresh) if r.flags] == ["a", "b", "c"]
    scale = check.machine_factor(check.compare(recorded, fresh))  # (2 · 2 · 6)^(1/3) ≈ 2.9
    assert [r.key for r in check.compare(recorded, fresh, scale=scale) if r.flags] == ["c"]
