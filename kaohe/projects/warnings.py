"""项目预警 (red/yellow/green) rules — pure functions over Polars frames, no Django.

Input: one row per project (see :data:`INPUT_SCHEMA`). Output: one row per project with
``level`` (``green`` / ``yellow`` / ``red``) and ``reasons`` (a list of structs
``{code, level, zh, en}``), computed for all projects at once.

The rules and their exact boundaries (defaults from one city's 2025 rule; every
number lives in :class:`WarningRules` and can be overridden per deployment):

``start`` — 开工预警, for a project not yet started that has a planned start date *p*:
  * *p* falls in a later month than the day of computation *t* → green;
  * *p* is in *t*'s month or earlier (due this month, or already late) → yellow;
  * *t* ≥ *p* + ``start_red_months`` calendar months (default 3; month addition
    clamps to the month's end, so 2026-01-31 + 1 month = 2026-02-28) → red.
  Example: *p* = 2026-03-15 → yellow from 2026-03-01, red from 2026-06-15.

``invest`` — 投资序时进度, for a project with a positive plan *P* for *t*'s year:
  * months elapsed *m* = *t*.month − 1 (the complete months whose reports are in;
    in January the rule is silent);
  * 序时进度 (time schedule, %) *s* = *m* / 12 × 100;
  * completion *c* = year-to-date investment reported for months ≤ *m* (the latest such
    report; none → 0) / *P* × 100;
  * gap *g* = *s* − *c* in percentage points, rounded to 6 decimals;
  * ``invest_yellow_gap`` ≤ *g* ≤ ``invest_red_gap`` → yellow (defaults 10 and 30,
    **both inclusive**: exactly 10 points behind is yellow, exactly 30 is still yellow);
  * *g* > ``invest_red_gap`` → red.

``stats`` — 列统 (入库) check, for a project started on *a* and not yet in the statistics:
  * *t* ≥ *a* + ``stats_yellow_months`` (default 1) calendar months → yellow;
  * *t* ≥ *a* + ``stats_red_months`` (default 2) → red.

A project's level is the worst of its rules; no rule firing → green. Each reason carries
its words in Chinese (``zh``) and English (``en``).

Escalation (:func:`escalation_targets`): yellow → the owner unit (属地单位) is told;
yellow in two consecutive months (the last stored result of the previous calendar month
was yellow or red, and today is yellow) → the responsible leader (挂包领导); red → the city
leader in charge (分管市领导). Each target gets an action due ``action_due_days`` later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from typing import Any

import polars as pl

from kaohe.lib.numbers import number, round_expr

GREEN, YELLOW, RED = "green", "yellow", "red"
LEVEL_RANK = {GREEN: 0, YELLOW: 1, RED: 2}
LEVEL_NAMES = {GREEN: ("绿灯", "green"), YELLOW: ("黄灯", "yellow"), RED: ("红灯", "red")}

INPUT_SCHEMA: dict[str, Any] = {
    "project_id": pl.Int64,
    "planned_start": pl.Date,
    "actual_start": pl.Date,
    "actual_stats": pl.Date,
    "year_plan": pl.Float64,
    "ytd_investment": pl.Float64,
}
"""``ytd_investment``: the year-to-date investment of the latest report of *t*'s year for a
month ≤ *t*.month − 1 (null or 0 when none). Amounts in any one unit (万元)."""


@dataclass(frozen=True)
class WarningRules:
    """The configurable thresholds of the warning rules (see module docstring)."""

    start_red_months: int = 3
    invest_yellow_gap: float = 10.0
    invest_red_gap: float = 30.0
    stats_yellow_months: int = 1
    stats_red_months: int = 2
    action_due_days: dict[str, int] = field(
        default_factory=lambda: {"owner_unit": 7, "leader": 5, "city_leader": 3}
    )

    @classmethod
    def from_mapping(cls, data: dict[str, Any] | None) -> WarningRules:
        """Defaults overridden by the keys of ``data`` (unknown keys are an error)."""
        rules = cls()
        if not data:
            return rules
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown warning rule settings: {', '.join(sorted(unknown))}")
        rules = replace(rules, **data)
        if not 0 <= rules.invest_yellow_gap <= rules.invest_red_gap:
            raise ValueError("invest_yellow_gap must be between 0 and invest_red_gap")
        if not 0 < rules.stats_yellow_months <= rules.stats_red_months:
            raise ValueError("stats_yellow_months must be positive and ≤ stats_red_months")
        return rules


def months_elapsed(today: dt.date) -> int:
    """Complete months of ``today``'s year (the months whose reports the schedule expects)."""
    return today.month - 1


def time_schedule_pct(today: dt.date) -> float:
    """序时进度 in %: months elapsed / 12 × 100."""
    return months_elapsed(today) / 12 * 100


def _month_index(col: pl.Expr) -> pl.Expr:
    return col.dt.year().cast(pl.Int32) * 12 + col.dt.month().cast(pl.Int32)


def compute(projects: pl.DataFrame, today: dt.date, rules: WarningRules | None = None) -> pl.DataFrame:
    """Warnings for every row of ``projects`` as of ``today``.

    Returns ``project_id, level, reasons, start_level, invest_level, stats_level, gap``.
    """
    rules = rules or WarningRules()
    df = projects.select(
        [pl.col(c).cast(t) if c in projects.columns else pl.lit(None, dtype=t).alias(c) for c, t in INPUT_SCHEMA.items()]
    )
    t = pl.lit(today, dtype=pl.Date)
    t_month = today.year * 12 + today.month
    s = time_schedule_pct(today)
    m = months_elapsed(today)

    not_started = pl.col("actual_start").is_null() & pl.col("planned_start").is_not_null()
    start_red = not_started & (t >= pl.col("planned_start").dt.offset_by(f"{rules.start_red_months}mo"))
    start_yellow = not_started & (_month_index(pl.col("planned_start")) <= t_month)

    completion = pl.col("ytd_investment").fill_null(0.0) / pl.col("year_plan") * 100
    gap = pl.when((pl.col("year_plan") > 0) & pl.lit(m >= 1)).then((pl.lit(s) - completion).round(6))
    waiting_stats = pl.col("actual_start").is_not_null() & pl.col("actual_stats").is_null()
    stats_red = waiting_stats & (t >= pl.col("actual_start").dt.offset_by(f"{rules.stats_red_months}mo"))
    stats_yellow = waiting_stats & (t >= pl.col("actual_start").dt.offset_by(f"{rules.stats_yellow_months}mo"))

    def level(red: pl.Expr, yellow: pl.Expr) -> pl.Expr:
        return pl.when(red).then(pl.lit(2)).when(yellow).then(pl.lit(1)).otherwise(pl.lit(0))

    out = df.with_columns(gap=gap, completion=completion).with_columns(
        start_level=level(start_red.fill_null(False), start_yellow.fill_null(False)),
        invest_level=level(
            pl.col("gap") > rules.invest_red_gap, pl.col("gap") >= rules.invest_yellow_gap
        ).fill_null(0),
        stats_level=level(stats_red.fill_null(False), stats_yellow.fill_null(False)),
    )
    out = out.with_columns(level_rank=pl.max_horizontal("start_level", "invest_level", "stats_level"))
    names = {0: GREEN, 1: YELLOW, 2: RED}
    out = out.with_columns(
        level=pl.col("level_rank").replace_strict(names, return_dtype=pl.String),
    )
    return out.with_columns(reasons=_reason_exprs(today, rules)).select(
        "project_id", "level", "reasons", "start_level", "invest_level", "stats_level", "gap", "completion"
    )


REASON_DTYPE = pl.Struct({"code": pl.String, "level": pl.String, "zh": pl.String, "en": pl.String})
REASONS_DTYPE = pl.List(REASON_DTYPE)


def _fmt1(col: pl.Expr) -> pl.Expr:
    """A float with one decimal, as text (``41.7``)."""
    return pl.format("{}", round_expr(col, 1)).str.replace(r"^(-?\d+)$", "${1}.0")


def _reason_exprs(today: dt.date, rules: WarningRules) -> pl.Expr:
    """The words of every fired rule, for all rows at once: a list of ``{code, level, zh, en}``."""
    t = pl.lit(today, dtype=pl.Date)
    s = time_schedule_pct(today)
    level_name = {1: YELLOW, 2: RED}
    p = pl.col("planned_start")
    p_txt = p.dt.strftime("%Y-%m-%d")
    late = (
        (pl.lit(today.year) - p.dt.year().cast(pl.Int32)) * 12
        + pl.lit(today.month) - p.dt.month().cast(pl.Int32)
        - pl.when(pl.lit(today.day) < p.dt.day().cast(pl.Int32)).then(1).otherwise(0)
    ).clip(lower_bound=0)
    n_red = rules.start_red_months
    start_zh = (
        pl.when(pl.col("start_level") == 2)
        .then(pl.format("计划{}开工，逾期{}个月仍未开工（≥{}个月为红灯）", p_txt, late, pl.lit(n_red)))
        .when(p > t)
        .then(pl.format("计划本月（{}）开工，尚未开工", p_txt))
        .otherwise(pl.format("计划{}开工，已逾期尚未开工", p_txt))
    )
    start_en = (
        pl.when(pl.col("start_level") == 2)
        .then(pl.format("planned to start on {}, still not started {} months later (≥ {} months is red)", p_txt, late, pl.lit(n_red)))
        .when(p > t)
        .then(pl.format("due to start this month ({}) and not started", p_txt))
        .otherwise(pl.format("planned to start on {}, overdue and not started", p_txt))
    )
    yg, rg = f"{rules.invest_yellow_gap:g}", f"{rules.invest_red_gap:g}"
    c, g = _fmt1(pl.col("completion")), _fmt1(pl.col("gap"))
    invest_zh = pl.format(
        f"年度投资完成{{}}%，落后序时进度（{number(s, 1)}%）{{}}个百分点（{yg}–{rg}个百分点为黄灯，超过{rg}为红灯）", c, g
    )
    invest_en = pl.format(
        f"annual investment {{}}% done, {{}} points behind the time schedule ({number(s, 1)}%) ({yg}–{rg} points is yellow, over {rg} red)",
        c, g,
    )
    a_txt = pl.col("actual_start").dt.strftime("%Y-%m-%d")
    months = pl.when(pl.col("stats_level") == 2).then(pl.lit(rules.stats_red_months)).otherwise(pl.lit(rules.stats_yellow_months))
    stats_zh = pl.format("{}开工，满{}个月尚未列统（入库）", a_txt, months)
    stats_en = pl.format("started on {}, not in the statistics {} month(s) later", a_txt, months)

    def item(code: str, level_col: str, zh: pl.Expr, en: pl.Expr) -> pl.Expr:
        lvl = pl.col(level_col).replace_strict(level_name, default=None, return_dtype=pl.String)
        return pl.when(pl.col(level_col) > 0).then(
            pl.struct(pl.lit(code).alias("code"), lvl.alias("level"), zh.alias("zh"), en.alias("en"))
        )

    return pl.concat_list(
        item("start", "start_level", start_zh, start_en),
        item("invest", "invest_level", invest_zh, invest_en),
        item("stats", "stats_level", stats_zh, stats_en),
    ).list.drop_nulls()


# ---- escalation --------------------------------------------------------------------------

ESCALATION_TARGETS = {
    "owner_unit": ("属地单位", "owner unit"),
    "leader": ("挂包领导", "responsible leader"),
    "city_leader": ("分管市领导", "city leader in charge"),
}


def escalation_targets(level: str, previous_month_level: str | None) -> list[str]:
    """Who must act on a project warned ``level`` today, given last month's final level.

    yellow → owner unit; yellow after a yellow (or red) last month → also the leader;
    red → owner unit, leader and the city leader in charge.
    """
    if level == RED:
        return ["owner_unit", "leader", "city_leader"]
    if level == YELLOW:
        if previous_month_level in (YELLOW, RED):
            return ["owner_unit", "leader"]
        return ["owner_unit"]
    return []


def escalations(
    today_levels: pl.DataFrame, previous: pl.DataFrame, today: dt.date, rules: WarningRules | None = None
) -> pl.DataFrame:
    """Action list for all projects: ``project_id, target, due_on, level``.

    ``today_levels``: ``project_id, level``; ``previous``: ``project_id, level`` — the last
    stored level of each project in the previous calendar month.
    """
    rules = rules or WarningRules()
    prev = previous.select("project_id", pl.col("level").alias("prev_level"))
    df = today_levels.select("project_id", "level").join(prev, on="project_id", how="left")
    rows = []
    for pid, level, prev_level in df.filter(pl.col("level") != GREEN).iter_rows():
        for target in escalation_targets(level, prev_level):
            rows.append(
                {
                    "project_id": pid,
                    "target": target,
                    "due_on": today + dt.timedelta(days=rules.action_due_days[target]),
                    "level": level,
                }
            )
    return pl.DataFrame(
        rows, schema={"project_id": pl.Int64, "target": pl.String, "due_on": pl.Date, "level": pl.String}
    )


def previous_month_end(today: dt.date) -> dt.date:
    return today.replace(day=1) - dt.timedelta(days=1)
