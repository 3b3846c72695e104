"""The projects demo: ~300 projects in every state, 12 months of reports, idempotent, and the
figures scored on the 龙虎榜 by the engine."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from kaohe.engine import load_scheme, score
from kaohe.orgs import demo as orgs_demo
from kaohe.projects import demo
from kaohe.projects.data import unit_figures
from kaohe.projects.models import ActionItem, MonthlyReport, Problem, Project, ProjectWarning

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    ctx = orgs_demo.DemoContext(verbose=False)
    orgs_demo.load(ctx)
    demo.load(ctx)
    return ctx


def test_the_demo_has_300_projects_in_every_colour_with_reports_problems_and_escalations(loaded):
    assert Project.objects.count() == demo.N_PROJECTS
    levels = set(ProjectWarning.objects.filter(date=loaded.today).values_list("level", flat=True))
    assert levels == {"red", "yellow", "green"}
    assert set(Project.objects.values_list("stage__code", flat=True)) >= {"signed", "landed", "started", "in_stats"}
    months = set(MonthlyReport.objects.values_list("year", "month"))
    assert (2025, 11) in months and (2026, 10) in months and len(months) == 12
    assert Problem.objects.filter(escalation__gt=0).exists()
    assert Problem.objects.filter(status="closed").exists()
    targets = set(ActionItem.objects.filter(date=loaded.today).values_list("target", flat=True))
    assert targets == {"owner_unit", "leader", "city_leader"}


def test_loading_twice_changes_nothing(loaded):
    before = (Project.objects.count(), MonthlyReport.objects.count(), Problem.objects.count())
    demo.load(loaded)
    assert (Project.objects.count(), MonthlyReport.objects.count(), Problem.objects.count()) == before


def test_the_longhu_board_scores_the_demo_districts_from_their_project_figures(loaded):
    figures = unit_figures(2026, 10, city=loaded.city).filter(pl.col("value").is_not_null())
    scheme = load_scheme(Path(demo.__file__).with_name("longhu_scheme.yaml"))
    result = score(scheme, figures.select("unit", "indicator", "value"))
    board = result.boards.filter(pl.col("board") == "longhu").sort("rank")
    assert board.height >= 12
    assert board["rank"][0] == 1
    assert result.totals.filter(pl.col("tier") == "红旗").height >= 1
