"""Project figures per unit and period (龙虎榜 indicators), as a long Polars table.

:func:`compute_figures` is pure (frames in, frame out); :func:`unit_figures` loads the frames
from the database. Output columns: ``unit, indicator, value, period`` (period ``YYYY-MM``),
ready for ``kaohe.engine.score``. A rate whose denominator is empty is null (missing).

Let *Y* be the year, *M* the month, *E* the last day of month *M*. The universe is the
active projects of *Y*'s list. A project is **new** (新开工) unless it started before
1 January of *Y*; otherwise it is **continuing** (续建).

Indicator codes (stable; amounts in 万元, rates in %):

==============================  =====================================================
``proj_count``                  projects on the list
``proj_count_1e8``              … with total investment ≥ 1亿 (10,000万元)
``proj_count_1e9``              … ≥ 10亿
``proj_count_5e9``              … ≥ 50亿
``proj_count_1e10``             … ≥ 100亿
``proj_start_rate``             开工率: of the projects due to start by *E* (planned start ≤ *E*,
                                continuing ones included), the share started by *E*
``proj_new_start_rate``         新开工率: the same over new projects only
``proj_start_restart_rate``     开复工率: (new projects started by *E* + continuing projects
                                with investment reported in *Y* up to *M*) ÷ (new projects
                                due by *E* + continuing projects not completed before *Y*)
``proj_invest_ytd``             investment done in *Y* up to *M* (sum of monthly reports)
``proj_invest_plan``            the year's planned investment
``proj_invest_plan_rate``       年度投资完成率 = ytd ÷ plan × 100
``proj_invest_schedule_rate``   序时进度完成率 = ytd ÷ (plan × *M*/12) × 100
``proj_complete_rate``          竣工率: of the projects planned to complete in *Y* by *E*, the
                                share completed by *E*
``proj_stats_rate``             列统率: of the projects started by *E*, the share in the
                                statistics by *E*
``proj_problem_ontime_rate``    问题按时办结率: of the problems due in *Y* by *E*, the share
                                resolved by their due time
==============================  =====================================================
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from kaohe.lib.numbers import round_expr
from kaohe.lib.periods import Period, PeriodKind

INDICATORS: dict[str, tuple[str, str]] = {
    "proj_count": ("重大项目数", "major projects"),
    "proj_count_1e8": ("亿元以上项目数", "projects ≥ 100 million yuan"),
    "proj_count_1e9": ("10亿元以上项目数", "projects ≥ 1 billion yuan"),
    "proj_count_5e9": ("50亿元以上项目数", "projects ≥ 5 billion yuan"),
    "proj_count_1e10": ("100亿元以上项目数", "projects ≥ 10 billion yuan"),
    "proj_start_rate": ("开工率", "start rate"),
    "proj_new_start_rate": ("新开工率", "new-start rate"),
    "proj_start_restart_rate": ("开复工率", "start/restart rate"),
    "proj_invest_ytd": ("年度累计完成投资（万元）", "investment year to date (10k yuan)"),
    "proj_invest_plan": ("年度计划投资（万元）", "planned investment (10k yuan)"),
    "proj_invest_plan_rate": ("年度投资完成率", "annual investment completion"),
    "proj_invest_schedule_rate": ("序时进度完成率", "completion against the time schedule"),
    "proj_complete_rate": ("竣工率", "completion rate"),
    "proj_stats_rate": ("列统率", "in-statistics rate"),
    "proj_problem_ontime_rate": ("问题按时办结率", "problems solved on time"),
}

PROJECT_SCHEMA = {
    "project_id": pl.Int64,
    "unit": pl.String,
    "total_investment": pl.Float64,
    "year_plan": pl.Float64,
    "planned_start": pl.Date,
    "actual_start": pl.Date,
    "planned_completion": pl.Date,
    "actual_completion": pl.Date,
    "actual_stats": pl.Date,
}
REPORT_SCHEMA = {"project_id": pl.Int64, "month": pl.Int64, "invest_month": pl.Float64}
PROBLEM_SCHEMA = {"project_id": pl.Int64, "due_at": pl.Datetime, "resolved_at": pl.Datetime}


def period_end(year: int, month: int) -> dt.date:
    return Period(PeriodKind.MONTH, year, month).end


def complete_due(year: int, on: dt.date) -> pl.Expr:
    """竣工率's denominator: planned to complete in ``year`` by ``on``."""
    return (
        pl.col("planned_completion").is_not_null()
        & (pl.col("planned_completion") >= dt.date(year, 1, 1))
        & (pl.col("planned_completion") <= on)
    )


def completed(on: dt.date) -> pl.Expr:
    """竣工 — the one rule: a project is completed by ``on`` when its 竣工 stage has an actual date
    (``actual_completion``, kept from the COMPLETED stage's milestone) on or before ``on``. 竣工率
    and the kanban's 竣工 figure (:func:`completion`) both read it."""
    return pl.col("actual_completion").is_not_null() & (pl.col("actual_completion") <= on)


def completion(projects: pl.DataFrame, year: int, on: dt.date) -> tuple[int, int]:
    """(completed, due) of ``projects`` for 竣工率 in ``year`` by ``on`` — the bulletin's figure."""
    p = projects.select([pl.col(c).cast(t) for c, t in PROJECT_SCHEMA.items()])
    due = complete_due(year, on).fill_null(False)
    row = p.select(due=due.sum(), done=(due & completed(on).fill_null(False)).sum()).row(0)
    return int(row[1] or 0), int(row[0] or 0)


def _rate(num: str, den: str) -> pl.Expr:
    return pl.when(pl.col(den) > 0).then(round_expr(pl.col(num) / pl.col(den) * 100, 4)).otherwise(None)


def compute_figures(
    projects: pl.DataFrame,
    reports: pl.DataFrame,
    problems: pl.DataFrame,
    year: int,
    month: int,
    *,
    units: list[str] | None = None,
) -> pl.DataFrame:
    """Figures of ``year``-``month`` per unit. ``reports``: *Y*'s monthly reports; ``problems``:
    all problems of the listed projects. ``units``: every unit to report (zero counts for units
    without projects)."""
    e = period_end(year, month)
    y0 = dt.date(year, 1, 1)
    p = projects.select([pl.col(c).cast(t) for c, t in PROJECT_SCHEMA.items()])
    ytd = (
        reports.select([pl.col(c).cast(t) for c, t in REPORT_SCHEMA.items()])
        .filter(pl.col("month") <= month)
        .group_by("project_id")
        .agg(ytd=pl.col("invest_month").sum())
    )
    p = p.join(ytd, on="project_id", how="left").with_columns(pl.col("ytd").fill_null(0.0))
    started = pl.col("actual_start").is_not_null() & (pl.col("actual_start") <= e)
    continuing = pl.col("actual_start").is_not_null() & (pl.col("actual_start") < y0)
    new = ~continuing.fill_null(False)
    due = pl.col("planned_start").is_not_null() & (pl.col("planned_start") <= e)
    due_any = due | continuing
    p = p.with_columns(
        started=started.fill_null(False),
        continuing=continuing.fill_null(False),
        new=new,
        due_any=due_any.fill_null(False),
        due_new=(new & due).fill_null(False),
    )
    done_before = pl.col("actual_completion").is_not_null() & (pl.col("actual_completion") < y0)
    due_to_complete = complete_due(year, e)
    done = completed(e)
    in_stats = pl.col("actual_stats").is_not_null() & (pl.col("actual_stats") <= e)
    agg = p.group_by("unit").agg(
        proj_count=pl.len(),
        proj_count_1e8=(pl.col("total_investment") >= 10_000).sum(),
        proj_count_1e9=(pl.col("total_investment") >= 100_000).sum(),
        proj_count_5e9=(pl.col("total_investment") >= 500_000).sum(),
        proj_count_1e10=(pl.col("total_investment") >= 1_000_000).sum(),
        _due_any=pl.col("due_any").sum(),
        _started_of_due=(pl.col("due_any") & pl.col("started")).sum(),
        _due_new=pl.col("due_new").sum(),
        _new_started=(pl.col("due_new") & pl.col("started")).sum(),
        _restart_den=(pl.col("due_new") | (pl.col("continuing") & ~done_before.fill_null(False))).sum(),
        _restart_num=(
            (pl.col("due_new") & pl.col("started"))
            | (pl.col("continuing") & ~done_before.fill_null(False) & (pl.col("ytd") > 0))
        ).sum(),
        proj_invest_ytd=pl.col("ytd").sum(),
        proj_invest_plan=pl.col("year_plan").fill_null(0.0).sum(),
        _complete_due=due_to_complete.fill_null(False).sum(),
        _completed=(due_to_complete & done).fill_null(False).sum(),
        _started=pl.col("started").sum(),
        _in_stats=(pl.col("started") & in_stats.fill_null(False)).sum(),
    )
    prob = (
        problems.select([pl.col(c).cast(t) for c, t in PROBLEM_SCHEMA.items()])
        .join(p.select("project_id", "unit"), on="project_id", how="inner")
        .filter((pl.col("due_at").dt.date() >= y0) & (pl.col("due_at").dt.date() <= e))
        .group_by("unit")
        .agg(
            _prob_due=pl.len(),
            _prob_ontime=(pl.col("resolved_at").is_not_null() & (pl.col("resolved_at") <= pl.col("due_at"))).sum(),
        )
    )
    agg = agg.join(prob, on="unit", how="left")
    if units is not None:
        agg = pl.DataFrame({"unit": units}, schema={"unit": pl.String}).join(agg, on="unit", how="left")
    counts = [c for c in agg.columns if c != "unit"]
    agg = agg.with_columns([pl.col(c).fill_null(0) for c in counts])
    schedule = month / 12
    wide = agg.with_columns(
        proj_start_rate=_rate("_started_of_due", "_due_any"),
        proj_new_start_rate=_rate("_new_started", "_due_new"),
        proj_start_restart_rate=_rate("_restart_num", "_restart_den"),
        proj_invest_plan_rate=_rate("proj_invest_ytd", "proj_invest_plan"),
        proj_invest_schedule_rate=pl.when(pl.col("proj_invest_plan") > 0)
        .then(round_expr(pl.col("proj_invest_ytd") / (pl.col("proj_invest_plan") * schedule) * 100, 4))
        .otherwise(None),
        proj_complete_rate=_rate("_completed", "_complete_due"),
        proj_stats_rate=_rate("_in_stats", "_started"),
        proj_problem_ontime_rate=_rate("_prob_ontime", "_prob_due"),
    )
    long = (
        wide.select("unit", *[pl.col(c).cast(pl.Float64) for c in INDICATORS])
        .unpivot(index="unit", variable_name="indicator", value_name="value")
        .with_columns(period=pl.lit(Period(PeriodKind.MONTH, year, month).code))
    )
    order = {code: i for i, code in enumerate(INDICATORS)}
    return long.with_columns(_o=pl.col("indicator").replace_strict(order, return_dtype=pl.Int32)).sort(
        "unit", "_o"
    ).drop("_o")


def wide(figures: pl.DataFrame) -> pl.DataFrame:
    """One row per unit, one column per indicator (for pages and bulletins)."""
    return figures.pivot(on="indicator", index="unit", values="value")
