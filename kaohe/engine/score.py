"""Scoring (计分): from a scheme and prepared values to scores, ranks, tiers and boards.

The work is vectorised over all units and leaves at once: values form a units ×
leaves matrix (units ordered by peer group), peer-group statistics come from one
reduction per statistic, ranks from one Polars ``rank().over(group, leaf)`` over
the long table, each method is one NumPy expression over its block of leaves, and
the tree is aggregated node by node. Python loops run over methods, nodes, boards
and tier levels — never over units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from kaohe.engine import methods as M
from kaohe.engine.aggregate import aggregate, data_presence
from kaohe.engine.data import Prepared, Source, prepare
from kaohe.engine.errors import DataError, EngineWarning
from kaohe.engine.rank import group_rank, group_stats, matrix_rank, round_half_up
from kaohe.engine.scheme import METHODS, Leaf, Scheme, load_scheme
from kaohe.engine.tiers import BAR_TOP, LAST, assign

EXPLAIN_FULL_LIMIT = 200_000  # units × leaves up to which "auto" writes every arithmetic string
VETO_SEVERITY = {"bar_top_tier": 1, "last_tier": 2, "zero": 3}
MISSING_CODES = {"zero": 0, "mean": 1, "exclude": 2}


@dataclass
class Core:
    """Numeric results in the prepared unit order (peer group, then unit code)."""

    leaves: list[Leaf]
    x: np.ndarray  # (U, L) values used (imputed where missing: mean), NaN missing
    xt: np.ndarray  # transformed
    t: np.ndarray  # (U, L) targets (transformed)
    missing: np.ndarray  # (U, L) bool: no value given
    imputed: np.ndarray  # (U, L) bool
    stats: dict[str, np.ndarray]  # (G, L) best, worst, mean, sd, sd_sample, n (in value space)
    scores: np.ndarray  # (U, L) leaf scores, NaN = excluded
    nodes: dict[str, np.ndarray]  # every node and leaf code -> (U,)
    bonus: np.ndarray
    deduction: np.ndarray
    base: np.ndarray
    total_raw: np.ndarray
    total: np.ndarray  # rounded to precision
    rank_total: np.ndarray
    veto: np.ndarray  # 0 none, else VETO_SEVERITY
    tier: np.ndarray  # level index, −1 none
    boards: dict[str, np.ndarray]  # board code -> unrounded score
    assessed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # (U,) total formed
    reasons: dict[int, str] = field(default_factory=dict)  # unit index -> why it is not assessed
    failed: dict[str, np.ndarray] = field(default_factory=dict)  # node code -> minimum-data rule failed
    y: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((0, 0)))  # values × direction
    g: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=np.int64))
    _rank: np.ndarray | None = field(repr=False, default=None)
    # ranks already computed for some columns while scoring (rank_points leaves): (U, L), cols
    _rank_part: tuple[np.ndarray, list[int]] | None = field(repr=False, default=None)

    @property
    def rank(self) -> np.ndarray:
        """(U, L) competition rank of each value in its peer group along the leaf's direction
        (NaN where missing); computed on first use (repeated scoring rarely needs it)."""
        if self._rank is None:
            if self._rank_part is not None:  # columns rank independently: fill in the others
                rank, done = self._rank_part  # owned by this Core: filled in place
                done_set = set(done)
                rest = [j for j in range(rank.shape[1]) if j not in done_set]
                if rest:
                    rank[:, rest] = matrix_rank(self.y[:, rest], self.g)
                self._rank = rank
            else:
                self._rank = matrix_rank(self.y, self.g)
        return self._rank


@dataclass
class ScoreResult:
    """The outcome of scoring: tables as in issue 3, explanations and warnings."""

    scheme: Scheme
    prepared: Prepared
    core: Core
    explain_mode: str = "full"
    _base_warnings: list[EngineWarning] = field(default_factory=list, repr=False)
    _missing_args: tuple = field(default=(), repr=False)
    _warnings: list[EngineWarning] | None = field(default=None, repr=False)
    _warnings_table: pl.DataFrame | None = field(default=None, repr=False)
    _totals: pl.DataFrame | None = field(default=None, repr=False)
    _boards: pl.DataFrame | None = field(default=None, repr=False)
    _explain: dict[str, Any] | None = field(default=None, repr=False)
    _indicators: pl.DataFrame | None = field(default=None, repr=False)
    _stats: pl.DataFrame | None = field(default=None, repr=False)

    @property
    def totals(self) -> pl.DataFrame:
        """``unit, group, <top-level nodes>, bonus, deduction, total, rank, tier, vetoed``."""
        if self._totals is None:
            self._totals = _totals(self.scheme, self.prepared, self.core)
        return self._totals

    @property
    def boards(self) -> pl.DataFrame:
        """``board, unit, group, score, rank``."""
        if self._boards is None:
            self._boards = _boards(self.scheme, self.prepared, self.core)
        return self._boards

    @property
    def warnings(self) -> list[EngineWarning]:
        """Every warning (scheme, data, missing values and targets), sorted."""
        if self._warnings is None:
            self._warnings = [EngineWarning(*row) for row in
                              self.warnings_table.select("code", "message", "unit", "indicator").iter_rows()]
        return self._warnings

    @property
    def warnings_table(self) -> pl.DataFrame:
        """``code, unit, indicator, message`` sorted, without repeats."""
        if self._warnings_table is None:
            frames = [warnings_frame(self._base_warnings)]
            if self._missing_args:
                leaves, missing, _still, imputed, _nt, _t, miss_rule = self._missing_args
                frames.append(warnings_frame(_missing_warnings(self.prepared, *self._missing_args)))
                frames.append(_missing_frame(self.prepared, leaves, missing, imputed, miss_rule))
            self._warnings_table = (pl.concat(frames).unique()
                                    .sort(["code", "unit", "indicator", "message"], nulls_last=False))
        return self._warnings_table

    @property
    def indicators(self) -> pl.DataFrame:
        """``unit, indicator, value, score, rank, full_marks`` — one row per unit and leaf,
        sorted by unit then scheme order (built on first use)."""
        if self._indicators is None:
            self._indicators = indicators_frame(self)
        return self._indicators

    @property
    def stats(self) -> pl.DataFrame:
        """``unit, indicators, first_places, top3, full_marks`` (built on first use)."""
        if self._stats is None:
            self._stats = _stats(self.prepared, self.core)
        return self._stats

    @property
    def explain(self) -> dict[str, Any]:
        """Explanations. In "full" mode every unit's every score carries its rule, inputs
        and arithmetic; in "compact" mode (large runs) the per-unit part is left out and
        :meth:`explain_unit` renders it on demand from the same numbers."""
        if self._explain is None:
            from kaohe.engine.explain import build

            self._explain = build(self, full=self.explain_mode == "full")
        return self._explain

    def explain_unit(self, unit: str) -> dict[str, Any]:
        from kaohe.engine.explain import unit_entries

        idx = self.prepared.unit_index()
        if unit not in idx:
            raise KeyError(unit)
        return unit_entries(self, np.array([idx[unit]]))[unit]

    def write(self, out_dir: str | Path, fmt: str = "csv") -> list[Path]:
        from kaohe.engine.output import write_result

        return write_result(self, Path(out_dir), fmt)


def warnings_frame(ws: list[EngineWarning]) -> pl.DataFrame:
    return pl.DataFrame(
        {"code": [w.code for w in ws], "unit": [w.unit for w in ws],
         "indicator": [w.indicator for w in ws], "message": [w.message for w in ws]},
        schema={"code": pl.String, "unit": pl.String, "indicator": pl.String, "message": pl.String},
    )


def score(
    scheme: Scheme | dict[str, Any] | str | Path,
    values: pl.DataFrame | Source | str | Path,
    units: pl.DataFrame | Source | str | Path | None = None,
    targets: pl.DataFrame | Source | str | Path | None = None,
    period: str | None = None,
    *,
    explain: str = "auto",
    detail: bool = True,
) -> ScoreResult:
    """Score ``values`` under ``scheme``. Raises SchemeError / DataError naming the place."""
    sch = load_scheme(scheme)
    prep = prepare(sch, values, units, targets, period)
    return score_prepared(sch, prep, explain=explain, detail=detail)


def _param_vectors(leaves: list[Leaf], method: str, transform: np.ndarray) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name in METHODS[method]:
        vals = []
        for leaf in leaves:
            v = leaf.params.get(name)
            if name == "mode":
                v = 1.0 if v == "steps" else 0.0
            elif name == "sd":
                v = 1.0 if v == "sample" else 0.0
            vals.append(np.nan if v is None else float(v))
        out[name] = np.array(vals, dtype=np.float64)
    for name in ("lower", "upper", "value"):
        if name in out:
            with np.errstate(invalid="ignore", divide="ignore"):
                out[name] = np.where(transform, np.log(np.where(out[name] > 0, out[name], np.nan)), out[name])
    return out


def score_prepared(scheme: Scheme, prep: Prepared, *, explain: str = "auto",
                   detail: bool = True) -> ScoreResult:
    """Score already prepared inputs (cheap to call repeatedly with variants of the scheme
    or ``prep.with_values(...)``). ``detail=False`` skips the indicator/stat tables."""
    leaves = scheme.leaves()
    U, L = prep.n, len(leaves)
    warnings: list[EngineWarning] = list(scheme.warnings) + list(prep.warnings)
    errors: list[str] = []
    nan_col = np.full(U, np.nan)
    X = np.column_stack([prep.X.get(lf.indicator, nan_col) for lf in leaves]) if L else np.zeros((U, 0))
    T = np.column_stack([prep.T.get(lf.indicator, nan_col) if lf.method == "target" else nan_col
                         for lf in leaves]) if L else np.zeros((U, 0))
    sign = np.array([1.0 if lf.direction == "higher" else -1.0 for lf in leaves])
    log = np.array([lf.transform == "log" for lf in leaves], dtype=bool)
    miss_rule = np.array([MISSING_CODES[lf.missing] for lf in leaves], dtype=np.int64)
    missing = np.isnan(X)
    g, starts = prep.g, prep.starts
    imputed = np.zeros_like(missing)

    # missing: mean — impute the peer-group mean of the given values
    mean_cols = np.flatnonzero((miss_rule == 1) & missing.any(axis=0))
    if len(mean_cols) and U:
        gm = group_stats(X[:, mean_cols], starts)["mean"][g]
        sub = X[:, mean_cols]
        fill = np.isnan(sub) & ~np.isnan(gm)
        X[:, mean_cols] = np.where(fill, gm, sub)
        imputed[:, mean_cols] = fill

    # transform: log
    if log.any():
        lx = X[:, log]
        bad = (lx <= 0) & ~np.isnan(lx)
        if bad.any():
            cols = np.flatnonzero(log)
            ui, ci = np.nonzero(bad)
            for n_, (u, c) in enumerate(zip(ui.tolist(), ci.tolist(), strict=True)):
                if n_ == 20:
                    errors.append(f"… and {len(ui) - 20} more values that cannot be log-transformed")
                    break
                lf = leaves[cols[c]]
                errors.append(f"{prep.labels.get('values') or 'values'}: unit '{prep.units[u]}' indicator "
                              f"'{lf.indicator}' has value {lx[u, c]:g}, which transform log cannot take "
                              f"(it must be > 0)")
    if errors:
        raise DataError(errors)
    XT, TT = X, T
    if log.any():  # only the log columns are transformed (no full-matrix temporaries)
        XT, TT = X.copy(), T.copy()
        with np.errstate(invalid="ignore", divide="ignore"):
            XT[:, log] = np.log(X[:, log])
            tl = T[:, log]
            TT[:, log] = np.log(np.where(tl > 0, tl, np.nan))
    Y = XT * sign
    st = group_stats(Y, starts) if U else {k: np.zeros((0, L)) for k in ("n", "max", "min", "mean", "sd", "sd_sample")}
    best = st["max"] * sign
    worst = st["min"] * sign
    gmean = st["mean"] * sign
    rp = [j for j, lf in enumerate(leaves) if lf.method == "rank_points"]
    R_full = matrix_rank(Y, g) if len(rp) == L else None
    R = np.full((U, L), np.nan)
    if rp:
        R[:, rp] = R_full[:, rp] if R_full is not None else matrix_rank(Y[:, rp], g)

    # rank_ratio needs a positive best value
    for j, lf in enumerate(leaves):
        if lf.method == "rank_ratio":
            bad_g = np.flatnonzero(best[:, j] <= 0)
            for gi in bad_g.tolist():
                errors.append(f"indicator '{lf.indicator}' ({lf.path}, method rank_ratio): the best value in "
                              f"group '{prep.groups[gi]}' is {best[gi, j]:g}; scores proportional to the "
                              f"best need it to be > 0")
    if errors:
        raise DataError(errors)

    S = np.full((U, L), np.nan)
    by_method: dict[str, list[int]] = {}
    for j, lf in enumerate(leaves):
        by_method.setdefault(lf.method, []).append(j)
    for method in METHODS:  # fixed order → deterministic
        cols = by_method.get(method)
        if not cols:
            continue
        c = np.array(cols)
        # units × leaves arrays are built only for the fields this method reads
        blk = M.Block(
            lazy={"x": lambda c=c: XT[:, c], "t": lambda c=c: TT[:, c], "rank": lambda c=c: R[:, c],
                  "best": lambda c=c: best[:, c][g], "worst": lambda c=c: worst[:, c][g],
                  "mean": lambda c=c: gmean[:, c][g], "sd": lambda c=c: st["sd"][:, c][g],
                  "sd_sample": lambda c=c: st["sd_sample"][:, c][g]},
            points=np.array([leaves[j].points for j in cols]), sign=sign[c],
            params=_param_vectors([leaves[j] for j in cols], method, log[c]),
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            S[:, c] = M.FUNCTIONS[method](blk)

    # missing values and targets
    still = np.isnan(X)
    no_target = ~still & np.isnan(T) & np.array([lf.method == "target" for lf in leaves])[None, :]
    S[no_target] = 0.0  # in place (no_target and still never overlap)
    S[still] = 0.0
    S[still & (miss_rule == 2)] = np.nan
    missing_args = (leaves, missing, still, imputed, no_target, T, miss_rule)

    has_data, failed, miss_count = data_presence(scheme.root, {lf.code: ~missing[:, j] for j, lf in enumerate(leaves)})
    nodes = aggregate(scheme.root, {lf.code: S[:, j] for j, lf in enumerate(leaves)}, U, failed)
    # a unit whose total cannot be formed is not assessed (不参与排名): no total, rank or tier
    assessed = ~np.isnan(nodes[scheme.root.code])
    reasons = {u: not_assessed_reason(scheme, has_data, miss_count, u) for u in np.flatnonzero(~assessed).tolist()}
    for u, why in reasons.items():
        warnings.append(EngineWarning("not_assessed", f"unit '{prep.units[u]}' is not assessed: {why}",
                                      unit=prep.units[u]))
    base = np.nan_to_num(nodes[scheme.root.code], nan=0.0)
    bonus = _items(scheme.bonus, scheme.bonus_cap, prep, U)
    deduction = _items(scheme.deduction, scheme.deduction_cap, prep, U)
    total_raw = np.maximum(base + bonus - deduction, 0.0)
    veto = np.zeros(U, dtype=np.int64)
    for v in scheme.veto:
        hit = np.zeros(U, dtype=bool)
        for ind in v.indicators:
            hit |= np.nan_to_num(prep.X.get(ind, nan_col), nan=0.0) > 0
        veto = np.where(hit, np.maximum(veto, VETO_SEVERITY[v.effect]), veto)
    total_raw = np.where(veto == 3, 0.0, total_raw)
    total_raw = np.where(assessed, total_raw, np.nan)
    total = round_half_up(total_raw, scheme.precision)
    rank_total = group_rank(total, g)
    tier = np.full(U, -1, dtype=np.int64)
    if scheme.tiers is not None:
        tveto = np.where(veto == 1, BAR_TOP, np.where(veto == 2, LAST, 0))
        if assessed.all():
            tier = assign(scheme.tiers, total, rank_total, g, starts, tveto)
        else:  # quotas are shares of the units that take part
            idx = np.flatnonzero(assessed)
            sub_starts = np.searchsorted(g[idx], np.arange(len(starts)))
            tier[idx] = assign(scheme.tiers, total[idx], rank_total[idx], g[idx], sub_starts, tveto[idx])
        if (tier[assessed] < 0).any():
            for u in np.flatnonzero((tier < 0) & assessed).tolist():
                warnings.append(EngineWarning("no_tier", f"unit '{prep.units[u]}': total {total[u]:g} is "
                                                         f"below every tier band", unit=prep.units[u]))
    board_scores: dict[str, np.ndarray] = {}
    for b in scheme.boards:
        s = np.zeros(U)
        for code in b.indicators:
            s = s + np.nan_to_num(nodes[code], nan=0.0)
        board_scores[b.code] = s

    core = Core(leaves=leaves, x=X, xt=XT, t=TT, missing=missing, imputed=imputed, y=Y, g=g, _rank=R_full,
                _rank_part=(R, rp) if rp and R_full is None else None,
                stats={"best": best, "worst": worst, "mean": gmean, "sd": st["sd"],
                       "sd_sample": st["sd_sample"], "n": st["n"]},
                scores=S, nodes=nodes, bonus=bonus, deduction=deduction, base=base,
                total_raw=total_raw, total=total, rank_total=rank_total, veto=veto, tier=tier,
                boards=board_scores, assessed=assessed, reasons=reasons, failed=failed)
    if explain == "auto":
        explain = "full" if U * L <= EXPLAIN_FULL_LIMIT else "compact"
    del detail  # the per-indicator tables are built lazily, on first use
    # tables and per-unit warnings are built on first use: repeated scoring (gap, robustness)
    # reads only ``core``
    return ScoreResult(scheme=scheme, prepared=prep, core=core, explain_mode=explain,
                       _base_warnings=warnings, _missing_args=missing_args)


def not_assessed_reason(scheme: Scheme, has_data: dict[str, np.ndarray], miss_count: dict[str, np.ndarray],
                        u: int) -> str:
    """Why unit ``u``'s total cannot be formed (不参与排名的原因), in the office's words."""
    root = scheme.root
    n_leaves = len(scheme.leaves())
    missing = int(miss_count[root.code][u])
    if root.max_missing is not None and missing > root.max_missing:
        return f"缺项{missing}项（共{n_leaves}项指标），超过允许的{root.max_missing}项"
    if root.min_present is not None:
        count = sum(int(has_data[c.code][u]) for c in root.children)
        if count < root.min_present:
            noun, unit = ("项指标", "项") if all(c.is_leaf for c in root.children) else ("个一级指标", "个")
            return f"{len(root.children)}{noun}中有数据的{count}{unit}，少于要求的{root.min_present}{unit}"
    return f"没有可计分的指标（{n_leaves}项指标中缺项{missing}项，缺项不计入）"


def _items(items: tuple, cap: float | None, prep: Prepared, U: int) -> np.ndarray:
    total = np.zeros(U)
    for it in items:
        v = np.nan_to_num(prep.X.get(it.indicator, np.full(U, np.nan)), nan=0.0) * it.per
        if it.cap is not None:
            v = np.minimum(v, it.cap)
        total = total + v
    if cap is not None:
        total = np.minimum(total, cap)
    return total


def _missing_frame(prep: Prepared, leaves: list[Leaf], missing: np.ndarray, imputed: np.ndarray,
                   miss_rule: np.ndarray) -> pl.DataFrame:
    """One ``missing_value`` warning per missing (unit, leaf), built as a table with string
    expressions (national runs have tens of thousands of them)."""
    ui, ji = np.nonzero(missing)
    kind = np.where(imputed[ui, ji], 1, np.where(miss_rule[ji] == 1, 3, miss_rule[ji]))
    tails = pl.Series(["; scored 0 (missing: zero)", "; the peer-group mean is used (missing: mean)",
                       "; left out and its parent rescaled (missing: exclude)",
                       " and its peer group has none either; scored 0"])
    df = pl.DataFrame({
        "code": pl.Series(["missing_value"] * len(ui), dtype=pl.String),
        "unit": pl.Series(prep.units, dtype=pl.String).gather(ui),
        "indicator": pl.Series([lf.code for lf in leaves], dtype=pl.String).gather(ji),
        "_ind": pl.Series([lf.indicator for lf in leaves], dtype=pl.String).gather(ji),
        "_tail": tails.gather(kind),
    })
    return df.select("code", "unit", "indicator", pl.concat_str([
        pl.lit("unit '"), pl.col("unit"), pl.lit("' has no value for '"), pl.col("_ind"), pl.lit("'"),
        pl.col("_tail")]).alias("message"))


def _missing_warnings(prep: Prepared, leaves: list[Leaf], missing: np.ndarray, still: np.ndarray,
                      imputed: np.ndarray, no_target: np.ndarray, T: np.ndarray,
                      miss_rule: np.ndarray) -> list[EngineWarning]:
    """Warnings about targets (missing, zero); missing values are in :func:`_missing_frame`."""
    out: list[EngineWarning] = []
    ui, ji = np.nonzero(no_target)
    for u, j in zip(ui.tolist(), ji.tolist(), strict=True):
        out.append(EngineWarning("missing_target", f"unit '{prep.units[u]}' has no target for "
                                                   f"'{leaves[j].indicator}'; scored 0",
                                 unit=prep.units[u], indicator=leaves[j].code))
    tcols = [j for j, lf in enumerate(leaves) if lf.method == "target"]
    if tcols:
        tz = (T[:, tcols] == 0)
        ui, ci = np.nonzero(tz)
        for u, c in zip(ui.tolist(), ci.tolist(), strict=True):
            lf = leaves[tcols[c]]
            if lf.params.get("mode") == "steps":
                continue
            out.append(EngineWarning("target_zero", f"unit '{prep.units[u]}' has a target of 0 for "
                                                    f"'{lf.indicator}'; full marks if met, else 0",
                                     unit=prep.units[u], indicator=lf.code))
    return out


def tier_names(scheme: Scheme, tier: np.ndarray) -> list[str | None]:
    if scheme.tiers is None:
        return [None] * len(tier)
    names = [lv.name for lv in scheme.tiers.levels]
    return [names[t] if t >= 0 else None for t in tier.tolist()]


def _rank_col(r: np.ndarray) -> pl.Series:
    return pl.Series(np.where(np.isnan(r), -1, r).astype(np.int64)).set(
        pl.Series(np.isnan(r)), None) if np.isnan(r).any() else pl.Series(r.astype(np.int64))


def _totals(scheme: Scheme, prep: Prepared, c: Core) -> pl.DataFrame:
    p = scheme.precision
    cols: dict[str, Any] = {"unit": prep.units, "group": [prep.groups[i] for i in prep.g.tolist()]}
    for node in scheme.top_nodes():
        cols[node.code] = round_half_up(c.nodes[node.code], p)
    cols["bonus"] = round_half_up(c.bonus, p)
    cols["deduction"] = round_half_up(c.deduction, p)
    cols["total"] = c.total
    assessed = c.assessed if len(c.assessed) == prep.n else np.ones(prep.n, dtype=bool)
    df = pl.DataFrame(cols).with_columns(
        pl.col("total").fill_nan(None),
        _rank_col(c.rank_total).alias("rank"),
        pl.Series("tier", tier_names(scheme, c.tier), dtype=pl.String),
        pl.Series("vetoed", c.veto > 0),
        pl.Series("assessed", assessed),
        pl.Series("reason", [c.reasons.get(u) for u in range(prep.n)], dtype=pl.String),
    )
    return df.sort(["group", "rank", "unit"], nulls_last=True)


def _boards(scheme: Scheme, prep: Prepared, c: Core) -> pl.DataFrame:
    frames = []
    groups = [prep.groups[i] for i in prep.g.tolist()]
    for order, b in enumerate(scheme.boards):
        score = round_half_up(c.boards[b.code], scheme.precision)
        frames.append(pl.DataFrame({
            "board": [b.code] * prep.n, "unit": prep.units, "group": groups,
            "score": score,
            # a unit that is not assessed takes no place on a board either
            "rank": _rank_col(board_rank(c, score, prep.g)),
            "_o": [order] * prep.n,
        }, schema_overrides={"score": pl.Float64}))
    if not frames:
        return pl.DataFrame(schema={"board": pl.String, "unit": pl.String, "group": pl.String,
                                    "score": pl.Float64, "rank": pl.Int64})
    return pl.concat(frames).sort(["_o", "group", "rank", "unit"]).drop("_o")


def board_rank(c: Core, score: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Competition ranks of a board's rounded scores among the assessed units (NaN for the others)."""
    if len(c.assessed) == len(score) and not c.assessed.all():
        score = np.where(c.assessed, score, np.nan)
    return group_rank(score, g)


def unit_order(prep: Prepared) -> np.ndarray:
    """Indices of the prepared units sorted by unit code."""
    return np.argsort(np.array(prep.units, dtype=object), kind="stable")


def indicators_frame(result: ScoreResult, *, categorical: bool = False) -> pl.DataFrame:
    """The indicators table. ``categorical=True`` gives unit and indicator as Enum columns
    (same text when written; much cheaper to build and write at national scale)."""
    scheme, prep, c = result.scheme, result.prepared, result.core
    U, L = c.scores.shape
    perm = unit_order(prep)
    ucodes = [prep.units[i] for i in perm.tolist()]
    icodes = [lf.code for lf in c.leaves]
    if categorical and U and L and len(set(icodes)) == L:
        unit = pl.Series("unit", np.repeat(np.arange(U, dtype=np.uint32), L)).cat.to(pl.Enum(ucodes))
        indicator = pl.Series("indicator", np.tile(np.arange(L, dtype=np.uint32), U)).cat.to(pl.Enum(icodes))
    else:
        unit = pl.Series("unit", ucodes, dtype=pl.String).gather(np.repeat(np.arange(U), L))
        indicator = pl.Series("indicator", icodes, dtype=pl.String).gather(np.tile(np.arange(L), U))
    full = np.tile(np.array([lf.points for lf in c.leaves], dtype=np.float64), U)
    r = c.rank[perm].ravel()
    return pl.DataFrame({
        "unit": unit, "indicator": indicator,
        "value": pl.Series(c.x[perm].ravel()).fill_nan(None),
        "score": pl.Series(round_half_up(c.scores[perm].ravel(), scheme.precision)).fill_nan(None),
        "rank": pl.Series(r).fill_nan(None).cast(pl.Int64),
        "full_marks": full,
    })


def _stats(prep: Prepared, c: Core) -> pl.DataFrame:
    perm = unit_order(prep)
    R = c.rank
    S = c.scores
    pts = np.array([lf.points for lf in c.leaves], dtype=np.float64)
    have = ~c.missing  # values actually given (an imputed mean is not an achievement)
    # counted per unit in the scoring order, then only the per-unit counts are put in unit order
    return pl.DataFrame({
        "unit": [prep.units[i] for i in perm.tolist()],
        "indicators": have.sum(axis=1).astype(np.int64)[perm],
        "first_places": (have & (R == 1)).sum(axis=1).astype(np.int64)[perm],
        "top3": (have & (R <= 3)).sum(axis=1).astype(np.int64)[perm],
        "full_marks": (have & (S >= pts[None, :] - 1e-9)).sum(axis=1).astype(np.int64)[perm],
    })


def is_close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)
