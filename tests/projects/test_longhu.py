"""龙虎榜: the engine scores units on the project figures kaohe computes (never typed in twice)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from kaohe.engine import load_scheme, score
from kaohe.projects import services
from kaohe.projects.data import unit_figures
from kaohe.projects.figures import INDICATORS
from tests.projects.factories import ProjectFactory

D = dt.date
SCHEME = Path(__file__).resolve().parents[2] / "kaohe" / "projects" / "longhu_scheme.yaml"


@pytest.fixture
def figures(org_world):
    w = org_world
    started = {"started": (D(2026, 3, 1), D(2026, 3, 5)), "in_stats": (None, D(2026, 3, 20))}
    a1 = ProjectFactory(unit=w.district_a, milestones=started, total_investment=Decimal(150000))
    a2 = ProjectFactory(unit=w.towns_a[0], milestones=started)
    b1 = ProjectFactory(unit=w.district_b, milestones={"started": (D(2026, 3, 1), D(2026, 4, 1))})
    ProjectFactory(unit=w.district_b, milestones={"started": (D(2026, 3, 1), None)})
    for p, amount in ((a1, 1000), (a2, 800), (b1, 300)):
        for month in (4, 5, 6):
            services.submit_report(p, 2026, month, amount)
    return unit_figures(2026, 6, city=w.city)


def test_the_scheme_file_is_a_valid_engine_scheme():
    scheme = load_scheme(SCHEME)
    assert {leaf.indicator for leaf in scheme.leaves()} <= set(INDICATORS)


def test_the_longhu_board_ranks_units_on_computed_project_figures(figures):
    values = figures.filter(pl.col("value").is_not_null()).select("unit", "indicator", "value")
    result = score(load_scheme(SCHEME), values)
    board = {r["unit"]: r for r in result.boards.filter(pl.col("board") == "longhu").iter_rows(named=True)}
    assert board["C-A"]["rank"] == 1
    assert board["C-B"]["rank"] == 2
    leaf = {(r["unit"], r["indicator"]): r["score"] for r in result.indicators.iter_rows(named=True)}
    # 甲区: 2 of 2 due projects started → 100 % → full 15; 乙区: 1 of 2 → 50 % is below 60 → 0
    assert leaf[("C-A", "proj_start_rate")] == pytest.approx(15.0)
    assert leaf[("C-B", "proj_start_rate")] == pytest.approx(0.0)
    # 列统率: 甲区 2/2 → 10; 乙区 0/1 → 0
    assert leaf[("C-A", "proj_stats_rate")] == pytest.approx(10.0)
    assert leaf[("C-B", "proj_stats_rate")] == pytest.approx(0.0)
    # 序时进度完成率 rank points (step 2): 甲区 first → 15, 乙区 second → 13
    assert leaf[("C-A", "proj_invest_schedule_rate")] == pytest.approx(15.0)
    assert leaf[("C-B", "proj_invest_schedule_rate")] == pytest.approx(13.0)
    totals = {r["unit"]: r for r in result.totals.iter_rows(named=True)}
    assert totals["C-A"]["tier"] == "红旗"
