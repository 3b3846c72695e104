"""The projects module as an indicator source (指标数据来源 ``projects``).

A scheme leaf declaring ``platform: {source: projects}`` gets its values from
:mod:`kaohe.projects.figures` (开工率、投资完成率…, codes in ``figures.INDICATORS``) as at the
last day of the period, per assessed unit; each value records the projects it was counted
from and a hash of their rows (the project fields, year-to-date investment and problems).
"""

from __future__ import annotations

import polars as pl

from kaohe.assessment.sources import IndicatorSource, SourceFigure, SourceRequest, inputs_hash
from kaohe.projects.data import load_frames
from kaohe.projects.figures import INDICATORS, compute_figures


def compute(request: SourceRequest) -> list[SourceFigure]:
    month = request.end.month
    projects, reports, problems = load_frames(request.end.year, month)
    figures = compute_figures(projects, reports, problems, request.end.year, month, units=list(request.units))
    figures = figures.filter(pl.col("indicator").is_in(list(request.indicators)))
    inputs = {}
    for unit in request.units:
        mine = projects.filter(pl.col("unit") == unit).sort("project_id")
        ids = mine["project_id"].to_list()
        rows = {
            "projects": mine.rows(),
            "reports": reports.filter(pl.col("project_id").is_in(ids)).sort("project_id").rows(),
            "problems": problems.filter(pl.col("project_id").is_in(ids)).sort("project_id", "due_at").rows(),
        }
        inputs[unit] = {"projects": ids, "as_of": request.end.isoformat(), "data": inputs_hash(rows)}
    return [SourceFigure(unit, indicator, value, inputs[unit]) for unit, indicator, value, _p in figures.iter_rows()]


SOURCE = IndicatorSource(code="projects", name="重大项目", indicators={code: zh for code, (zh, _en) in INDICATORS.items()},
                         compute=compute)
