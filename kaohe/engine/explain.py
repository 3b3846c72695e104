"""Explanations (得分说明): for every score, the rule, its inputs and the arithmetic.

The arithmetic strings are built with Polars string expressions over the long
(unit × leaf) table, one ``when/then`` branch per method — not by formatting
each unit in Python. For large runs (``compact`` mode) explain.json keeps the
rules, the per-group inputs (best, worst, mean, sd, n) and the node rules, and
leaves the per-unit entries to :meth:`ScoreResult.explain_unit`, which renders
them on demand from the same numbers (the indicators table has each score's
value, rank and score; targets come from the targets file): every score stays
explainable without writing millions of strings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from kaohe.engine.methods import RULES
from kaohe.engine.rank import round_half_up
from kaohe.engine.scheme import METHODS, Leaf, Node, Scheme
from kaohe.lib.numbers import round_expr, rounded_float

if TYPE_CHECKING:
    from kaohe.engine.score import ScoreResult


def fmt(e: pl.Expr) -> pl.Expr:
    """A number as short text: 54.0 → "54", 0.87412 → "0.8741", missing → "—"."""
    s = (round_expr(e, 4) + 0.0).cast(pl.String).str.strip_suffix(".0")  # 四舍五入, as every page
    return pl.when(e.is_null() | e.is_nan()).then(pl.lit("—")).otherwise(s)


def _c(*parts: pl.Expr | str) -> pl.Expr:
    return pl.concat_str([p if isinstance(p, pl.Expr) else pl.lit(p) for p in parts])


def _num(v: float | None) -> float | None:
    if v is None:
        return None
    f = float(v)
    return None if f != f else round(f, 6)


def _leaf_rule(lf: Leaf) -> dict[str, Any]:
    return {"name": lf.name, "indicator": lf.indicator, "method": lf.method, "direction": lf.direction,
            "points": lf.points, "weight": lf.weight, "params": dict(lf.params), "missing": lf.missing,
            "transform": lf.transform, "rule": RULES[lf.method]}


def _node_rule(n: Node) -> dict[str, Any]:
    if n.aggregate == "sum":
        rule = "sum of the children's scores (excluded children: rescaled to the full marks)"
    elif n.aggregate == "mean":
        rule = "points × weighted mean of child score / child full marks"
    else:
        rule = "points × weighted geometric mean of child score / child full marks"
    return {"name": n.name, "aggregate": n.aggregate, "full_marks": n.full_marks,
            "children": [c.code for c in n.children], "weights": [c.weight for c in n.children],
            "rule": rule}


def _tiers_rule(scheme: Scheme) -> dict[str, Any] | None:
    if scheme.tiers is None:
        return None
    return {"by": scheme.tiers.by, "levels": [
        {k: v for k, v in (("name", lv.name), ("min", lv.min), ("share", lv.share), ("count", lv.count))
         if v is not None} for lv in scheme.tiers.levels]}


def build(result: ScoreResult, full: bool) -> dict[str, Any]:
    scheme, prep, core = result.scheme, result.prepared, result.core
    groups: dict[str, Any] = {}
    for gi, gname in enumerate(prep.groups):
        size = int((prep.g == gi).sum())
        groups[gname] = {"units": size, "indicators": {
            lf.code: {"n": int(core.stats["n"][gi, j]), "best": _num(_back(lf, core.stats["best"][gi, j])),
                      "worst": _num(_back(lf, core.stats["worst"][gi, j])),
                      "mean": _num(_back(lf, core.stats["mean"][gi, j])),
                      "sd": _num(core.stats["sd"][gi, j])}
            for j, lf in enumerate(core.leaves)}}
    out: dict[str, Any] = {
        "scheme": {"name": scheme.name, "year": scheme.year, "precision": scheme.precision,
                   "full_marks": scheme.full_marks},
        "period": prep.period,
        "mode": "full" if full else "compact",
        "notes": ("best/worst/mean are in the indicator's own unit; with transform log the arithmetic "
                  "is shown on ln(value) and sd is of ln(value)"),
        "rules": {lf.code: _leaf_rule(lf) for lf in core.leaves},
        "nodes": {n.code: _node_rule(n) for n in scheme.nodes()},
        "bonus": [{"indicator": i.indicator, "per": i.per, "cap": i.cap} for i in scheme.bonus],
        "bonus_cap": scheme.bonus_cap,
        "deduction": [{"indicator": i.indicator, "per": i.per, "cap": i.cap} for i in scheme.deduction],
        "deduction_cap": scheme.deduction_cap,
        "veto": [{"indicators": list(v.indicators), "effect": v.effect} for v in scheme.veto],
        "tiers": _tiers_rule(scheme),
        "groups": groups,
    }
    if full:
        perm = np.argsort(np.array(prep.units, dtype=object), kind="stable")
        out["units"] = unit_entries(result, perm)
    else:
        out["units"] = None
        out["units_note"] = ("compact mode: per-unit arithmetic is rendered on demand "
                             "(ScoreResult.explain_unit); each score's value, rank and score are in "
                             "indicators.csv and its inputs under 'groups'")
    return out


def _back(lf: Leaf, v: float) -> float:
    """Group statistics are kept on the transformed scale; show best/worst/mean in the value's unit."""
    return float(np.exp(v)) if lf.transform == "log" and v == v else float(v)


def _param_cols(leaves: list[Leaf], j: np.ndarray) -> dict[str, np.ndarray]:
    names = sorted({k for spec in METHODS.values() for k in spec})
    cols = {}
    for name in names:
        vals = []
        for lf in leaves:
            v = lf.params.get(name)
            if name == "mode":
                v = 1.0 if v == "steps" else 0.0
            elif name == "sd":
                v = 1.0 if v == "sample" else 0.0
            vals.append(np.nan if v is None else float(v))
        arr = np.array(vals)
        if name in ("lower", "upper", "value"):
            logs = np.array([lf.transform == "log" for lf in leaves])
            with np.errstate(invalid="ignore", divide="ignore"):
                arr = np.where(logs, np.log(arr), arr)
        cols["p_" + name] = arr[j]
    return cols


def _leaf_frame(result: ScoreResult, uidx: np.ndarray) -> pl.DataFrame:
    core, prep = result.core, result.prepared
    L = len(core.leaves)
    k = len(uidx)
    u = np.repeat(uidx, L)
    j = np.tile(np.arange(L), k)
    g = prep.g[u]
    st = core.stats
    sd_kind = np.array([1.0 if lf.params.get("sd") == "sample" else 0.0 for lf in core.leaves])[j]
    cols: dict[str, Any] = {
        "u": u, "j": j,
        "method": [core.leaves[i].method for i in j.tolist()],
        "higher": np.array([lf.direction == "higher" for lf in core.leaves])[j],
        "log": np.array([lf.transform == "log" for lf in core.leaves])[j],
        "rule_missing": [core.leaves[i].missing for i in j.tolist()],
        "points": np.array([lf.points for lf in core.leaves])[j],
        "raw_missing": core.missing[u, j], "imputed": core.imputed[u, j],
        "value": core.x[u, j], "x": core.xt[u, j], "t": core.t[u, j], "rank": core.rank[u, j],
        "best": st["best"][g, j], "worst": st["worst"][g, j], "mean": st["mean"][g, j],
        "sd": np.where(sd_kind == 1, st["sd_sample"][g, j], st["sd"][g, j]),
        "score": core.scores[u, j],
    }
    cols.update(_param_cols(core.leaves, j))
    df = pl.DataFrame(cols)
    return df.with_columns([pl.col(c).fill_nan(None) for c, dt in df.schema.items() if dt == pl.Float64])


FORMATTED = ("points", "x", "t", "score", "best", "worst", "mean", "rank", "sd", "d", "z", "value",
             *(f"p_{k}" for k in ("step", "min", "base", "lower", "upper", "cap", "above", "above_max",
                                  "below", "value", "partial")))


def _prepare_text(df: pl.DataFrame) -> pl.DataFrame:
    """Derived numbers (d, z) and every number formatted once as text (s_<name>)."""
    hi = pl.col("higher")
    df = df.with_columns(
        pl.when(hi).then(pl.col("x") - pl.col("t")).otherwise(pl.col("t") - pl.col("x")).alias("d"),
        pl.when(pl.col("sd") > 0).then(pl.when(hi).then(1.0).otherwise(-1.0) * (pl.col("x") - pl.col("mean"))
                                       / pl.col("sd")).otherwise(0.0).alias("z"),
    )
    return df.with_columns([fmt(pl.col(c)).alias("s_" + c) for c in FORMATTED])


def _arithmetic(precision: int) -> pl.Expr:
    def f(name: str) -> pl.Expr:
        return pl.col("s_" + name)

    P, x, t, S = f("points"), f("x"), f("t"), f("score")
    best, worst, mean, r = f("best"), f("worst"), f("mean"), f("rank")
    hi = pl.col("higher")
    d = pl.col("d")
    m = pl.col("method")

    def p(name: str) -> pl.Expr:
        return f("p_" + name)

    eff_base = pl.when(m == "minmax").then(pl.lit("0")).otherwise(p("base") if True else None)
    expr = (
        pl.when(m == "rank_points").then(_c("max(", P, " − (", r, " − 1) × ", p("step"), ", ", p("min"),
                                            ") = ", S))
        .when((m == "rank_ratio") & hi).then(_c(P, " × ", x, " / best ", best, " = ", S))
        .when(m == "rank_ratio").then(_c(P, " × best ", best, " / ", x, " = ", S))
        .when(m.is_in(["efficacy", "minmax"]) & (pl.col("best") == pl.col("worst")))
        .then(_c("all values in the group are equal → full marks ", S))
        .when(m.is_in(["efficacy", "minmax"])).then(_c(P, " × (", eff_base, " + (1 − ", eff_base, ") × (", x,
                                                        " − worst ", worst, ") / (best ", best, " − worst ",
                                                        worst, ")) = ", S))
        .when((m == "goalposts") & hi).then(_c(P, " × clamp((", x, " − ", p("lower"), ") / (", p("upper"),
                                               " − ", p("lower"), "), 0, 1) = ", S))
        .when(m == "goalposts").then(_c(P, " × clamp((", p("upper"), " − ", x, ") / (", p("upper"), " − ",
                                        p("lower"), "), 0, 1) = ", S))
        .when((m == "target") & pl.col("t").is_null()).then(_c("no target → ", S))
        .when((m == "target") & (pl.col("p_mode") == 1) & (d >= 0)).then(
            _c("d = ", f("d"), " (", x, " vs target ", t, "); ", P, " + min(", f("d"), " × ", p("above"), ", ",
               p("above_max"), ") = ", S))
        .when((m == "target") & (pl.col("p_mode") == 1)).then(
            _c("d = ", f("d"), " (", x, " vs target ", t, "); max(", P, " + (", f("d"), ") × ", p("below"),
               ", 0) = ", S))
        .when((m == "target") & (pl.col("t") == 0)).then(_c("target 0: ", x, " → ", S))
        .when((m == "target") & hi).then(_c(P, " × min(", x, " / target ", t, ", ", p("cap"), ") = ", S))
        .when(m == "target").then(_c(P, " × min(target ", t, " / ", x, ", ", p("cap"), ") = ", S))
        .when((m == "mean_relative") & (pl.when(hi).then(pl.col("x") >= pl.col("mean"))
                                        .otherwise(pl.col("x") <= pl.col("mean"))))
        .then(_c(x, pl.when(hi).then(pl.lit(" ≥ ")).otherwise(pl.lit(" ≤ ")), "group mean ", mean,
                 " → full marks ", S))
        .when(m == "mean_relative").then(_c("max(", P, " − |", x, " − mean ", mean, "| × ", p("below"),
                                            ", 0) = ", S))
        .when((m == "threshold") & (pl.when(hi).then(pl.col("x") >= pl.col("p_value"))
                                    .otherwise(pl.col("x") <= pl.col("p_value"))))
        .then(_c(x, pl.when(hi).then(pl.lit(" ≥ ")).otherwise(pl.lit(" ≤ ")), p("value"), " → ", S))
        .when(m == "threshold").then(_c(x, pl.when(hi).then(pl.lit(" < ")).otherwise(pl.lit(" > ")),
                                        p("value"), " → partial ", S))
        .when(m == "zscore").then(_c("z = (", x, " − mean ", mean, ") / sd ", f("sd"), " = ",
                                     f("z"), "; ", P, " × Φ(", f("z"), ") = ", S))
        .otherwise(pl.lit(""))
    )
    expr = pl.when(pl.col("log") & ~pl.col("raw_missing")).then(_c("ln(", f("value"), ") = ", x, "; ",
                                                                  expr)).otherwise(expr)
    missing_txt = (
        pl.when(pl.col("imputed")).then(_c("no value; peer-group mean ", f("value"), " used; ", expr))
        .when(pl.col("raw_missing") & (pl.col("rule_missing") == "exclude"))
        .then(pl.lit("no value → left out; the parent is rescaled (missing: exclude)"))
        .when(pl.col("raw_missing")).then(pl.lit("no value → 0 (missing: zero)"))
        .otherwise(expr)
    )
    return missing_txt


def unit_entries(result: ScoreResult, uidx: np.ndarray) -> dict[str, Any]:
    """Per-unit explanation dicts for the given prepared-unit indices (in that order)."""
    scheme, prep, core = result.scheme, result.prepared, result.core
    prec = scheme.precision
    df = _prepare_text(_leaf_frame(result, uidx))
    df = df.with_columns(_arithmetic(prec).alias("arithmetic"))
    score_r = pl.Series(round_half_up(df["score"].fill_null(np.nan).to_numpy(), prec)).fill_nan(None)

    def back(c: str) -> pl.Expr:  # inputs shown in the indicator's own unit (undo the log)
        return pl.when(pl.col("log")).then(pl.col(c).exp()).otherwise(pl.col(c)).round(6)

    cols = df.select(
        "u", "j", pl.when(pl.col("raw_missing")).then(None).otherwise(pl.col("value").round(6)).alias("value"),
        score_r.alias("score"), "points", back("best").alias("best"), back("worst").alias("worst"),
        back("mean").alias("mean"), back("t").alias("t"), pl.col("rank").cast(pl.Int64), "arithmetic")
    leaves = core.leaves
    codes = [lf.code for lf in leaves]
    rules = [lf.method for lf in leaves]
    entries: dict[str, Any] = {}
    for u in uidx.tolist():
        entries[prep.units[u]] = {"name": prep.names[u], "group": prep.groups[prep.g[u]], "indicators": {},
                                  "nodes": {}, "total": {}}
    units = prep.units
    for u, j, value, sc, pts, b, w, mn, tv, rank, arith in cols.iter_rows():
        entries[units[u]]["indicators"][codes[j]] = {
            "rule": rules[j], "value": value, "score": sc, "full_marks": pts,
            "inputs": {"best": b, "worst": w, "mean": mn, "target": tv, "rank": rank},
            "arithmetic": arith,
        }
    _node_entries(result, uidx, entries)
    return entries


def _node_entries(result: ScoreResult, uidx: np.ndarray, entries: dict[str, Any]) -> None:
    scheme, prep, core = result.scheme, result.prepared, result.core
    prec = scheme.precision
    frame: dict[str, Any] = {"u": uidx}
    for code, arr in core.nodes.items():
        frame[code] = arr[uidx]
    df = pl.DataFrame(frame)
    df = df.with_columns([pl.col(c).fill_nan(None) for c in core.nodes])
    exprs = []
    for n in scheme.nodes():
        parts = []
        for ch in n.children:
            s = pl.col(ch.code)
            if n.aggregate == "sum":
                parts.append(pl.when(s.is_null()).then(pl.lit(f"{ch.code} excluded"))
                             .otherwise(_c(f"{ch.code} ", fmt(s))))
            elif n.aggregate == "mean":
                parts.append(pl.when(s.is_null()).then(pl.lit(f"{ch.code} excluded"))
                             .otherwise(_c(f"{_g(ch.weight)}×", fmt(s), f"/{_g(ch.full_marks)}")))
            else:
                parts.append(pl.when(s.is_null()).then(pl.lit(f"{ch.code} excluded"))
                             .otherwise(_c("(", fmt(s), f"/{_g(ch.full_marks)})^{_g(ch.weight)}")))
        me = pl.col(n.code)
        any_missing = pl.any_horizontal([pl.col(ch.code).is_null() for ch in n.children])
        if n.aggregate == "sum":
            joined = pl.concat_str(parts, separator=" + ")
            present_full = pl.sum_horizontal([pl.when(pl.col(ch.code).is_null()).then(0.0)
                                              .otherwise(ch.full_marks) for ch in n.children])
            e = (pl.when(me.is_null()).then(pl.lit("every child excluded → excluded"))
                 .when(any_missing).then(_c("(", joined, f") × {_g(n.full_marks)} / ", fmt(present_full),
                                            " = ", fmt(me)))
                 .otherwise(_c(joined, " = ", fmt(me))))
        elif n.aggregate == "mean":
            sw = pl.sum_horizontal([pl.when(pl.col(ch.code).is_null()).then(0.0).otherwise(ch.weight)
                                    for ch in n.children])
            e = (pl.when(me.is_null()).then(pl.lit("every child excluded → excluded"))
                 .otherwise(_c(f"{_g(n.points or 0)} × (", pl.concat_str(parts, separator=" + "), ") / ",
                               fmt(sw), " = ", fmt(me))))
        else:
            sw = pl.sum_horizontal([pl.when(pl.col(ch.code).is_null()).then(0.0).otherwise(ch.weight)
                                    for ch in n.children])
            e = (pl.when(me.is_null()).then(pl.lit("every child excluded → excluded"))
                 .otherwise(_c(f"{_g(n.points or 0)} × (", pl.concat_str(parts, separator=" · "), ")^(1/",
                               fmt(sw), ") = ", fmt(me))))
        exprs.append(e.alias("_a_" + n.code))
    out = df.with_columns(exprs)
    node_codes = [n.code for n in scheme.nodes()]
    arith = {c: out["_a_" + c].to_list() for c in node_codes}
    names = [lv.name for lv in scheme.tiers.levels] if scheme.tiers else []
    fulls = {n.code: n.full_marks for n in scheme.root.iter_nodes()}
    rounded = {c: round_half_up(core.nodes[c][uidx], prec).tolist() for c in node_codes}
    for k, u in enumerate(uidx.tolist()):
        e = entries[prep.units[u]]
        for c in node_codes:
            if c == scheme.root.code:
                continue
            v = rounded[c][k]
            e["nodes"][c] = {"score": None if v != v else v, "full_marks": fulls[c],
                             "arithmetic": arith[c][k]}
        e["total"] = _total_entry(result, u, arith[scheme.root.code][k], names)


def _g(v: float) -> str:
    return f"{v:g}"


def _total_entry(result: ScoreResult, u: int, base_arith: str, names: list[str]) -> dict[str, Any]:
    scheme, prep, core = result.scheme, result.prepared, result.core
    prec = scheme.precision
    veto = int(core.veto[u])
    b, d, base, raw, tot = core.bonus[u], core.deduction[u], core.base[u], core.total_raw[u], core.total[u]
    pre = max(base + b - d, 0.0)
    arith = f"max({_r(base)} + bonus {_r(b)} − deduction {_r(d)}, 0) = {_r(pre)}"
    if veto == 3:
        arith += "; vetoed (一票否决, effect zero) → 0"
    arith += f"; rounded half up to {prec} decimals → {tot:.{prec}f}"
    gi = int(prep.g[u])
    n = int(len(prep.g) - prep.starts[gi]) if gi == len(prep.starts) - 1 else int(prep.starts[gi + 1] - prep.starts[gi])
    rank = core.rank_total[u]
    tier = int(core.tier[u])
    if u in core.reasons:
        return {"base": None, "base_arithmetic": base_arith, "bonus": _num(b), "deduction": _num(d),
                "total": None, "arithmetic": f"not assessed (不参与排名): {core.reasons[u]}",
                "rank": None, "rank_note": None, "vetoed": bool(veto), "tier": None,
                "assessed": False, "reason": core.reasons[u]}
    entry: dict[str, Any] = {
        "base": _num(base), "base_arithmetic": base_arith, "bonus": _num(b), "deduction": _num(d),
        "total": float(tot), "arithmetic": arith,
        "rank": None if rank != rank else int(rank),
        "rank_note": f"competition rank {int(rank)} of {n} in group {prep.groups[gi]} on the rounded total"
        if rank == rank else None,
        "vetoed": bool(veto), "tier": names[tier] if tier >= 0 and names else None,
    }
    if scheme.tiers is not None and tier >= 0:
        entry["tier_note"] = _tier_note(result, u, tier, n)
    del raw
    return entry


def _tier_note(result: ScoreResult, u: int, tier: int, n: int) -> str:
    scheme, core = result.scheme, result.core
    assert scheme.tiers is not None
    lv = scheme.tiers.levels[tier]
    veto = int(core.veto[u])
    vnote = {1: "; vetoed (一票否决): barred from the first level", 2: "; vetoed (一票否决): put in the last level",
             3: "; vetoed (一票否决): total set to 0"}.get(veto, "")
    if scheme.tiers.by == "bands":
        if lv.min is None:
            return f"total {core.total[u]:g} is below every other band → {lv.name}{vnote}"
        return f"total {core.total[u]:g} ≥ {lv.min:g} → {lv.name}{vnote}"
    if tier == len(scheme.tiers.levels) - 1:
        return f"rank {int(core.rank_total[u])} of {n}: the last level takes the rest → {lv.name}{vnote}"
    size = f"count {lv.count}" if lv.count is not None else (
        f"share {lv.share:g} × {n} = {lv.share * n:g} → {int(round_half_up(lv.share * n, 0))} places"  # type: ignore[operator]
    )
    return (f"rank {int(core.rank_total[u])} of {n}; {lv.name}: {size}, filled in rank order "
            f"(ties with the last admitted are admitted){vnote}")


def _r(v: float) -> str:
    return f"{rounded_float(float(v), 4):g}"  # 四舍五入: 0.03125 → 0.0313
