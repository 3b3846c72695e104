"""Gap analysis (差距分析) for one unit: ``kaohe gap``.

For a unit, ``gap(scheme, values, units, targets, unit)`` reports

- the points its total needs to reach the next rank (the lowest total above
  its own in its peer group: equalling it is enough, ties share the better
  place), the leader, and each better tier: with bands the band's lower
  bound; with quotas the total of the last unit admitted to that tier in the
  group (ties with it are admitted too). Differences are on the rounded totals.
- per scored indicator (leaf), the value that would gain the next step of
  points and what it is worth:

  ================  ==========================================================
  method            next value
  ================  ==========================================================
  rank_points       the value of the unit one place above in the group (a tie
                    shares that place)
  rank_ratio        the best value in the group (full marks)
  efficacy, minmax  the best value in the group (full marks)
  goalposts         the upper goalpost (lower goalpost for lower-is-better)
  target (ratio)    target × cap (target ÷ cap when lower is better)
  target (steps)    the target; at or past it, the value that earns
                    ``above_max`` (when ``above`` > 0)
  threshold         the threshold value
  mean_relative     the mean of the *other* units of the group — moving the
                    unit's value moves the mean, so the value that meets the
                    new mean is the mean of the others
  zscore            no full marks: only the marginal worth is given
  ================  ==========================================================

  The points gained are not taken from the formula: relative methods move
  when the unit's own value moves (best, worst, mean, ranks), so every gain is
  measured by re-scoring with the engine — once for all leaves together (each
  leaf's score depends only on its own indicator) and once per leaf for the
  effect on the unit's total and rank. ``marginal`` is the analytic points per
  unit of value at the current value (continuous methods only) and ``gain_1pct``
  the re-scored gain of a 1% improvement along the direction.
- bonus items below their cap, deduction items charged and veto indicators that bite,
  as extra rows (method ``bonus``/``deduction``/``veto``): the value that changes
  them and, re-scored in full, the gain in total points, new total and rank.
- ``efficiency``: points of the total gained (``total_gain``, re-scored; the
  leaf's ``gain`` when totals are not verified) per 1% improvement needed to
  reach the next value — the ordering "where the least improvement gains the
  most points".

``what_if`` re-scores with changed values of the unit and reports its new
total, rank and tier and every unit whose rank changed.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from kaohe.engine.aggregate import aggregate
from kaohe.engine.data import Prepared, Source, frame_from_table, prepare, read_table
from kaohe.engine.errors import DataError, SchemeError
from kaohe.engine.rank import group_rank, round_half_up
from kaohe.engine.scheme import Leaf, Scheme, load_scheme
from kaohe.engine.score import ScoreResult, board_rank, score_prepared, tier_names
from kaohe.lib.numbers import number as fmt_number


@dataclass
class GapReport:
    """差距分析结果 — everything ``kaohe gap`` prints, also as ``to_dict()``."""

    unit: str
    name: str
    group: str
    n_group: int
    total: float | None  # None: not assessed (不参与排名)
    rank: int | None
    tier: str | None
    vetoed: bool
    precision: int
    targets: pl.DataFrame  # target, label_zh, label_en, total, points_needed
    indicators: pl.DataFrame  # one row per leaf, ordered by efficiency
    what_if: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    assessed: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit, "name": self.name, "group": self.group, "n_group": self.n_group,
            "total": self.total, "rank": self.rank, "tier": self.tier, "vetoed": self.vetoed,
            "assessed": self.assessed,
            "precision": self.precision, "targets": _rows(self.targets), "indicators": _rows(self.indicators),
            "what_if": self.what_if, "notes": self.notes,
        }

    def render(self, lang: str = "zh") -> str:
        return _render(self, lang)


def _rows(df: pl.DataFrame) -> list[dict[str, Any]]:
    out = []
    for r in df.iter_rows(named=True):
        out.append({k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in r.items()})
    return out


# ---------------------------------------------------------------------------------------------


def gap(
    scheme: Scheme | Mapping[str, Any] | str | Path,
    values: pl.DataFrame | Source | str | Path,
    units: pl.DataFrame | Source | str | Path | None = None,
    targets: pl.DataFrame | Source | str | Path | None = None,
    unit: str = "",
    *,
    period: str | None = None,
    what_if: Mapping[str, float] | None = None,
    verify_totals: bool = True,
) -> GapReport:
    """Gap analysis of ``unit``; ``what_if`` maps indicator codes to new values."""
    sch = load_scheme(scheme)
    prep = prepare(sch, values, units, targets, period)
    idx = prep.unit_index()
    if unit not in idx:
        raise DataError(f"--unit '{unit}' is not among the scored units / 单位 '{unit}' 不在被考核单位中")
    base = score_prepared(sch, prep, explain="compact", detail=False)
    u = idx[unit]
    c = base.core
    gsel = prep.g == prep.g[u]
    assessed = bool(c.assessed[u])
    report = GapReport(
        unit=unit, name=prep.names[u], group=prep.groups[prep.g[u]], n_group=int(gsel.sum()),
        total=float(c.total[u]) if assessed else None, rank=int(c.rank_total[u]) if assessed else None,
        tier=tier_names(sch, c.tier[u : u + 1])[0], vetoed=bool(c.veto[u] > 0),
        precision=sch.precision,
        targets=_rank_targets(sch, base, u),
        indicators=_indicator_gaps(sch, prep, base, u, verify_totals and assessed),
        assessed=assessed,
    )
    if not assessed:
        report.notes.append(f"不参与排名：{c.reasons[u]} / not assessed: its total cannot be formed")
    if c.veto[u] == 1:
        report.notes.append("一票否决：不得评为第一等次 / vetoed: barred from the top tier")
    elif c.veto[u] == 2:
        report.notes.append("一票否决：列为末等 / vetoed: placed in the last tier")
    elif c.veto[u] == 3:
        report.notes.append("一票否决：总分计为0 / vetoed: total set to 0")
    if what_if:
        report.what_if = what_if_rescore(sch, prep, base, unit, what_if)
    return report


def indicator_steps(
    scheme: Scheme | Mapping[str, Any] | str | Path,
    inputs: Any,
    unit: str,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """"The indicators where the least improvement gains the most points", as plain dicts
    (see :func:`report_steps`). ``inputs`` has attributes ``values``, ``units``,
    ``targets`` (and optionally ``period``), each a Polars DataFrame, None, or a table
    ``{"columns": [...], "rows": [[...], ...]}``."""
    values, units, targets = (frame_from_table(getattr(inputs, k, None)) for k in ("values", "units", "targets"))
    report = gap(scheme, values, units, targets, unit, period=getattr(inputs, "period", None))
    return report_steps(report.to_dict(), limit)


def report_steps(report: Mapping[str, Any], limit: int | None = None) -> list[dict[str, Any]]:
    """The indicator rows of a gap report (``GapReport.to_dict()``) that can still gain
    points, as ``code, indicator, name, method, value, score, full_marks, headroom, rank,
    next_value, gain, improvement_pct, efficiency, gain_1pct, new_total, new_rank,
    total_gain``: first those with a next value that gains points, by efficiency; then the
    rest with headroom (full marks − score), by the worth of a 1% improvement."""
    rows = []
    for r in report["indicators"]:
        score = r["score"] or 0.0
        full = r["full_marks"]
        headroom = round(float(full) - score, int(report["precision"])) if full is not None else 0.0
        if r["method"] in ("bonus", "deduction", "veto"):
            headroom = r["gain"] or 0.0
        if (r["gain"] or 0) <= 0 and headroom <= 0:
            continue
        rows.append({"code": r["leaf"], "indicator": r["indicator"], "name": r["name"], "method": r["method"],
                     "value": r["value"], "score": r["score"], "full_marks": r["full_marks"],
                     "headroom": headroom, "rank": r["rank"], "next_value": r["next_value"],
                     "gain": r["gain"], "improvement_pct": r["improvement_pct"],
                     "efficiency": r["efficiency"], "gain_1pct": r["gain_1pct"],
                     "new_total": r["new_total"], "new_rank": r["new_rank"],
                     "total_gain": r["total_gain"]})
    rows.sort(key=lambda d: (d["efficiency"] is None, -(d["efficiency"] or 0.0), -(d["gain_1pct"] or 0.0)))
    return rows[:limit] if limit else rows


def _rank_targets(sch: Scheme, res: ScoreResult, u: int) -> pl.DataFrame:
    c, prep = res.core, res.prepared
    gsel = np.flatnonzero(prep.g == prep.g[u])
    tot = c.total[gsel]
    own = float(c.total[u])
    rows: list[tuple[str, str, str, float | None]] = []
    above = tot[tot > own]
    if own != own:  # not assessed: no place or tier to reach
        pass
    elif len(above):
        place = _rank_of(tot, float(above.min()))
        rows.append(("next_rank", f"升至第{place}名", f"reach place {place}", float(above.min())))
        rows.append(("leader", "追平第1名", "catch the leader", float(np.nanmax(tot))))
    if sch.tiers is not None and own == own:
        names = [lv.name for lv in sch.tiers.levels]
        cur = int(c.tier[u])
        upto = cur if cur >= 0 else len(names)
        for i in range(upto):
            if i == 0 and c.veto[u] == 1:
                continue
            if sch.tiers.by == "bands":
                lo = sch.tiers.levels[i].min
                bound = float(lo) if lo is not None else None
            else:
                members = tot[c.tier[gsel] == i]
                # an empty tier cannot be reached by points alone
                bound = float(members.min()) if len(members) else None
            if bound is not None:
                rows.append((f"tier:{names[i]}", f"进入{names[i]}", f"reach tier {names[i]}", bound))
    p = sch.precision
    return pl.DataFrame(
        {
            "target": [r[0] for r in rows],
            "label_zh": [r[1] for r in rows],
            "label_en": [r[2] for r in rows],
            "total": [r[3] for r in rows],
            "points_needed": [
                None if r[3] is None else float(round_half_up(max(r[3] - own, 0.0), p)) for r in rows
            ],
        },
        schema={"target": pl.String, "label_zh": pl.String, "label_en": pl.String,
                "total": pl.Float64, "points_needed": pl.Float64},
    )


def _rank_of(tot: np.ndarray, v: float) -> int:
    return int((tot > v).sum()) + 1


def _next_values(sch: Scheme, prep: Prepared, res: ScoreResult, u: int) -> tuple[np.ndarray, np.ndarray]:
    """(next value, analytic marginal points per unit of value) per leaf, raw value space."""
    c = res.core
    leaves = c.leaves
    L = len(leaves)
    gsel = np.flatnonzero(prep.g == prep.g[u])
    sign = np.array([1.0 if lf.direction == "higher" else -1.0 for lf in leaves])
    X = c.x[gsel]  # raw values (mean-imputed where the rule says so)
    XT = c.xt[gsel]
    x = c.x[u]
    xt = c.xt[u]
    Y = XT * sign
    y = xt * sign
    with np.errstate(invalid="ignore"):
        above = np.where(Y > y[None, :], Y, np.inf)
    nxt_y = above.min(axis=0)
    has_above = np.isfinite(nxt_y)
    # raw value of the unit one place above (first unit reaching that transformed value)
    pick = np.argmax(np.where(has_above[None, :], Y == nxt_y[None, :], False), axis=0)
    one_up = np.where(has_above, X[pick, np.arange(L)], np.nan)
    best_i = np.nanargmax(np.where(np.isnan(Y), -np.inf, Y), axis=0) if len(gsel) else np.zeros(L, int)
    best_raw = X[best_i, np.arange(L)]
    n_present = (~np.isnan(XT)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        others_mean_t = (np.nansum(XT, axis=0) - np.nan_to_num(xt)) / (n_present - (~np.isnan(xt)))
    nxt = np.full(L, np.nan)
    marg = np.full(L, np.nan)
    st = c.stats
    g = prep.g[u]
    for j, lf in enumerate(leaves):  # over leaves (methods differ), never over units
        p = lf.params
        pts = lf.points
        log = lf.transform == "log"
        s = sign[j]
        best_t, worst_t, mean_t = st["best"][g, j], st["worst"][g, j], st["mean"][g, j]
        m = lf.method
        if m == "rank_points":
            nxt[j] = one_up[j]
        elif m in ("rank_ratio", "efficacy", "minmax"):
            if not (s * (xt[j] - best_t) >= 0):
                nxt[j] = best_raw[j]
            if m == "rank_ratio":
                marg[j] = s * pts / best_t if s > 0 else pts * best_t / xt[j] ** 2
            else:
                b = float(p.get("base", 0.6)) if m == "efficacy" else 0.0
                span = best_t - worst_t
                marg[j] = pts * (1 - b) / abs(span) if span != 0 else 0.0
        elif m == "goalposts":
            lo, hi = float(p["lower"]), float(p["upper"])
            nxt[j] = hi if s > 0 else lo
            lo_t, hi_t = (math.log(lo), math.log(hi)) if log else (lo, hi)
            inside = min(lo_t, hi_t) < xt[j] < max(lo_t, hi_t)
            marg[j] = pts / abs(hi_t - lo_t) if inside else 0.0
        elif m == "target":
            t_raw = prep.T.get(lf.indicator, np.full(prep.n, np.nan))[u]
            tt = c.t[u, j]
            if p.get("mode", "ratio") == "steps":
                d = s * (xt[j] - tt)
                above_, amax = float(p.get("above", 0.0)), float(p.get("above_max", 0.0))
                if d < 0:
                    nxt[j] = t_raw
                    marg[j] = float(p["below"])
                elif above_ > 0 and amax > 0:
                    nxt[j] = t_raw + s * amax / above_
                    marg[j] = above_ if d * above_ < amax else 0.0
                else:
                    marg[j] = 0.0
            else:
                cap = float(p.get("cap", 1.0))
                nxt[j] = t_raw * cap if s > 0 else t_raw / cap
                if s > 0:
                    marg[j] = pts / tt if xt[j] / tt < cap else 0.0
                else:
                    marg[j] = pts * tt / xt[j] ** 2 if tt / xt[j] < cap else 0.0
        elif m == "threshold":
            nxt[j] = float(p["value"])
        elif m == "mean_relative":
            if s * (xt[j] - mean_t) < 0:
                mo = others_mean_t[j]
                nxt[j] = math.exp(mo) if log else mo
                n_g = n_present[j]
                marg[j] = float(p["below"]) * (1 - 1 / n_g) if n_g else 0.0
            else:
                marg[j] = 0.0
        elif m == "zscore":
            sd = st["sd_sample"][g, j] if p.get("sd") == "sample" else st["sd"][g, j]
            if sd > 0:
                z = s * (xt[j] - mean_t) / sd
                marg[j] = pts * math.exp(-z * z / 2) / math.sqrt(2 * math.pi) / sd
        if log and np.isfinite(marg[j]) and x[j] > 0:
            marg[j] = marg[j] / x[j]  # chain rule: d/dx of f(log x)
        # a value no better than the current one is not a next step
        if np.isfinite(nxt[j]) and np.isfinite(x[j]) and s * (nxt[j] - x[j]) <= 0:
            nxt[j] = np.nan
    return nxt, marg


def _rescore_leaves(sch: Scheme, prep: Prepared, unit: str, leaves: list[Leaf],
                    new: np.ndarray) -> np.ndarray:
    """Every unit's score on each leaf (units × leaves; NaN where ``new`` is NaN) when
    the unit's value of that leaf's indicator becomes ``new[j]`` — a leaf's score
    depends only on its own indicator, so leaves on distinct indicators are changed
    together in one engine call; leaves sharing an indicator go in separate passes."""
    L = len(leaves)
    out = np.full((prep.n, L), np.nan)
    todo = [j for j in range(L) if np.isfinite(new[j])]
    while todo:
        seen: set[str] = set()
        batch, rest = [], []
        for j in todo:
            (rest if leaves[j].indicator in seen else batch).append(j)
            seen.add(leaves[j].indicator)
        changes = {(unit, leaves[j].indicator): float(new[j]) for j in batch}
        r = score_prepared(sch, prep.with_values(changes), explain="compact", detail=False)
        out[:, batch] = r.core.scores[:, batch]
        todo = rest
    return out


def _total_and_rank(sch: Scheme, prep: Prepared, res: ScoreResult, S: np.ndarray, u: int
                    ) -> tuple[float, int]:
    """The unit's rounded total and rank with leaf scores ``S`` and everything else as in
    ``res`` — the tail of the engine's ``score_prepared`` (aggregate, bonus, deduction,
    veto, rounding, group rank) with the engine's own functions."""
    c = res.core
    nodes = aggregate(sch.root, {lf.code: S[:, j] for j, lf in enumerate(c.leaves)}, prep.n, c.failed)
    base = np.nan_to_num(nodes[sch.root.code], nan=0.0)
    total_raw = np.maximum(base + c.bonus - c.deduction, 0.0)
    total_raw = np.where(c.veto == 3, 0.0, total_raw)
    total_raw = np.where(c.assessed, total_raw, np.nan)  # units not assessed stay unranked
    total = round_half_up(total_raw, sch.precision)
    rank = group_rank(total, prep.g)
    return float(total[u]), int(rank[u])


def _indicator_gaps(sch: Scheme, prep: Prepared, res: ScoreResult, u: int,
                    verify_totals: bool) -> pl.DataFrame:
    c = res.core
    leaves = c.leaves
    unit = prep.units[u]
    sign = np.array([1.0 if lf.direction == "higher" else -1.0 for lf in leaves])
    x = c.x[u]
    score = c.scores[u]
    nxt, marg = _next_values(sch, prep, res, u)
    S_next = _rescore_leaves(sch, prep, unit, leaves, nxt)
    gain = np.where(np.isfinite(nxt), S_next[u] - np.nan_to_num(score), np.nan)
    bump = np.where(x != 0, x * (1 + 0.01 * sign * np.sign(x)), np.nan)
    bumped = _rescore_leaves(sch, prep, unit, leaves, bump)[u]
    gain_1pct = bumped - np.nan_to_num(score)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(x != 0, np.abs(nxt - x) / np.abs(x) * 100.0, np.nan)
        eff = np.where((pct > 0) & np.isfinite(gain), gain / pct, np.nan)
    new_total = np.full(len(leaves), np.nan)
    new_rank = np.full(len(leaves), np.nan)
    if verify_totals:
        # bonus, deduction and veto read indicators too: a leaf on one of those is
        # re-scored in full; any other leaf changes only its own column of scores
        side = {i.indicator for i in sch.bonus + sch.deduction}
        for v in sch.veto:
            side |= set(v.indicators)
        for j in np.flatnonzero(np.isfinite(gain) & (gain > 0)).tolist():
            if leaves[j].indicator in side:
                r = score_prepared(sch, prep.with_values({(unit, leaves[j].indicator): float(nxt[j])}),
                                   explain="compact", detail=False)
                new_total[j], new_rank[j] = r.core.total[u], r.core.rank_total[u]
            else:
                S = c.scores.copy()
                S[:, j] = S_next[:, j]
                new_total[j], new_rank[j] = _total_and_rank(sch, prep, res, S, u)
    p = sch.precision
    # what the unit's total gains (differs from the leaf's gain under mean/geometric nodes
    # and by rounding); the ordering uses it when the totals were re-scored
    total_gain = round_half_up(new_total - c.total[u], p)
    with np.errstate(invalid="ignore", divide="ignore"):
        eff = np.where(np.isfinite(total_gain) & (pct > 0), total_gain / pct, eff)
    df = pl.DataFrame({
        "leaf": [lf.code for lf in leaves],
        "indicator": [lf.indicator for lf in leaves],
        "name": [lf.name for lf in leaves],
        "method": [lf.method for lf in leaves],
        "direction": [lf.direction for lf in leaves],
        "value": pl.Series(x).fill_nan(None),
        "score": pl.Series(round_half_up(score, p)).fill_nan(None),
        "full_marks": [lf.points for lf in leaves],
        "rank": pl.Series(c.rank[u]).fill_nan(None).cast(pl.Int64),
        "next_value": pl.Series(nxt).fill_nan(None),
        "gain": pl.Series(round_half_up(gain, p)).fill_nan(None),
        "improvement_pct": pl.Series(pct).fill_nan(None),
        "efficiency": pl.Series(eff).fill_nan(None),
        "marginal": pl.Series(marg).fill_nan(None),
        "gain_1pct": pl.Series(round_half_up(gain_1pct, p)).fill_nan(None),
        "new_total": pl.Series(new_total).fill_nan(None),
        "new_rank": pl.Series(new_rank).fill_nan(None).cast(pl.Int64),
        "total_gain": pl.Series(total_gain).fill_nan(None),
    })
    items = _item_gaps(sch, prep, res, u)
    if items.height:
        df = pl.concat([df, items.select(df.columns).cast(df.schema)])
    return df.with_row_index("_o").sort(
        [pl.col("efficiency").is_null(), pl.col("efficiency"), pl.col("gain"), pl.col("_o")],
        descending=[False, True, True, False], nulls_last=True,
    ).drop("_o")


def _item_gaps(sch: Scheme, prep: Prepared, res: ScoreResult, u: int) -> pl.DataFrame:
    """Bonus (加分) items below their cap, deduction (扣分) items charged and veto (一票否决)
    indicators that bite: the value that would change them (a bonus item's cap ÷ per;
    0 for a deduction or a veto) and, re-scored in full, what the total and rank become.
    ``gain`` here is in points of the total."""
    c = res.core
    unit = prep.units[u]
    rows: list[dict[str, Any]] = []

    def value_of(ind: str) -> float:
        arr = prep.X.get(ind)
        return float(np.nan_to_num(arr[u], nan=0.0)) if arr is not None else 0.0

    cands: list[tuple[str, str, float, float, float | None]] = []  # kind, indicator, value, next, full
    for it in sch.bonus:
        v = value_of(it.indicator)
        if it.cap is not None and it.per > 0 and v * it.per < it.cap:
            cands.append(("bonus", it.indicator, v, it.cap / it.per, it.cap))
    for it in sch.deduction:
        v = value_of(it.indicator)
        if v * it.per > 0:
            cands.append(("deduction", it.indicator, v, 0.0, 0.0))
    for vt in sch.veto:
        for ind in vt.indicators:
            v = value_of(ind)
            if v > 0:
                cands.append(("veto", ind, v, 0.0, None))
    seen: set[tuple[str, str]] = set()
    for kind, ind, v, nxt, full in cands:
        if (kind, ind) in seen:
            continue
        seen.add((kind, ind))
        r = score_prepared(sch, prep.with_values({(unit, ind): nxt}), explain="compact", detail=False)
        gain = float(r.core.total[u] - c.total[u])
        pct = abs(nxt - v) / abs(v) * 100.0 if v else None
        rows.append({
            "leaf": ind, "indicator": ind, "name": {"bonus": "加分项", "deduction": "扣分项",
                                                     "veto": "一票否决"}[kind],
            "method": kind, "direction": "lower" if kind != "bonus" else "higher", "value": v,
            "score": None, "full_marks": full, "rank": None, "next_value": nxt,
            "gain": float(round_half_up(gain, sch.precision)), "improvement_pct": pct,
            "efficiency": gain / pct if pct else None, "marginal": None, "gain_1pct": None,
            "new_total": float(r.core.total[u]), "new_rank": int(r.core.rank_total[u]),
            "total_gain": float(round_half_up(gain, sch.precision)),
        })
    schema = {"leaf": pl.String, "indicator": pl.String, "name": pl.String, "method": pl.String,
              "direction": pl.String, "value": pl.Float64, "score": pl.Float64,
              "full_marks": pl.Float64, "rank": pl.Int64, "next_value": pl.Float64, "gain": pl.Float64,
              "improvement_pct": pl.Float64, "efficiency": pl.Float64, "marginal": pl.Float64,
              "gain_1pct": pl.Float64, "new_total": pl.Float64, "new_rank": pl.Int64,
              "total_gain": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


def what_if(
    scheme: Scheme | Mapping[str, Any] | str | Path,
    values: pl.DataFrame | Source | str | Path,
    units: pl.DataFrame | Source | str | Path | None = None,
    targets: pl.DataFrame | Source | str | Path | None = None,
    unit: str = "",
    changes: Mapping[str, float] | None = None,
    *,
    period: str | None = None,
) -> dict[str, Any]:
    """模拟测算: re-score with ``unit``'s values changed (indicator code → new value); see
    :func:`what_if_rescore` for the answer's form."""
    sch = load_scheme(scheme)
    prep = prepare(sch, values, units, targets, period)
    if unit not in prep.unit_index():
        raise DataError(f"--unit '{unit}' is not among the scored units / 单位 '{unit}' 不在被考核单位中")
    base = score_prepared(sch, prep, explain="compact", detail=False)
    return what_if_rescore(sch, prep, base, unit, changes or {})


def what_if_rescore(sch: Scheme, prep: Prepared, base: ScoreResult, unit: str,
                    changes: Mapping[str, float]) -> dict[str, Any]:
    """Re-score with the unit's values changed: ``before`` and ``after`` (total, rank,
    tier), ``n_group`` (units in its peer group), ``boards`` (its score and place on each
    board before and after) and ``rank_changes`` (every unit whose rank or tier changed)."""
    known = set(prep.X)
    for ind in changes:
        if ind not in known:
            raise DataError(f"--what-if: indicator '{ind}' is not scored by the scheme "
                            f"/ 方案中没有指标 '{ind}'")
    new = score_prepared(sch, prep.with_values({(unit, k): float(v) for k, v in changes.items()}),
                         explain="compact", detail=False)
    u = prep.unit_index()[unit]
    old_c, new_c = base.core, new.core
    p = sch.precision

    def place(c: Any, code: str) -> int | None:
        return _opt(board_rank(c, round_half_up(c.boards[code], p), prep.g)[u], int)

    old_t, new_t = tier_names(sch, old_c.tier), tier_names(sch, new_c.tier)
    same_rank = (old_c.rank_total == new_c.rank_total) | (np.isnan(old_c.rank_total) & np.isnan(new_c.rank_total))
    moved = np.flatnonzero(~same_rank | (old_c.tier != new_c.tier))
    moved = sorted(moved.tolist(), key=lambda i: (prep.g[i], np.nan_to_num(new_c.rank_total[i], nan=np.inf), prep.units[i]))
    return {
        "changes": {k: float(v) for k, v in changes.items()},
        "before": {"total": _opt(old_c.total[u]), "rank": _opt(old_c.rank_total[u], int), "tier": old_t[u]},
        "after": {"total": _opt(new_c.total[u]), "rank": _opt(new_c.rank_total[u], int), "tier": new_t[u]},
        "n_group": int((prep.g == prep.g[u]).sum()),
        "boards": [{"code": b.code, "name": b.name,
                    "score_before": float(round_half_up(old_c.boards[b.code][u], p)),
                    "score_after": float(round_half_up(new_c.boards[b.code][u], p)),
                    "rank_before": place(old_c, b.code), "rank_after": place(new_c, b.code)}
                   for b in sch.boards],
        "rank_changes": [
            {"unit": prep.units[i], "group": prep.groups[prep.g[i]],
             "total_before": _opt(old_c.total[i]), "total_after": _opt(new_c.total[i]),
             "rank_before": _opt(old_c.rank_total[i], int), "rank_after": _opt(new_c.rank_total[i], int),
             "tier_before": old_t[i], "tier_after": new_t[i]}
            for i in moved
        ],
    }


def _opt(v: Any, kind: Any = float) -> Any:
    """``kind(v)``, or None for NaN (a unit that is not assessed has no total or rank)."""
    return None if v != v else kind(v)


# --------------------------------------------------------------------------------- output


def _fmt(v: Any, nd: int = 2) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        if not math.isfinite(v):
            return "—"
        if abs(v) < 1e-3 and v != 0:
            return f"{v:.3g}"
        text = fmt_number(v, nd)  # 四舍五入 on the decimal value, as the pages print it
        return text.rstrip("0").rstrip(".") if nd > 2 and "." in text else text
    return str(v)


def _render(r: GapReport, lang: str) -> str:
    zh = lang == "zh"
    out: list[str] = []
    p = r.precision
    if zh:
        out.append(f"{r.name}（{r.unit}）  组别 {r.group}（{r.n_group}个单位）  总分 {_fmt(r.total, p)}  "
                   f"第{r.rank}名" + (f"  {r.tier}" if r.tier else "") + ("  一票否决" if r.vetoed else ""))
    else:
        out.append(f"{r.name} ({r.unit})  group {r.group} ({r.n_group} units)  total {_fmt(r.total, p)}  "
                   f"place {r.rank}" + (f"  tier {r.tier}" if r.tier else "") + ("  vetoed" if r.vetoed else ""))
    out.extend(f"  * {n}" for n in r.notes)
    out.append("")
    head = ("目标", "需总分", "还差") if zh else ("goal", "total", "needed")
    out.append(f"  {_pad(head[0], 20)}  {_rpad(head[1], 9)}  {_rpad(head[2], 9)}")
    for t in r.targets.iter_rows(named=True):
        label = t["label_zh"] if zh else t["label_en"]
        out.append(f"  {_pad(label, 20)}  {_fmt(t['total'], p):>9}  {_fmt(t['points_needed'], p):>9}")
    if r.targets.height == 0:
        out.append("  （已居首位）" if zh else "  (already first)")
    out.append("")
    hdr = (["指标", "方法", "当前值", "得分/满分", "组内名次", "目标值", "可得分", "需提升%", "每1%得分", "新总分", "新名次"]
           if zh else ["indicator", "method", "value", "score/full", "place", "next value", "gain",
                       "improve %", "pts per 1%", "new total", "new place"])
    rows = [hdr]
    for i in r.indicators.iter_rows(named=True):
        rows.append([
            f"{i['leaf']} {i['name']}"[:24], i["method"], _fmt(i["value"], 4),
            f"{_fmt(i['score'], p)}/{_fmt(float(i['full_marks']), p)}", _fmt(i["rank"]),
            _fmt(i["next_value"], 4), _fmt(i["gain"], p), _fmt(i["improvement_pct"], 1),
            _fmt(i["efficiency"], 3), _fmt(i["new_total"], p), _fmt(i["new_rank"]),
        ])
    widths = [max(_w(row[k]) for row in rows) for k in range(len(hdr))]
    for row in rows:
        out.append("  ".join(_pad(cell, widths[k]) for k, cell in enumerate(row)))
    if r.what_if:
        w = r.what_if
        b, a = w["before"], w["after"]
        ch = ", ".join(f"{k}={_fmt(v, 4)}" for k, v in w["changes"].items())
        out.append("")
        if zh:
            out.append(f"假设 {ch}：总分 {_fmt(b['total'], p)} → {_fmt(a['total'], p)}，"
                       f"名次 {b['rank']} → {a['rank']}" + (f"，等次 {b['tier']} → {a['tier']}" if a["tier"] or b["tier"] else ""))
        else:
            out.append(f"what if {ch}: total {_fmt(b['total'], p)} → {_fmt(a['total'], p)}, "
                       f"place {b['rank']} → {a['rank']}" + (f", tier {b['tier']} → {a['tier']}" if a["tier"] or b["tier"] else ""))
        for m in w["rank_changes"]:
            out.append(f"  {m['unit']}: {m['rank_before']} → {m['rank_after']}"
                       + (f"  ({m['tier_before']} → {m['tier_after']})" if m["tier_before"] != m["tier_after"] else ""))
    return "\n".join(out)


def _w(s: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _w(s))


def _rpad(s: str, width: int) -> str:
    return " " * (width - _w(s)) + s


# ------------------------------------------------------------------------------------ CLI


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``kaohe gap SCHEME VALUES --unit U [--units] [--targets] [--what-if ind=val ...] [--json]``."""
    parser.add_argument("scheme", help="scheme file (.yaml or .json)")
    parser.add_argument("values", help="values: unit,indicator,value[,period]")
    parser.add_argument("--unit", required=True, help="the unit to analyse")
    parser.add_argument("--units", help="units: unit,name,group")
    parser.add_argument("--targets", help="targets: unit,indicator,target")
    parser.add_argument("--period", help="the period to score (default: the latest)")
    parser.add_argument("--what-if", nargs="+", default=[], metavar="IND=VALUE",
                        help="re-score with the unit's indicator IND set to VALUE")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--no-verify", action="store_true",
                        help="skip re-scoring each indicator's effect on the total and rank")


def parse_what_if(items: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        key, sep, val = item.partition("=")
        if not sep or not key.strip():
            raise DataError(f"--what-if '{item}': expected indicator=value / 格式应为 指标=数值")
        try:
            out[key.strip()] = float(val.replace(",", ""))
        except ValueError:
            raise DataError(f"--what-if '{item}': '{val}' is not a number / 不是数字") from None
    return out


def cli(args: argparse.Namespace) -> int:
    try:
        scheme = load_scheme(args.scheme)
        what_if = parse_what_if(args.what_if)
        report = gap(
            scheme, read_table(args.values), read_table(args.units) if args.units else None,
            read_table(args.targets) if args.targets else None, args.unit,
            period=args.period, what_if=what_if or None, verify_totals=not args.no_verify,
        )
    except (SchemeError, DataError) as exc:
        for e in exc.errors:
            print(f"error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1, sort_keys=True))
    else:
        print(report.render(args.lang))
    return 0
