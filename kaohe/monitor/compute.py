"""经济运行监测的计算: pure functions over Polars frames (no Django), checked by hand-worked examples.

One indicator at a time. Its figures are a frame ``unit, year, month, amount, growth`` where
``month`` is the last month of the release (1–3月 累计 → 3; GDP's 1–6月 → 6; a 当月 figure of
May → 5), ``amount`` is the published amount (累计值 or 当月值, in the indicator's unit) and
``growth`` the **published** growth rate in per cent (同比, 可比口径) — or null when none is
published. :func:`evaluate` returns, per unit and release:

- the growth used (published, else derived from the same period last year, ``growth_derived``);
- the city's figure (``city_amount``, ``city_growth``): published when given, else summed and
  weighted from the units (Σ本期 ÷ Σ上年同期 − 1, the base of each unit being its amount ÷
  (1 + its published rate)), else the plain mean of the units (``city_basis`` says which);
- 位次 of the amount and of the growth (1 = highest; ties share the better place, the next
  place is skipped: 1, 2, 2, 4 — on the figures as published, amounts to 2 and growth to 1 decimal);
- ``gap_pp``: growth − city growth in **percentage points** (个百分点), never per cent;
- ``share`` of the city in per cent and its change in percentage points since the same period
  last year (summable indicators only);
- ``progress`` against the annual target (per cent) beside 序时进度 ``schedule`` = months ÷ 12;
- the checks: ``growth_ok`` (增速达标), ``kaimenhong`` (开门红, at 1–3月), ``shuangguoban``
  (双过半, at 1–6月), ``rank_up`` (总量进位, vs the same period last year), ``growth_lead``
  (增幅领先: growth rank in the top N), ``share_up`` (占比提升);
- the previous release's ranks (``prev_growth_rank``, ``prev_amount_rank``) for the arrows.

Conventions (国家统计局): most monthly indicators have no January release — the first figure of
the year is 1–2月 (``has_january=False``); CPI/PPI-like ones do. Quarterly indicators (GDP,
per-capita income) are released for 1–3, 1–6, 1–9 and 1–12月 only. A growth rate is never
derived when one is published (同比 is on a comparable basis: last year's published amount is
not last year's comparable base), and never for a ratio (税收占比 is a share, its change is in
percentage points, not a growth rate).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kaohe.lib import sentences
from kaohe.lib.numbers import round_expr

GROWTH_DIGITS = 1  # growth rates are published to one decimal
AMOUNT_DIGITS = 2
EPS = 1e-9

YTD, MONTH = "ytd", "month"  # 1–N月累计 / 当月
MONTHLY, QUARTERLY = "monthly", "quarterly"
AMOUNT, GROWTH, BOTH = "amount", "growth", "both"  # what the checks judge
PUBLISHED, DERIVED, MEAN = "published", "derived", "mean"  # where the city's figure comes from


@dataclass(frozen=True)
class Spec:
    """An indicator's conventions and checks (the model ``MonitorIndicator`` gives one)."""

    code: str
    name: str
    unit: str = ""
    form: str = YTD
    frequency: str = MONTHLY
    has_january: bool = False
    judged_on: str = BOTH
    summable: bool = True  # amounts add up to the city's (not per-capita figures, not ratios)
    top_n: int = 1  # 增幅领先: growth rank within the first N
    kmh_vs_target: bool = True  # 开门红: Q1 growth ≥ the annual growth target …
    kmh_vs_city: bool = True  # … and ≥ the city's growth
    sgb_share: float = 0.5  # 双过半: H1 amount ≥ this share of the annual target

    @property
    def derives_growth(self) -> bool:
        """A growth rate may be derived from last year's amount (not for a ratio in per cent)."""
        return self.unit != "%"

    @property
    def judged_value(self) -> str:
        """The figure 开门红 compares: the growth, or the amount for an amount-only indicator."""
        return "amount" if self.judged_on == AMOUNT else "growth"


# ---- releases ------------------------------------------------------------------------------


def release_months(spec: Spec) -> list[int]:
    """The months a figure is released for: [3, 6, 9, 12] quarterly; [2 … 12] without January."""
    if spec.frequency == QUARTERLY:
        return [3, 6, 9, 12]
    return list(range(1 if spec.has_january else 2, 13))


def release_at(spec: Spec, month: int) -> int | None:
    """The latest release at or before ``month`` of the same year (GDP in May: 3, i.e. 1–3月;
    a no-January indicator in January: None — its first figure is 1–2月)."""
    found = [m for m in release_months(spec) if m <= month]
    return found[-1] if found else None


def release_label(spec: Spec, month: int) -> str:
    """1–3月, 1–12月, 1月 (a January figure is not cumulative), 5月 (当月)."""
    if spec.form == MONTH or month == 1:
        return f"{month}月"
    return f"1–{month}月"


def previous_release(spec: Spec, year: int, month: int) -> tuple[int, int] | None:
    """The release before (year, month): 1–2月 2026 → 1–12月 2025; 1–6月 → 1–3月 quarterly."""
    months = release_months(spec)
    if month not in months:
        return None
    i = months.index(month)
    return (year, months[i - 1]) if i > 0 else (year - 1, months[-1])


def schedule(month: int) -> float:
    """序时进度 in per cent: months elapsed ÷ 12 (1–6月 → 50)."""
    return month / 12 * 100


# ---- the evaluation --------------------------------------------------------------------------

FIGURES_SCHEMA = {"unit": pl.Utf8, "year": pl.Int64, "month": pl.Int64, "amount": pl.Float64, "growth": pl.Float64}
TARGETS_SCHEMA = {"unit": pl.Utf8, "year": pl.Int64, "target_amount": pl.Float64, "target_growth": pl.Float64}
CITY_SCHEMA = {"year": pl.Int64, "month": pl.Int64, "amount": pl.Float64, "growth": pl.Float64}


def frame(rows: list[tuple] | list[dict], schema: dict) -> pl.DataFrame:
    """A frame of ``rows`` (tuples in the schema's order, or dicts) with exactly ``schema``."""
    if rows and isinstance(rows[0], dict):
        return pl.DataFrame(rows, schema=schema)
    return pl.DataFrame(rows, schema=schema, orient="row")


def _r(expr: pl.Expr, digits: int) -> pl.Expr:
    """四舍五入 (the one rounding of kaohe.lib.numbers): ranks and comparisons are on the figures as shown."""
    return round_expr(expr, digits)


def _rank(column: str, digits: int) -> pl.Expr:
    # "min": ties share the better place and the next place is skipped (1, 2, 2, 4).
    return _r(pl.col(column), digits).rank(method="min", descending=True).over("year", "month").cast(pl.Int64)


def _ties(rank: str) -> pl.Expr:
    return (pl.len().over("year", "month", rank) > 1) & pl.col(rank).is_not_null()


def city_figures(spec: Spec, units: pl.DataFrame, city: pl.DataFrame | None = None) -> pl.DataFrame:
    """The city's amount and growth per release: published (``city``) where given, else derived
    from the units (see the module). Columns ``year, month, city_amount, city_growth, city_basis``."""
    if spec.summable:
        base = pl.col("amount") / (1 + pl.col("growth") / 100)
        both = pl.col("amount").is_not_null() & pl.col("growth").is_not_null()
        derived = units.group_by("year", "month").agg(
            pl.col("amount").sum().alias("_sum"),
            pl.col("amount").is_not_null().sum().alias("_n_amount"),
            pl.when(both).then(base).otherwise(None).sum().alias("_base"),
            both.sum().alias("_n_both"),
            pl.col("growth").mean().alias("_mean_growth"),
            pl.len().alias("_n"),
        ).with_columns(
            city_amount=pl.when(pl.col("_n_amount") > 0).then(pl.col("_sum")).otherwise(None),
            city_growth=pl.when((pl.col("_n_both") == pl.col("_n")) & (pl.col("_base") > 0))
            .then((pl.col("_sum") / pl.col("_base") - 1) * 100).otherwise(pl.col("_mean_growth")),
            city_basis=pl.when((pl.col("_n_both") == pl.col("_n")) & (pl.col("_base") > 0))
            .then(pl.lit(DERIVED)).otherwise(pl.lit(MEAN)),
        )
    else:
        derived = units.group_by("year", "month").agg(
            pl.col("amount").mean().alias("city_amount"), pl.col("growth").mean().alias("city_growth"),
        ).with_columns(city_basis=pl.lit(MEAN))
    derived = derived.select("year", "month", "city_amount", "city_growth", "city_basis")
    if city is None or city.is_empty():
        return derived
    published = city.select("year", "month", pl.col("amount").alias("p_amount"), pl.col("growth").alias("p_growth"))
    joined = derived.join(published, on=["year", "month"], how="full", coalesce=True)
    return joined.select(
        "year", "month",
        pl.coalesce("p_amount", "city_amount").alias("city_amount"),
        pl.coalesce("p_growth", "city_growth").alias("city_growth"),
        pl.when(pl.col("p_growth").is_not_null() | pl.col("p_amount").is_not_null())
        .then(pl.lit(PUBLISHED)).otherwise(pl.col("city_basis")).alias("city_basis"),
    )


def prepare(spec: Spec, figures: pl.DataFrame) -> pl.DataFrame:
    """Keep the release months; fill a missing growth from the same period last year where allowed."""
    df = figures.select(list(FIGURES_SCHEMA)).cast(FIGURES_SCHEMA).filter(pl.col("month").is_in(release_months(spec)))
    last = df.select("unit", (pl.col("year") + 1).alias("year"), "month", pl.col("amount").alias("amount_ly"))
    df = df.join(last, on=["unit", "year", "month"], how="left")
    can = pl.col("growth").is_null() & pl.col("amount").is_not_null() & (pl.col("amount_ly").abs() > EPS)
    if not spec.derives_growth:
        can = pl.lit(False)
    return df.with_columns(
        growth_derived=can,
        growth=pl.when(can).then((pl.col("amount") / pl.col("amount_ly") - 1) * 100).otherwise(pl.col("growth")),
    ).sort("year", "month", "unit")


def evaluate(spec: Spec, figures: pl.DataFrame, targets: pl.DataFrame | None = None,
             city: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every unit's figures, ranks, gaps, shares, progress and checks per release (see the module)."""
    df = prepare(spec, figures)
    df = df.join(city_figures(spec, df, city), on=["year", "month"], how="left")
    g = _r(pl.col("growth"), GROWTH_DIGITS)
    df = df.with_columns(
        amount_rank=_rank("amount", AMOUNT_DIGITS),
        growth_rank=_rank("growth", GROWTH_DIGITS),
        gap_pp=g - _r(pl.col("city_growth"), GROWTH_DIGITS),
        amount_gap=_r(pl.col("amount"), AMOUNT_DIGITS) - _r(pl.col("city_amount"), AMOUNT_DIGITS),
        share=(pl.col("amount") / pl.col("city_amount") * 100) if spec.summable else pl.lit(None, pl.Float64),
    ).with_columns(amount_tied=_ties("amount_rank"), growth_tied=_ties("growth_rank"))
    # The same period last year: rank of the total and share.
    last = df.select("unit", (pl.col("year") + 1).alias("year"), "month",
                     pl.col("amount_rank").alias("amount_rank_ly"), pl.col("share").alias("share_ly"))
    df = df.join(last, on=["unit", "year", "month"], how="left")
    # The previous release (1–2月 follows last year's 1–12月).
    df = df.sort("unit", "year", "month").with_columns(
        prev_year=pl.col("year").shift(1).over("unit"), prev_month=pl.col("month").shift(1).over("unit"),
        prev_amount_rank=pl.col("amount_rank").shift(1).over("unit"),
        prev_growth_rank=pl.col("growth_rank").shift(1).over("unit"),
    )
    months = release_months(spec)
    back = {m: previous_release(spec, 0, m) for m in months}  # month → (0 or −1 year, previous month)
    df = df.with_columns(
        _exp_year=pl.col("year") + pl.col("month").replace_strict({m: b[0] for m, b in back.items()}, return_dtype=pl.Int64),
        _exp_month=pl.col("month").replace_strict({m: b[1] for m, b in back.items()}, return_dtype=pl.Int64),
    )
    adjacent = (pl.col("prev_year") == pl.col("_exp_year")) & (pl.col("prev_month") == pl.col("_exp_month"))
    df = df.with_columns(
        [pl.when(adjacent).then(pl.col(c)).otherwise(None).alias(c)
         for c in ("prev_year", "prev_month", "prev_amount_rank", "prev_growth_rank")]
    ).drop("_exp_year", "_exp_month")
    # Targets and progress.
    t = targets if targets is not None else frame([], TARGETS_SCHEMA)
    df = df.join(t.select(list(TARGETS_SCHEMA)).cast(TARGETS_SCHEMA), on=["unit", "year"], how="left")
    cumulative = spec.form == YTD
    df = df.with_columns(
        share_change_pp=pl.col("share") - pl.col("share_ly"),
        schedule=(pl.col("month") / 12 * 100) if cumulative else pl.lit(None, pl.Float64),
        progress=(pl.col("amount") / pl.col("target_amount") * 100) if cumulative else pl.lit(None, pl.Float64),
    ).with_columns(progress_gap=pl.col("progress") - pl.col("schedule"))
    tg = _r(pl.col("target_growth"), GROWTH_DIGITS)
    growth_ok = g >= tg - EPS
    judged = g if spec.judged_value == "growth" else _r(pl.col("amount"), AMOUNT_DIGITS)
    versus = "city_growth" if spec.judged_value == "growth" else "city_amount"
    digits = GROWTH_DIGITS if spec.judged_value == "growth" else AMOUNT_DIGITS
    kmh_target = (judged >= (tg if spec.judged_value == "growth" else _r(pl.col("target_amount"), AMOUNT_DIGITS)) - EPS)
    kmh_city = judged >= _r(pl.col(versus), digits) - EPS
    kmh = pl.lit(True)
    if spec.kmh_vs_target:
        kmh = kmh & kmh_target
    if spec.kmh_vs_city:
        kmh = kmh & kmh_city
    if spec.judged_on == GROWTH:
        sgb = growth_ok
    else:
        sgb = pl.col("amount") >= pl.col("target_amount") * spec.sgb_share - EPS
    df = df.with_columns(
        growth_ok=growth_ok,
        kaimenhong=pl.when(pl.col("month") == 3).then(kmh).otherwise(None),
        shuangguoban=pl.when(pl.col("month") == 6).then(sgb).otherwise(None),
        rank_up=pl.col("amount_rank") < pl.col("amount_rank_ly"),
        growth_lead=pl.col("growth_rank") <= spec.top_n,
        share_up=pl.col("share_change_pp") > EPS if spec.summable else pl.lit(None, pl.Boolean),
    )
    return df.sort("year", "month", "unit")


# ---- words ------------------------------------------------------------------------------------

def _fmt(value: float, digits: int = GROWTH_DIGITS) -> str:
    from decimal import ROUND_HALF_UP, Decimal

    q = Decimal(1).scaleb(-digits)
    return str(Decimal(str(value)).quantize(q, rounding=ROUND_HALF_UP))


def growth_words(growth: float | None) -> str:
    """增长7.2% / 下降1.3% / 与上年同期持平 (the published figure, one decimal)."""
    if growth is None:
        return "增速暂无"
    text = _fmt(abs(growth))
    if float(text) == 0:
        return "与上年同期持平"
    return f"增长{text}%" if growth > 0 else f"下降{text}%"


def gap_words(gap_pp: float | None) -> str:
    """高于全市平均2.2个百分点 / 低于全市平均0.4个百分点 / 与全市平均持平."""
    return sentences.above_below(gap_pp, "个百分点", basis="全市平均", digits=GROWTH_DIGITS)


def rank_words(rank: int | None, tied: bool = False) -> str:
    return sentences.place(rank, tied=tied, none="")


def move_words(spec: Spec, year: int, month: int, prev_rank: int | None, rank: int | None,
               prev: tuple[int, int] | None) -> str:
    """较上月前移一位 / 较上季度后移两位 / 位次与上月持平; across a year: 较上年1–12月…"""
    if prev_rank is None or rank is None or prev is None:
        return ""
    if prev[0] == year:
        base = "上季度" if spec.frequency == QUARTERLY else "上月"
    else:
        base = f"上年{release_label(spec, prev[1])}"
    return sentences.move(prev_rank, rank, base, flat="位次与{previous}持平")


def level_words(spec: Spec, row: dict) -> list[str]:
    """An amount-judged ratio (税收占比): "为77.6%", "高于全市平均1.2个百分点"."""
    amount, gap = row.get("amount"), row.get("amount_gap")
    if amount is None:
        return ["暂无数据"]
    unit = spec.unit
    parts = [f"为{_fmt(amount, GROWTH_DIGITS if unit == '%' else AMOUNT_DIGITS)}{unit}"]
    if gap is not None and unit == "%":
        parts.append(gap_words(gap))
    return parts


def sentence(spec: Spec, row: dict) -> str:
    """One unit's line of the analysis: "增长7.2%，高于全市平均2.2个百分点，居第4位，较上月前移一位"
    (an amount-judged indicator: its level, gap and the rank of the level)."""
    prev = (row["prev_year"], row["prev_month"]) if row.get("prev_year") is not None else None
    if spec.judged_on == AMOUNT:
        parts = level_words(spec, row)
        for text in (rank_words(row.get("amount_rank"), bool(row.get("amount_tied"))),
                     move_words(spec, row["year"], row["month"], row.get("prev_amount_rank"), row.get("amount_rank"), prev)):
            if text:
                parts.append(text)
        return "，".join(parts)
    parts = [growth_words(row.get("growth"))]
    if row.get("growth_derived"):
        parts[0] += "（按上年同期数推算）"
    for text in (gap_words(row.get("gap_pp")), rank_words(row.get("growth_rank"), bool(row.get("growth_tied"))),
                 move_words(spec, row["year"], row["month"], row.get("prev_growth_rank"), row.get("growth_rank"), prev)):
        if text:
            parts.append(text)
    return "，".join(parts)
