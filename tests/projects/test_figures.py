"""Project figures against a hand-counted set of eight projects in two units (June 2026)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from kaohe.projects.figures import (
    INDICATORS,
    PROBLEM_SCHEMA,
    PROJECT_SCHEMA,
    REPORT_SCHEMA,
    compute_figures,
)

D = dt.date
T = dt.datetime

# id, unit, total, plan, planned_start, actual_start, planned_completion, actual_completion, stats
PROJECTS = [
    (1, "A", 5_000, 1_000, D(2026, 3, 1), D(2026, 3, 10), None, None, D(2026, 4, 5)),
    (2, "A", 20_000, 2_000, D(2026, 5, 1), None, None, None, None),
    (3, "A", 150_000, 6_000, None, D(2025, 4, 1), D(2026, 6, 30), D(2026, 6, 20), D(2025, 5, 1)),
    (4, "A", 600_000, 1_000, D(2026, 9, 1), None, None, None, None),
    (5, "A", 1_200_000, 0, None, D(2024, 1, 1), None, D(2025, 12, 1), D(2024, 2, 1)),
    (6, "B", 10_000, 3_000, D(2026, 6, 30), D(2026, 7, 1), None, None, None),
    (7, "B", 99_999, 3_000, D(2026, 2, 1), D(2026, 2, 15), D(2026, 12, 31), None, None),
    (8, "B", 100_000, 4_000, None, D(2025, 10, 1), D(2026, 5, 31), None, None),
]
REPORTS = (
    [(1, m, 100) for m in (3, 4, 5, 6, 7)]
    + [(3, 1, 3000), (3, 6, 1000)]
    + [(6, 7, 500)]
    + [(7, m, 300) for m in (2, 3, 4, 5, 6)]
)
PROBLEMS = [
    (1, T(2026, 3, 2, 10), T(2026, 3, 2, 9)),  # on time
    (2, T(2026, 6, 30, 12), T(2026, 7, 1, 8)),  # late
    (3, T(2026, 7, 5, 12), None),  # due after June: not counted
    (6, T(2026, 6, 1, 12), None),  # overdue, open
    (7, T(2025, 12, 31, 12), T(2026, 1, 3)),  # due last year: not counted
]


@pytest.fixture(scope="module")
def figures():
    out = compute_figures(
        pl.DataFrame(PROJECTS, schema=PROJECT_SCHEMA, orient="row"),
        pl.DataFrame(REPORTS, schema=REPORT_SCHEMA, orient="row"),
        pl.DataFrame(PROBLEMS, schema=PROBLEM_SCHEMA, orient="row"),
        2026,
        6,
        units=["A", "B", "C"],
    )
    return {(u, i): v for u, i, v, _ in out.iter_rows()}


def test_the_table_is_long_with_every_indicator_for_every_unit_and_the_period():
    out = compute_figures(
        pl.DataFrame(PROJECTS, schema=PROJECT_SCHEMA, orient="row"),
        pl.DataFrame(REPORTS, schema=REPORT_SCHEMA, orient="row"),
        pl.DataFrame(PROBLEMS, schema=PROBLEM_SCHEMA, orient="row"),
        2026,
        6,
        units=["A", "B", "C"],
    )
    assert out.columns == ["unit", "indicator", "value", "period"]
    assert out.height == 3 * len(INDICATORS)
    assert set(out["period"]) == {"2026-06"}


@pytest.mark.parametrize(
    ("unit", "indicator", "expected"),
    [
        ("A", "proj_count", 5),
        ("A", "proj_count_1e8", 4),
        ("A", "proj_count_1e9", 3),
        ("A", "proj_count_5e9", 2),
        ("A", "proj_count_1e10", 1),
        ("A", "proj_start_rate", 75.0),  # due: 1, 2, 3, 5; started: 1, 3, 5
        ("A", "proj_new_start_rate", 50.0),  # due new: 1, 2; started: 1
        ("A", "proj_start_restart_rate", 66.6667),  # (1 + 3) / (1, 2, 3); 5 finished in 2025
        ("A", "proj_invest_ytd", 4400.0),  # 400 (July excluded) + 4000
        ("A", "proj_invest_plan", 10000.0),
        ("A", "proj_invest_plan_rate", 44.0),
        ("A", "proj_invest_schedule_rate", 88.0),  # 4400 / (10000 × 6/12)
        ("A", "proj_complete_rate", 100.0),
        ("A", "proj_stats_rate", 100.0),
        ("A", "proj_problem_ontime_rate", 50.0),
        ("B", "proj_count", 3),
        ("B", "proj_count_1e8", 3),  # exactly 1亿 counts
        ("B", "proj_count_1e9", 1),  # exactly 10亿 counts, 99,999万 does not
        ("B", "proj_count_5e9", 0),
        ("B", "proj_start_rate", 66.6667),  # 6 started on 1 July, after the period
        ("B", "proj_new_start_rate", 50.0),
        ("B", "proj_start_restart_rate", 33.3333),  # 8 reported nothing this year
        ("B", "proj_invest_ytd", 1500.0),
        ("B", "proj_invest_plan_rate", 15.0),
        ("B", "proj_invest_schedule_rate", 30.0),
        ("B", "proj_complete_rate", 0.0),
        ("B", "proj_stats_rate", 0.0),
        ("B", "proj_problem_ontime_rate", 0.0),
        ("C", "proj_count", 0),
        ("C", "proj_invest_ytd", 0.0),
    ],
)
def test_figures_match_the_hand_count(figures, unit, indicator, expected):
    assert figures[(unit, indicator)] == pytest.approx(expected)


def test_a_rate_with_nothing_to_count_is_missing_not_zero(figures):
    assert figures[("C", "proj_start_rate")] is None
    assert figures[("C", "proj_invest_plan_rate")] is None
    assert figures[("C", "proj_problem_ontime_rate")] is None


def test_a_rate_exactly_on_a_half_of_its_fourth_place_rounds_up():
    """四舍五入, not banker's rounding: 1 of a 3,200万元 plan is 0.03125% → 0.0313 (half-even gave 0.0312)."""
    out = compute_figures(
        pl.DataFrame([(1, "H", 5_000, 3_200, None, D(2025, 4, 1), None, None, None)], schema=PROJECT_SCHEMA, orient="row"),
        pl.DataFrame([(1, 1, 1)], schema=REPORT_SCHEMA, orient="row"),
        pl.DataFrame([], schema=PROBLEM_SCHEMA, orient="row"),
        2026,
        12,
        units=["H"],
    )
    got = {i: v for _u, i, v, _p in out.iter_rows()}
    assert got["proj_invest_plan_rate"] == 0.0313
    assert got["proj_invest_schedule_rate"] == 0.0313  # 1 / (3200 × 12/12)
