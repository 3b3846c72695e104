"""Data-quality screening of a values table (数据质量筛查): ``kaohe quality``.

``screen(values, units, history)`` returns one row per finding:
``unit, indicator, period, check, severity, reason_zh, reason_en, value,
expected, statistic``. Checks (the ``check`` column):

- ``duplicate`` — the same unit/indicator/period twice with the same value
  (warning) — ``conflict`` when the values differ (error: which one counts?);
- ``unknown_unit`` — a unit absent from the units file (error);
- ``not_finite`` — NaN or infinite value (error);
- ``missing`` — a unit × indicator × period expected but absent or empty
  (warning; the scheme's ``missing`` rule will score it). Expected = every
  unit (units file, else the units seen) × every indicator reported by
  anybody in that period (or the ``indicators`` given);
- ``peer_outlier`` — robust outlier within the peer group: modified z-score
  M = 0.6745·(x − median)/MAD (Iglewicz & Hoaglin 1993), |M| > 3.5 flagged;
  when MAD = 0 (over half the group report the same value) the mean absolute
  deviation is used instead, M = (x − median)/(1.253314·MeanAD), as IBM SPSS
  does; groups smaller than ``min_peers`` are not screened (warning). For
  amounts (see ``benford``) the statistic is computed on log10 of positive
  values, so a large district is not an outlier merely for being large;
- ``history_outlier`` — the same statistic against the unit's own earlier
  periods (at least ``min_history`` of them; with ``seasonal=True`` only the
  same month/quarter of earlier years; indicators listed in ``cumulative`` —
  year-to-date 累计 series, which grow through the year — always so)
  (warning);
- ``jump_mom`` / ``jump_yoy`` — 环比 / 同比 change beyond its kind's threshold
  (warning): amounts by the relative change (x − prev)/|prev| beyond
  ``mom_threshold`` / ``yoy_threshold`` (fractions), or a change from a zero
  base (``jump_zero_base``, info); rates and shares (indicators listed in
  ``rates``, measured in %, ‰ or 百分点 — see :func:`measure_kind`) by the
  difference x − prev in percentage points (百分点) beyond ``rate_threshold``:
  a growth rate moving from 0.6 % to 3.02 % is 2.42 百分点, not "+403 %".
  :func:`jump` is the same rule for one value (the data-entry check uses it);
- ``too_smooth`` — the last ``smooth_window`` (6) consecutive periods change by
  the same step every period (spread of the steps ≤ ``smooth_tol`` (0.1%) of the
  mean level): figures filled in by formula rather than counted (warning);
  constant series are left alone;
- ``benford`` — first-digit (Benford) test per submitting unit (column
  ``submitter`` if present, else ``unit``) over its amounts, pooled across
  indicators and periods: chi-square (8 d.f.) and Nigrini's MAD =
  mean |observed − expected proportion| over the nine digits, judged by
  Nigrini's first-digit cut-offs (≤0.006 close, ≤0.012 acceptable,
  ≤0.015 marginal → info, above → nonconformity → warning). Only values ≥ 10
  count (Nigrini: small numbers carry rounding, not first digits), and a
  unit with fewer than ``benford_min_n`` (default 100) such values is not
  tested: below that the expected count of digit 9 falls under 5 and
  neither statistic means anything. Amounts = the ``amounts`` given, else
  the indicators whose values are never negative and whose positive values
  span at least two orders of magnitude (P99/P1 ≥ 100) — rates and
  percentages do not follow Benford's law and are left out.

Periods are read by :func:`kaohe.lib.periods.parse_period` (``2025``,
``2025-H1``, ``2025Q3``, ``2025-03`` and their variants); jumps and
history need them and are skipped for rows without a parseable period.
Everything is vectorised Polars/NumPy; no loop over units.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from kaohe.engine._analysis_io import InputError, read_table
from kaohe.lib.numbers import round_expr
from kaohe.lib.periods import parse_period

SEVERITIES = ("error", "warning", "info")
FINDING_SCHEMA = {
    "unit": pl.String,
    "indicator": pl.String,
    "period": pl.String,
    "check": pl.String,
    "severity": pl.String,
    "reason_zh": pl.String,
    "reason_en": pl.String,
    "value": pl.Float64,
    "expected": pl.Float64,
    "statistic": pl.Float64,
}
MZ_CONST = 0.6745
MEANAD_CONST = 1.253314
BENFORD_P = np.log10(1.0 + 1.0 / np.arange(1, 10))
# Nigrini (2012), Digital Analysis Using Benford's Law, table 7.1, first digits.
NIGRINI_FIRST_DIGIT = (0.006, 0.012, 0.015)
_NOPERIOD = "\x00"  # internal stand-in for "no period" so grouping keys are never null


#: The checks' names for people (Chinese, English): a finding's ``check`` code stays internal.
CHECK_LABELS = {
    "duplicate": ("重复数据", "duplicate"),
    "conflict": ("数据冲突", "conflicting values"),
    "unknown_unit": ("未知单位", "unknown unit"),
    "not_finite": ("非有效数值", "not a finite number"),
    "missing": ("缺报", "missing"),
    "peer_outlier": ("同组离群", "outlier in the peer group"),
    "history_outlier": ("历史离群", "out of line with its history"),
    "jump_mom": ("环比突变", "month-on-month jump"),
    "jump_yoy": ("同比突变", "year-on-year jump"),
    "jump_zero_base": ("零基数变动", "change from a zero base"),
    "too_smooth": ("数据过于平滑", "too smooth"),
    "benford": ("首位数字分布异常", "Benford first-digit test"),
}


def check_label(check: str, language: str = "zh") -> str:
    """A check code's name for people (``jump_yoy`` → 同比突变); unknown codes get a neutral name."""
    zh, en = CHECK_LABELS.get(check, ("数据质量提示", "data-quality note"))
    return en if language.startswith("en") else zh


# --- the one jump rule: rates in percentage points, amounts in per cent ---------------

#: Units of measure of a rate or share: changes are differences in percentage points (百分点).
RATE_UNITS = frozenset({"%", "％", "‰", "百分点", "个百分点"})
#: Default jump thresholds per kind: amounts in per cent of the base, rates in 百分点.
JUMP_THRESHOLDS = {"amount": 50.0, "rate": 10.0}


def measure_kind(unit_of_measure: str | None) -> str:
    """``"rate"`` for a rate or share (%, ‰, 百分点), else ``"amount"``."""
    return "rate" if (unit_of_measure or "").strip() in RATE_UNITS else "amount"


@dataclass(frozen=True)
class Jump:
    """A change of one value against its base: ``change`` in ``unit`` (``"%"`` of the base for
    amounts, ``"百分点"`` for rates), ``limit`` the threshold in the same unit."""

    change: float
    unit: str
    limit: float

    @property
    def exceeds(self) -> bool:
        return abs(self.change) > self.limit


def jump(value: float, base: float | None, kind: str, limit: float | None = None) -> Jump | None:
    """The change of ``value`` against ``base`` by its kind's rule; None when there is no base
    (or an amount's base is 0: a relative change from zero means nothing)."""
    if base is None:
        return None
    limit = JUMP_THRESHOLDS[kind] if limit is None else float(limit)
    if kind == "rate":
        return Jump(float(value) - float(base), "百分点", limit)
    if base == 0:
        return None
    return Jump((float(value) - float(base)) / abs(float(base)) * 100, "%", limit)


def screen(
    values: pl.DataFrame,
    units: pl.DataFrame | None = None,
    history: pl.DataFrame | None = None,
    *,
    indicators: Sequence[str] | None = None,
    amounts: Sequence[str] | None = None,
    period: str | None = None,
    z_threshold: float = 3.5,
    min_peers: int = 5,
    min_history: int = 4,
    seasonal: bool = False,
    cumulative: Sequence[str] = (),
    mom_threshold: float = 0.5,
    yoy_threshold: float = 0.5,
    rates: Sequence[str] = (),
    rate_threshold: float = JUMP_THRESHOLDS["rate"],
    benford_min_n: int = 100,
    smooth_window: int = 6,
    smooth_tol: float = 0.001,
) -> pl.DataFrame:
    """Screen ``values`` (``unit, indicator, value[, period][, submitter]``).

    ``units`` (``unit[, group]``) gives the expected units and peer groups;
    ``history`` (``unit, indicator, value, period``) earlier periods for the
    history and jump checks (rows of ``values`` win over history rows with
    the same key). ``period`` labels rows of ``values`` that carry none.
    Returns the findings sorted by severity, check, unit, indicator, period.
    """
    v = _prepare(values, period)
    if units is not None and "unit" in units.columns:
        u = units.select(
            pl.col("unit").cast(pl.String),
            (pl.col("group").cast(pl.String) if "group" in units.columns else pl.lit("")).alias(
                "group"
            ),
        ).unique(subset="unit", keep="first", maintain_order=True)
    else:
        u = v.select("unit").unique(maintain_order=True).with_columns(group=pl.lit(""))
    u = u.with_columns(pl.col("group").fill_null(""))

    parts = [
        _duplicates(v),
        _unknown_units(v, u) if units is not None else None,
        _not_finite(v),
        _missing(v, u, indicators),
    ]
    # analytic checks use one finite value per key
    clean = (
        v.filter(pl.col("value").is_not_null() & pl.col("value").is_finite())
        .unique(subset=["unit", "indicator", "_period"], keep="first", maintain_order=True)
        .join(u, on="unit", how="left")
        .with_columns(pl.col("group").fill_null(""))
    )
    amt = list(amounts) if amounts is not None else amount_indicators(v)
    # skewed amounts are screened on log10 so that a large unit is not an outlier
    # merely for being large; everything else on the raw value
    clean = clean.with_columns(
        pl.when(pl.col("indicator").is_in(amt) & (pl.col("value") > 0))
        .then(pl.col("value").log10())
        .otherwise(pl.col("value"))
        .alias("x"),
        (pl.col("indicator").is_in(amt) & (pl.col("value") > 0)).alias("logged"),
    )
    parts.append(_peer_outliers(clean, z_threshold, min_peers))
    found_series = _series(clean, history, amt)
    if found_series is not None:
        series, cur_pid = found_series
        cur = (
            _with_ordinals(clean.with_row_index("_id").with_columns(cur_pid.alias("pid")))
            .filter(pl.col("fq").is_not_null())
            .sort("_id")
        )
        cur = cur.with_columns(pl.col("indicator").is_in(list(cumulative)).alias("cum"))
        parts.append(_history_outliers(cur, series, z_threshold, min_history, seasonal))
        parts.append(_jumps(cur, series, mom_threshold, yoy_threshold, list(rates), rate_threshold))
        if smooth_window >= 3:
            parts.append(_too_smooth(cur, series, smooth_window, smooth_tol))
    parts.append(_benford(v, amt, benford_min_n))
    found = [p for p in parts if p is not None and p.height]
    if not found:
        return pl.DataFrame(schema=FINDING_SCHEMA)
    out = pl.concat([p.select(list(FINDING_SCHEMA)).cast(FINDING_SCHEMA) for p in found])
    sev = pl.col("severity").replace_strict(
        {s: i for i, s in enumerate(SEVERITIES)}, return_dtype=pl.Int8
    )
    return (
        out.with_columns(
            pl.when(pl.col("period") == _NOPERIOD).then(None).otherwise("period").alias("period")
        )
        .sort(
            [sev, pl.col("check"), pl.col("unit"), pl.col("indicator"), pl.col("period")],
            nulls_last=True,
        )
    )


# --- preparation -------------------------------------------------------------


def _prepare(values: pl.DataFrame, period: str | None) -> pl.DataFrame:
    for col in ("unit", "indicator", "value"):
        if col not in values.columns:
            raise InputError(f"values: missing column '{col}' / 缺少列 {col}")
    cols = [
        pl.col("unit").cast(pl.String),
        pl.col("indicator").cast(pl.String),
        pl.col("value").cast(pl.Float64),
    ]
    if "period" in values.columns:
        p = pl.col("period").cast(pl.String)
        if period is not None:
            p = p.fill_null(pl.lit(period))
        cols.append(p.fill_null(_NOPERIOD).alias("_period"))
    else:
        cols.append(pl.lit(period if period is not None else _NOPERIOD).alias("_period"))
    if "submitter" in values.columns:
        cols.append(pl.col("submitter").cast(pl.String).fill_null(pl.col("unit").cast(pl.String)))
    else:
        cols.append(pl.col("unit").cast(pl.String).alias("submitter"))
    return values.select(cols).with_row_index("_row")


def _finding(
    df: pl.DataFrame,
    check: str,
    severity: str | pl.Expr,
    reason_zh: pl.Expr,
    reason_en: pl.Expr,
    value: pl.Expr | None = None,
    expected: pl.Expr | None = None,
    statistic: pl.Expr | None = None,
    indicator: pl.Expr | None = None,
    period: pl.Expr | None = None,
) -> pl.DataFrame:
    none = pl.lit(None, dtype=pl.Float64)
    sev = pl.lit(severity) if isinstance(severity, str) else severity
    return df.select(
        pl.col("unit").cast(pl.String),
        (indicator if indicator is not None else pl.col("indicator")).cast(pl.String).alias(
            "indicator"
        ),
        (period if period is not None else pl.col("_period")).cast(pl.String).alias("period"),
        pl.lit(check).alias("check"),
        sev.alias("severity"),
        reason_zh.alias("reason_zh"),
        reason_en.alias("reason_en"),
        (value if value is not None else none).cast(pl.Float64).alias("value"),
        (expected if expected is not None else none).cast(pl.Float64).alias("expected"),
        (statistic if statistic is not None else none).cast(pl.Float64).alias("statistic"),
    )


def _num(expr: pl.Expr, digits: int = 6) -> pl.Expr:
    """A number as short text for a reason (6 significant digits)."""
    return expr.round_sig_figs(digits).cast(pl.String).str.replace(r"\.0$", "")


def _pct(expr: pl.Expr) -> pl.Expr:
    """A ratio as a percentage for a reason, 四舍五入 to one place (0.60125 → "60.1%", 0.6025 → "60.3%")."""
    return pl.format("{}%", round_expr(expr * 100, 1).cast(pl.String))


# --- structural checks ---------------------------------------------------------


def _duplicates(v: pl.DataFrame) -> pl.DataFrame:
    key = ["unit", "indicator", "_period"]
    dup = v.filter(pl.len().over(key) > 1)
    if not dup.height:
        return dup
    g = dup.group_by(key, maintain_order=True).agg(
        pl.len().alias("n"),
        pl.col("value").n_unique().alias("distinct"),
        pl.col("value").first().alias("first"),
        (pl.col("_row") + 2).cast(pl.String).str.join(", ").alias("lines"),
        pl.col("value").cast(pl.String).str.join(" / ").alias("vals"),
    )
    conflict = pl.col("distinct") > 1
    return _finding(
        g,
        "",
        pl.when(conflict).then(pl.lit("error")).otherwise(pl.lit("warning")),
        pl.when(conflict)
        .then(pl.format("同一单位、指标、期间有{}行且数值不同（{}；第{}行），无法确定以哪一行为准", "n", "vals", "lines"))
        .otherwise(pl.format("重复行：同一单位、指标、期间出现{}次（第{}行）", "n", "lines")),
        pl.when(conflict)
        .then(pl.format("{} rows for the same unit, indicator and period with different values ({}; lines {}): which one counts?", "n", "vals", "lines"))
        .otherwise(pl.format("duplicated row: the same unit, indicator and period {} times (lines {})", "n", "lines")),
        value=pl.col("first"),
        statistic=pl.col("n"),
    ).with_columns(
        pl.when(pl.col("severity") == "error")
        .then(pl.lit("conflict"))
        .otherwise(pl.lit("duplicate"))
        .alias("check")
    )


def _unknown_units(v: pl.DataFrame, u: pl.DataFrame) -> pl.DataFrame:
    unk = (
        v.join(u.select("unit"), on="unit", how="anti")
        .group_by("unit", maintain_order=True)
        .agg(pl.len().alias("n"), (pl.col("_row").min() + 2).alias("line"))
    )
    return _finding(
        unk,
        "unknown_unit",
        "error",
        pl.format("单位 '{}' 不在单位表中（共{}行，首见第{}行）", "unit", "n", "line"),
        pl.format("unit '{}' is not in the units file ({} rows, first at line {})", "unit", "n", "line"),
        statistic=pl.col("n"),
        indicator=pl.lit(None, dtype=pl.String),
        period=pl.lit(None, dtype=pl.String),
    )


def _not_finite(v: pl.DataFrame) -> pl.DataFrame:
    bad = v.filter(pl.col("value").is_not_null() & ~pl.col("value").is_finite())
    return _finding(
        bad,
        "not_finite",
        "error",
        pl.format("第{}行数值无效（{}）", pl.col("_row") + 2, pl.col("value").cast(pl.String)),
        pl.format("line {}: value is not a finite number ({})", pl.col("_row") + 2, pl.col("value").cast(pl.String)),
        value=pl.col("value"),
    )


def _missing(v: pl.DataFrame, u: pl.DataFrame, indicators: Sequence[str] | None) -> pl.DataFrame:
    periods = v.select("_period").unique(maintain_order=True)
    if indicators is not None:
        pi = periods.join(
            pl.DataFrame({"indicator": list(indicators)}, schema={"indicator": pl.String}),
            how="cross",
        )
    else:
        pi = v.select("_period", "indicator").unique(maintain_order=True)
    expected = u.select("unit").join(pi, how="cross")
    present = v.filter(pl.col("value").is_not_null()).select("unit", "indicator", "_period")
    empty = v.filter(pl.col("value").is_null()).select(
        "unit", "indicator", "_period", (pl.col("_row") + 2).alias("line")
    ).unique(subset=["unit", "indicator", "_period"], keep="first", maintain_order=True)
    miss = (
        expected.join(present, on=["unit", "indicator", "_period"], how="anti")
        .join(empty, on=["unit", "indicator", "_period"], how="left")
        .sort("unit", "indicator", "_period")
    )
    blank = pl.col("line").is_not_null()
    return _finding(
        miss,
        "missing",
        "warning",
        pl.when(blank)
        .then(pl.format("缺少数据：第{}行数值为空", "line"))
        .otherwise(pl.lit("缺少数据：该单位未报送此指标")),
        pl.when(blank)
        .then(pl.format("missing: the value on line {} is empty", "line"))
        .otherwise(pl.lit("missing: the unit submitted no value for this indicator")),
    )


# --- robust outliers --------------------------------------------------------------


def _modified_z(x: pl.Expr, keys: list[str]) -> tuple[pl.Expr, pl.Expr]:
    """(median, modified z) of ``x`` within ``keys`` — see the module docstring."""
    med = x.median().over(keys)
    dev = (x - med).abs()
    mad = dev.median().over(keys)
    mean_ad = dev.mean().over(keys)
    z = (
        pl.when(mad > 0)
        .then(MZ_CONST * (x - med) / mad)
        .when(mean_ad > 0)
        .then((x - med) / (MEANAD_CONST * mean_ad))
        .otherwise(0.0)
    )
    return med, z


def _peer_outliers(clean: pl.DataFrame, z_threshold: float, min_peers: int) -> pl.DataFrame:
    keys = ["group", "indicator", "_period"]
    med, z = _modified_z(pl.col("x"), keys)
    scored = clean.with_columns(
        pl.when("logged").then(10 ** med).otherwise(med).alias("median"),
        z.alias("z"),
        pl.len().over(keys).alias("n"),
    ).filter((pl.col("n") >= min_peers) & (pl.col("z").abs() > z_threshold))
    return _finding(
        scored,
        "peer_outlier",
        "warning",
        pl.format(
            "同组异常值：{}，同组{}个单位中位数为{}，稳健z值{}（阈值{}）",
            _num(pl.col("value")), "n", _num(pl.col("median")), _num(pl.col("z"), 3),
            pl.lit(z_threshold),
        ),
        pl.format(
            "outlier within the peer group: {} against a median of {} over {} units, modified z {} (threshold {})",
            _num(pl.col("value")), _num(pl.col("median")), "n", _num(pl.col("z"), 3),
            pl.lit(z_threshold),
        ),
        value=pl.col("value"),
        expected=pl.col("median"),
        statistic=pl.col("z"),
    )


# --- periods, history and jumps ---------------------------------------------------


def _with_ordinals(df: pl.DataFrame) -> pl.DataFrame:
    """Add ``fq`` (periods per year) and ``ord`` (a running period number) from
    ``_period`` — parsed once per distinct label (:func:`kaohe.lib.periods.parse_period`),
    then joined."""
    labels = df["_period"].unique().to_list()
    parsed = [(lab, parse_period(lab)) for lab in labels]
    periods = pl.DataFrame(
        {
            "_period": [lab for lab, _p in parsed],
            "fq": [p.kind.per_year if p else None for _lab, p in parsed],
            "ord": [p.ordinal if p else None for _lab, p in parsed],
        },
        schema={"_period": df.schema["_period"], "fq": pl.Int64, "ord": pl.Int64},
    )
    return df.join(periods, on="_period", how="left")


def _series(
    clean: pl.DataFrame, history: pl.DataFrame | None, amt: list[str]
) -> tuple[pl.DataFrame, pl.Series] | None:
    """Every known value by unit/indicator/period — history plus the values screened,
    the latter winning — keyed by ``pid``, one integer per unit × indicator (the heavy
    joins run on integers). Returns the series and the ``pid`` of each row of
    ``clean``."""
    cur = clean.select("unit", "indicator", "_period", "value")
    allv = cur
    if history is not None and history.height:
        for col in ("unit", "indicator", "value", "period"):
            if col not in history.columns:
                raise InputError(f"history: missing column '{col}' / 历史数据缺少列 {col}")
        h = history.select(
            pl.col("unit").cast(pl.String),
            pl.col("indicator").cast(pl.String),
            pl.col("period").cast(pl.String).alias("_period"),
            pl.col("value").cast(pl.Float64),
        ).filter(
            pl.col("value").is_not_null()
            & pl.col("value").is_finite()
            & pl.col("_period").is_not_null()
        )
        allv = pl.concat([cur, h])
    # one Categorical cast per column of the combined table: codes agree across both parts
    codes = allv.select(
        (
            pl.col("unit").cast(pl.Categorical).to_physical().cast(pl.Int64) * (1 << 32)
            + pl.col("indicator").cast(pl.Categorical).to_physical().cast(pl.Int64)
        ).alias("pid"),
        pl.col("_period").cast(pl.Categorical).to_physical().cast(pl.Int64).alias("pc"),
        (pl.col("indicator").is_in(amt) & (pl.col("value") > 0)).alias("logged"),
    )
    cur_pid = codes["pid"].head(cur.height)
    s = pl.concat([allv.select("_period", "value"), codes], how="horizontal").unique(
        subset=["pid", "pc"], keep="first"
    )
    periods = _with_ordinals(s.select("pc", "_period").unique(subset="pc"))
    s = s.join(periods.select("pc", "fq", "ord"), on="pc").filter(pl.col("fq").is_not_null())
    if s.select(pl.struct("fq", "ord").n_unique()).item() < 2:
        return None
    s = s.with_columns(
        pl.when("logged").then(pl.col("value").log10()).otherwise(pl.col("value")).alias("x")
    )
    return s.select("pid", "fq", "ord", "x", "value", "_period"), cur_pid


def _history_outliers(
    cur: pl.DataFrame,
    series: pl.DataFrame,
    z_threshold: float,
    min_history: int,
    seasonal: bool,
) -> pl.DataFrame:
    hist = series.select("pid", "fq", pl.col("ord").alias("h_ord"), pl.col("x").alias("h"))
    j = cur.select("_id", "pid", "fq", "ord", "cum").join(hist, on=["pid", "fq"]).filter(
        pl.col("h_ord") < pl.col("ord")
    )
    same_season = ((pl.col("ord") - pl.col("h_ord")) % pl.col("fq")) == 0
    # year-to-date (累计) series grow through the year: compare like with like
    j = j.filter(same_season) if seasonal else j.filter(~pl.col("cum") | same_season)
    med = j.group_by("_id").agg(pl.col("h").median().alias("median"))
    g = (
        j.join(med, on="_id")
        .with_columns((pl.col("h") - pl.col("median")).abs().alias("dev"))
        .group_by("_id")
        .agg(
            pl.col("median").first(),
            pl.col("dev").median().alias("mad"),
            pl.col("dev").mean().alias("mean_ad"),
            pl.len().alias("n"),
        )
        .filter(pl.col("n") >= min_history)
        .join(cur.select("_id", "unit", "indicator", "_period", "value", "x", "logged"), on="_id")
        .sort("_id")
    )
    diff = pl.col("x") - pl.col("median")
    g = g.with_columns(
        pl.when(pl.col("mad") > 0)
        .then(MZ_CONST * diff / pl.col("mad"))
        .when(pl.col("mean_ad") > 0)
        .then(diff / (MEANAD_CONST * pl.col("mean_ad")))
        .when(diff != 0)
        .then(pl.lit(float("inf")) * diff.sign())
        .otherwise(0.0)
        .alias("z")
    ).filter(pl.col("z").abs() > z_threshold).with_columns(
        pl.when("logged").then(10 ** pl.col("median")).otherwise("median").alias("median")
    )
    return _finding(
        g,
        "history_outlier",
        "warning",
        pl.format(
            "与本单位历史不符：{}，此前{}期中位数为{}，稳健z值{}（阈值{}）",
            _num(pl.col("value")), "n", _num(pl.col("median")), _num(pl.col("z"), 3),
            pl.lit(z_threshold),
        ),
        pl.format(
            "out of line with the unit's own history: {} against a median of {} over {} earlier periods, modified z {} (threshold {})",
            _num(pl.col("value")), _num(pl.col("median")), "n", _num(pl.col("z"), 3),
            pl.lit(z_threshold),
        ),
        value=pl.col("value"),
        expected=pl.col("median"),
        statistic=pl.col("z"),
    )


def _jumps(
    cur: pl.DataFrame, series: pl.DataFrame, mom_threshold: float, yoy_threshold: float,
    rates: list[str] | None = None, rate_threshold: float = JUMP_THRESHOLDS["rate"],
) -> pl.DataFrame:
    rates = rates or []
    prev = series.select(
        "pid", "fq", pl.col("ord").alias("p_ord"), pl.col("value").alias("prev"),
        pl.col("_period").alias("p_period"),
    )
    lag = pl.col("fq")
    base = cur.select("_id", "pid", "unit", "indicator", "_period", "fq", "ord", "value", "cum").with_columns(
        pl.col("indicator").is_in(rates).alias("rate")
    )
    out = []
    for kind, shift, threshold, zh, en in (
        ("mom", pl.lit(1, dtype=pl.Int64), mom_threshold, "环比", "on the previous period"),
        ("yoy", lag, yoy_threshold, "同比", "on the same period last year"),
    ):
        b = base
        if kind == "mom":
            # annual: 环比 is 同比, report it once; year-to-date series have no 环比
            b = b.filter((pl.col("fq") != 1) & ~pl.col("cum"))
        j = b.with_columns((pl.col("ord") - shift).alias("p_ord")).join(
            prev, on=["pid", "fq", "p_ord"]
        ).sort("_id")
        change = (pl.col("value") - pl.col("prev")) / pl.col("prev").abs()
        j = j.with_columns(
            pl.when(pl.col("prev") != 0).then(change).otherwise(None).alias("rel"),
            (pl.col("value") - pl.col("prev")).alias("pp"),
        )
        amounts, rated = j.filter(~pl.col("rate")), j.filter(pl.col("rate"))
        big = amounts.filter(pl.col("rel").abs() > threshold)
        zero = amounts.filter((pl.col("prev") == 0) & (pl.col("value") != 0))
        out.append(
            _finding(
                big,
                f"jump_{kind}",
                "warning",
                pl.format(
                    "{}变动异常：由{}（{}）变为{}，变动{}，超过±{}",
                    pl.lit(zh), _num(pl.col("prev")), "p_period", _num(pl.col("value")),
                    _pct(pl.col("rel")), _pct(pl.lit(threshold)),
                ),
                pl.format(
                    "implausible change {}: from {} ({}) to {}, {}, beyond ±{}",
                    pl.lit(en), _num(pl.col("prev")), "p_period", _num(pl.col("value")),
                    _pct(pl.col("rel")), _pct(pl.lit(threshold)),
                ),
                value=pl.col("value"),
                expected=pl.col("prev"),
                statistic=pl.col("rel"),
            )
        )
        pp = rated.filter(pl.col("pp").abs() > rate_threshold)
        signed = pl.when(pl.col("pp") > 0).then(pl.lit("+")).otherwise(pl.lit(""))
        out.append(
            _finding(
                pp,
                f"jump_{kind}",
                "warning",
                pl.format(
                    "{}变动异常：由{}%（{}）变为{}%，变动{}{}个百分点，超过±{}个百分点",
                    pl.lit(zh), _num(pl.col("prev")), "p_period", _num(pl.col("value")),
                    signed, _num(round_expr(pl.col("pp"), 2)), _num(pl.lit(rate_threshold)),
                ),
                pl.format(
                    "implausible change {}: from {}% ({}) to {}%, {}{} percentage points, beyond ±{}",
                    pl.lit(en), _num(pl.col("prev")), "p_period", _num(pl.col("value")),
                    signed, _num(round_expr(pl.col("pp"), 2)), _num(pl.lit(rate_threshold)),
                ),
                value=pl.col("value"),
                expected=pl.col("prev"),
                statistic=pl.col("pp"),
            )
        )
        out.append(
            _finding(
                zero,
                "jump_zero_base",
                "info",
                pl.format("{}基数为零：由0（{}）变为{}", pl.lit(zh), "p_period", _num(pl.col("value"))),
                pl.format("change {} from a zero base: 0 ({}) to {}", pl.lit(en), "p_period", _num(pl.col("value"))),
                value=pl.col("value"),
                expected=pl.col("prev"),
            )
        )
    return pl.concat(out)


def _too_smooth(cur: pl.DataFrame, series: pl.DataFrame, window: int, tol: float) -> pl.DataFrame:
    """The last ``window`` consecutive periods up to the current one rise or fall by the
    same step every period (spread of the steps ≤ tol × the mean level): real data is
    not that regular; a series filled in by formula is. Constant series are not
    flagged (many indicators legitimately do not move)."""
    k = window - 1  # steps in the window
    # one pass over the series sorted by unit × indicator and period: a step that
    # crosses to another series or skips a period is null, and a rolling window
    # holding a null yields null — so no grouping is needed
    start = (pl.col("pid") != pl.col("pid").shift(1)) | (pl.col("fq") != pl.col("fq").shift(1))
    ok = ~start.fill_null(True) & ((pl.col("ord") - pl.col("ord").shift(1)) == 1)
    roll = (
        series.select("pid", "fq", "ord", "value")
        .sort("pid", "fq", "ord")
        .with_columns(pl.when(ok).then(pl.col("value").diff()).otherwise(None).alias("d"))
        .with_columns(
            pl.col("d").rolling_min(k).alias("dmin"),
            pl.col("d").rolling_max(k).alias("dmax"),
            pl.col("d").rolling_mean(k).alias("step"),
            pl.col("value").abs().rolling_mean(window).alias("level"),
        )
        .filter(
            pl.col("dmin").is_not_null()
            & (pl.col("step") != 0)
            & ((pl.col("dmax") - pl.col("dmin")) <= tol * pl.col("level"))
        )
        .select("pid", "fq", "ord", "step", pl.lit(window).alias("n"))
    )
    g = cur.select("_id", "pid", "fq", "ord", "unit", "indicator", "_period", "value").join(
        roll, on=["pid", "fq", "ord"]
    ).sort("_id")
    return _finding(
        g,
        "too_smooth",
        "warning",
        pl.format(
            "数据过于平滑：连续{}期每期变动均为{}，疑为推算而非实际统计",
            "n", _num(pl.col("step")),
        ),
        pl.format(
            "suspiciously smooth: the last {} periods change by the same {} every period, as if filled in by formula",
            "n", _num(pl.col("step")),
        ),
        value=pl.col("value"),
        statistic=pl.col("step"),
    )


# --- Benford ---------------------------------------------------------------------


def amount_indicators(values: pl.DataFrame) -> list[str]:
    """Indicators that look like amounts: never negative, positive values spanning
    at least two orders of magnitude (P99/P1 ≥ 100)."""
    s = (
        values.filter(pl.col("value").is_not_null() & pl.col("value").is_finite())
        .group_by("indicator")
        .agg(
            (pl.col("value") < 0).any().alias("neg"),
            pl.col("value").filter(pl.col("value") > 0).quantile(0.01).alias("p01"),
            pl.col("value").filter(pl.col("value") > 0).quantile(0.99).alias("p99"),
        )
        .filter(~pl.col("neg") & (pl.col("p01") > 0) & (pl.col("p99") >= 100 * pl.col("p01")))
    )
    return sorted(s["indicator"].to_list())


def first_digits(x: np.ndarray) -> np.ndarray:
    """First significant digit (1–9) of each positive number."""
    x = np.abs(np.asarray(x, dtype=np.float64))
    e = np.floor(np.log10(x))
    m = x / np.power(10.0, e)
    # log10 rounding can land one decade off (e.g. 999.9999 vs 1000)
    m = np.where(m >= 10.0, m / 10.0, np.where(m < 1.0, m * 10.0, m))
    return np.clip(np.floor(m + 1e-9), 1, 9).astype(np.int64)


def benford_table(values: pl.DataFrame, by: str = "submitter", min_value: float = 10.0) -> pl.DataFrame:
    """Per ``by``: n, counts d1..d9, chi-square, p-value and Nigrini's MAD."""
    from scipy.stats import chi2 as chi2_dist

    v = values.filter(pl.col("value").is_finite() & (pl.col("value").abs() >= min_value))
    keys = v[by].cast(pl.String)
    codes, idx = np.unique(keys.to_numpy().astype(str), return_inverse=True)
    d = first_digits(v["value"].to_numpy())
    counts = np.bincount(idx * 9 + (d - 1), minlength=len(codes) * 9).reshape(len(codes), 9)
    n = counts.sum(axis=1)
    exp = n[:, None] * BENFORD_P[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = np.where(n > 0, ((counts - exp) ** 2 / np.where(exp > 0, exp, 1)).sum(axis=1), 0.0)
        prop = counts / np.where(n > 0, n, 1)[:, None]
    mad = np.abs(prop - BENFORD_P[None, :]).mean(axis=1)
    excess = prop - BENFORD_P[None, :]
    top = excess.argmax(axis=1) + 1
    data = {by: codes, "n": n}
    for k in range(9):
        data[f"d{k + 1}"] = counts[:, k]
    data.update(
        chi2=chi2, p_value=chi2_dist.sf(chi2, 8), mad=mad, top_digit=top,
        top_share=prop[np.arange(len(codes)), top - 1],
    )
    return pl.DataFrame(data)


def _benford(v: pl.DataFrame, amt: list[str], min_n: int) -> pl.DataFrame | None:
    if not amt:
        return None
    sel = v.filter(pl.col("indicator").is_in(amt) & pl.col("value").is_not_null())
    if not sel.height:
        return None
    t = benford_table(sel, "submitter").filter(pl.col("n") >= min_n)
    _close, acceptable, marginal = NIGRINI_FIRST_DIGIT
    t = t.filter(pl.col("mad") > acceptable).with_columns(
        pl.col("submitter").alias("unit"),
        pl.lit(_NOPERIOD).alias("_period"),
        pl.when(pl.col("mad") > marginal).then(pl.lit("warning")).otherwise(pl.lit("info")).alias("sev"),
        pl.lit(", ".join(amt) if len(amt) <= 5 else None, dtype=pl.String).alias("inds"),
        pl.col("top_digit").replace_strict(
            {d: float(BENFORD_P[d - 1]) for d in range(1, 10)}, return_dtype=pl.Float64
        ).alias("top_expected"),
    )
    nonconf = pl.col("sev") == "warning"
    return _finding(
        t,
        "benford",
        pl.col("sev"),
        pl.format(
            "首位数字分布{}本福特定律：{}个金额数值，MAD={}（Nigrini阈值{}），卡方={}，p={}；首位{}占{}（应为{}）",
            pl.when(nonconf).then(pl.lit("不符合")).otherwise(pl.lit("勉强符合")),
            "n", _num(pl.col("mad"), 3), pl.lit(marginal),
            _num(pl.col("chi2"), 4), _num(pl.col("p_value"), 3), "top_digit",
            _pct(pl.col("top_share")), _pct(pl.col("top_expected")),
        ),
        pl.format(
            "first digits {} Benford's law: {} amounts, MAD {} (Nigrini's bound {}), chi-square {}, p {}; digit {} makes {} (expected {})",
            pl.when(nonconf).then(pl.lit("do not conform to")).otherwise(pl.lit("marginally conform to")),
            "n", _num(pl.col("mad"), 3), pl.lit(marginal),
            _num(pl.col("chi2"), 4), _num(pl.col("p_value"), 3), "top_digit",
            _pct(pl.col("top_share")), _pct(pl.col("top_expected")),
        ),
        value=pl.col("mad"),
        expected=pl.lit(marginal),
        statistic=pl.col("p_value"),
        indicator=pl.col("inds"),
    )


# --- command line --------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``kaohe quality VALUES [--units U] [--history H] [--out FILE]``."""
    parser.add_argument("values", help="values table: unit,indicator,value[,period][,submitter]")
    parser.add_argument("--units", help="units table: unit,name,group (expected units, peer groups)")
    parser.add_argument("--history", help="earlier periods: unit,indicator,value,period")
    parser.add_argument("--period", help="period of VALUES rows that carry none")
    parser.add_argument("--scheme", help="scheme file: every unit is expected to report its base indicators")
    parser.add_argument("--out", help="write findings to FILE (.csv, .json, .xlsx or .parquet)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of printed reasons")
    parser.add_argument("--amounts", nargs="*", help="indicators tested against Benford's law")
    parser.add_argument("--z", type=float, default=3.5, help="modified z-score threshold (3.5)")
    parser.add_argument("--min-peers", type=int, default=5)
    parser.add_argument("--min-history", type=int, default=4)
    parser.add_argument("--seasonal", action="store_true", help="history: same month/quarter only")
    parser.add_argument("--cumulative", nargs="*", default=[],
                        help="year-to-date (累计) indicators: history by season, no 环比 check")
    parser.add_argument("--mom", type=float, default=0.5, help="环比 threshold as a fraction (0.5)")
    parser.add_argument("--yoy", type=float, default=0.5, help="同比 threshold as a fraction (0.5)")
    parser.add_argument("--benford-min-n", type=int, default=100)
    parser.add_argument("--smooth-window", type=int, default=6,
                        help="periods of identical steps flagged as too smooth (6; 0 turns it off)")


def cli(args: argparse.Namespace) -> int:
    """Run the screening; exit 0 when there is no error finding, 1 when there is,
    2 on bad input."""
    try:
        values = read_table(args.values, "values")
        units = read_table(args.units, "units") if args.units else None
        history = read_table(args.history, "history") if args.history else None
        expected = None
        if getattr(args, "scheme", None):
            from kaohe.engine.errors import SchemeError
            from kaohe.engine.scheme import load_scheme

            try:
                expected = sorted(load_scheme(args.scheme).base_indicators())
            except SchemeError as exc:
                raise InputError(str(exc)) from None
        findings = screen(
            values, units, history, indicators=expected,
            amounts=args.amounts, period=args.period, z_threshold=args.z,
            min_peers=args.min_peers, min_history=args.min_history, seasonal=args.seasonal,
            cumulative=args.cumulative,
            mom_threshold=args.mom, yoy_threshold=args.yoy, benford_min_n=args.benford_min_n,
            smooth_window=args.smooth_window,
        )
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.out:
        write_findings(findings, args.out)
    _print(findings, args.lang)
    return 1 if (findings["severity"] == "error").any() else 0


def write_findings(findings: pl.DataFrame, path: str) -> None:
    if path.endswith(".json"):
        findings.write_json(path)
    elif path.endswith(".parquet"):
        findings.write_parquet(path)
    elif path.endswith(".xlsx"):
        findings.write_excel(path)
    else:
        findings.write_csv(path)


def _print(findings: pl.DataFrame, lang: str) -> None:
    reason = "reason_zh" if lang == "zh" else "reason_en"
    counts = findings.group_by("severity").len()
    c = {r["severity"]: r["len"] for r in counts.iter_rows(named=True)}
    if lang == "zh":
        print(f"共{findings.height}条：错误{c.get('error', 0)}，警告{c.get('warning', 0)}，提示{c.get('info', 0)}")
    else:
        print(f"{findings.height} findings: {c.get('error', 0)} errors, {c.get('warning', 0)} warnings, {c.get('info', 0)} info")
    for r in findings.iter_rows(named=True):
        where = " ".join(x for x in (r["unit"], r["indicator"], r["period"]) if x)
        print(f"[{r['severity']}] {r['check']} {where}: {r[reason]}")
