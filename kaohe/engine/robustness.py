"""Rank robustness (排名稳健性): Monte Carlo over the scheme's choices — ``kaohe robustness``.

Following COINr's uncertainty analysis, the scheme is re-run under perturbed
choices and each unit's rank is summarised over N replications:

- **weights** ±X% (uniform): every element of the tree below the root (leaf or
  category) gets a factor f ~ U(1 − X, 1 + X). Under a ``sum`` node the
  children's contributions are f·score, rescaled so that the node keeps its full
  marks (Σ f·full = full: relative weights move, category totals and tier bands
  keep their meaning); under ``mean``/``geometric`` nodes f multiplies the
  child's ``weight``.
- **alternative methods**: ``--alt-methods efficacy minmax rank_points zscore``
  makes every leaf scored by one of the listed methods switchable; a replication
  picks one option for all of them together: the scheme's own methods (option 0)
  or one of the list — or, with ``--per-leaf``, each switchable leaf draws its
  own option independently. In the scheme, ``robustness: {methods: {leaf:
  [...]}}`` gives per-leaf lists (option k uses the leaf's (k−1 mod len)-th
  entry).
  Alternatives must work without new parameters: ``efficacy`` (the leaf's base,
  else 0.6), ``minmax``, ``rank_points`` (the leaf's step, else points/(n−1)
  with n the largest peer group, so the last place scores 0), ``rank_ratio``
  (only where the best value is > 0 in every group) and ``zscore``.
- **missing-data rules**: ``--missing-rules zero mean exclude``: the scheme's own
  rules (option 0) or one rule for every leaf.

Replication r draws the three choices independently (seeded NumPy generator,
so the same seed gives the same output). Per unit: the nominal rank, median,
5th and 95th percentile rank (``inverted_cdf`` quantiles, so they are ranks that
occurred), mean rank and the probability of each tier.

**Speed.** The engine is called once per (method option × missing option) that
occurs, to get the units × leaves matrix of leaf scores; everything per
replication is NumPy over whole matrices: the tree is aggregated for a batch
of replications at once (a ``sum`` node over leaves is one matrix product
scores × factors), then bonus/deduction/veto (which no choice changes), the
rounding of the engine (``round_half_up``), group-wise competition ranks by
argsort and tiers by the engine's rules. Replication 0 — no perturbation, the
scheme's own choices — is computed by the same path and checked to equal the
engine's nominal totals, ranks and tiers exactly (``RobustnessResult.check``).

**Sobol' indices** (``--sobol``): the choices are the factors (weights, method,
missing — those that vary). Saltelli's scheme: two base matrices A, B from a
scrambled Sobol' sequence (``scipy.stats.qmc``; SALib is not needed) and, per
factor i, A with column i from B: N·(D + 2) runs. A factor's uniform value
picks the option (methods, missing) or one of N pre-drawn weight vectors.
First-order S_i = mean(f_B·(f_ABi − f_A))/V (Saltelli et al. 2010), total
ST_i = mean((f_A − f_ABi)²)/(2V) (Jansen 1999), V the variance of f over A and B,
with f = a unit's rank; the indices are averaged over the units whose rank
varies at all.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import yaml

from kaohe.engine._analysis_rank import competition_ranks, tiers_of
from kaohe.engine.data import Prepared, Source, prepare, read_table
from kaohe.engine.errors import DataError, SchemeError
from kaohe.engine.rank import round_half_up
from kaohe.engine.scheme import Leaf, Node, Scheme, load_scheme
from kaohe.engine.score import Core, score_prepared
from kaohe.engine.tiers import BAR_TOP, LAST

ALT_METHODS = ("efficacy", "minmax", "rank_points", "rank_ratio", "zscore")
MISSING_RULES = ("zero", "mean", "exclude")
NOMINAL = "(scheme)"
BATCH = 256  # replications aggregated together: bounds memory at units × BATCH per node


# ----------------------------------------------------------------------------- the plan


@dataclass
class Plan:
    """Everything fixed across replications: inputs, the nominal result, the options."""

    scheme: Scheme
    prep: Prepared
    nominal: Core
    elements: list[Node | Leaf]  # every tree element below the root (factor columns)
    method_options: list[str]  # [NOMINAL, alternatives...]
    per_leaf: dict[str, list[str]]  # leaf code -> its alternatives (eligible leaves only)
    missing_options: list[str]  # [NOMINAL, rules...]
    weights: float
    per_leaf_draw: bool = False  # each switchable leaf draws its own method option
    _scores: dict[tuple[int, int], np.ndarray] = field(default_factory=dict, repr=False)
    engine_calls: int = 0

    @property
    def switchable(self) -> np.ndarray:
        """Per leaf: the number of its method options (1 = not switchable)."""
        return np.array([1 + len(self.per_leaf.get(lf.code, ())) for lf in self.leaves])

    def option_matrix(self, k: np.ndarray) -> np.ndarray:
        """Method options as replications × leaves: a 1-D ``k`` (one option for every
        switchable leaf) is spread over the switchable leaves; 0 elsewhere."""
        k = np.asarray(k)
        if k.ndim == 2:
            return k.astype(np.int64)
        return np.where(self.switchable[None, :] > 1, k.astype(np.int64)[:, None], 0)

    @property
    def linear(self) -> bool:
        """No geometric node: the root is linear in the leaf scores (see _coefficients)."""
        return all(n.aggregate != "geometric" for n in self.scheme.nodes())

    @property
    def leaves(self) -> list[Leaf]:
        return self.nominal.leaves

    def leaf_scores(self, k: int, r: int) -> np.ndarray:
        """Units × leaves scores under method option ``k`` and missing option ``r``
        (cached). A leaf's score depends only on its own indicator, method and missing
        rule, so only the leaves the option changes are re-scored by the engine — on a
        scheme made of just those leaves — and the rest are copied."""
        key = (k, r)
        if key in self._scores:
            return self._scores[key]
        if key == (0, 0):
            self._scores[key] = self.nominal.scores
            return self.nominal.scores
        base = self.leaf_scores(0, r) if k > 0 else self.nominal.scores
        variant = self.variant(k, r)
        new_leaves = variant.leaves()
        old_leaves = self.scheme.leaves() if k == 0 else self.variant(0, r).leaves()
        changed = [j for j, (a, b) in enumerate(zip(new_leaves, old_leaves, strict=True))
                   if a != b and (a.method != b.method or self.nominal.missing[:, j].any())]
        S = base.copy()
        if changed:
            sub = dataclasses.replace(
                self.scheme,
                root=Node(code="\x00robustness", name="", children=tuple(new_leaves[j] for j in changed)),
                bonus=(), deduction=(), veto=(), tiers=None, boards=(),
            )
            scores = score_prepared(sub, self.prep, explain="compact", detail=False).core.scores
            S[:, changed] = scores
            self.engine_calls += 1
        self._scores[key] = S
        return S

    def variant(self, k: int, r: int) -> Scheme:
        """The scheme with method option ``k`` and missing option ``r`` applied."""
        max_n = int(np.diff(np.r_[self.prep.starts, self.prep.n]).max()) if self.prep.n else 1
        missing = None if r == 0 else self.missing_options[r]

        def leaf(lf: Leaf) -> Leaf:
            changes: dict[str, Any] = {}
            alts = self.per_leaf.get(lf.code)
            if k > 0 and alts:
                m = alts[(k - 1) % len(alts)]
                if m != lf.method:
                    changes["method"] = m
                    changes["params"] = _alt_params(lf, m, max_n)
            if missing is not None and missing != lf.missing:
                changes["missing"] = missing
            return dataclasses.replace(lf, **changes) if changes else lf

        def rebuild(n: Node | Leaf) -> Node | Leaf:
            if isinstance(n, Leaf):
                return leaf(n)
            return dataclasses.replace(n, children=tuple(rebuild(c) for c in n.children))

        root = rebuild(self.scheme.root)
        assert isinstance(root, Node)
        return dataclasses.replace(self.scheme, root=root)


def _alt_params(lf: Leaf, method: str, max_n: int) -> dict[str, Any]:
    if method == "efficacy":
        return {"base": float(lf.params.get("base", 0.6)) if lf.method == "efficacy" else 0.6}
    if method == "rank_points":
        if lf.method == "rank_points":
            return dict(lf.params)
        return {"step": lf.points / max(max_n - 1, 1), "min": 0.0}
    if method == "zscore":
        return {"sd": "population"}
    return {}


def make_plan(
    scheme: Scheme,
    prep: Prepared,
    *,
    weights: float = 0.0,
    alt_methods: Sequence[str] | Mapping[str, Sequence[str]] = (),
    missing_rules: Sequence[str] = (),
    per_leaf: bool = False,
) -> Plan:
    """Check the choices against the scheme and score the nominal case once.
    ``per_leaf``: each switchable leaf draws its method independently."""
    if not 0 <= weights < 1:
        raise DataError(f"--weights {weights}: must be at least 0 and below 1 (e.g. 0.2 for ±20%)")
    nominal = score_prepared(scheme, prep, explain="compact", detail=False).core
    if not nominal.assessed.all():
        out = [prep.units[u] for u in np.flatnonzero(~nominal.assessed).tolist()]
        raise DataError(f"robustness: {len(out)} unit(s) are not assessed (不参与排名), so their ranks cannot "
                        f"vary: {', '.join(out[:20])}; analyse the units that take part")
    leaves = nominal.leaves
    alts_of: dict[str, list[str]] = {}
    best_pos = (nominal.stats["best"] > 0).all(axis=0) if prep.n else np.ones(len(leaves), bool)
    if isinstance(alt_methods, Mapping):
        codes = {lf.code for lf in leaves}
        for code, ms in alt_methods.items():
            if code not in codes:
                raise DataError(f"robustness.methods.{code}: no leaf '{code}' in the scheme")
            _check_methods(ms, f"robustness.methods.{code}")
        wanted = {k: list(v) for k, v in alt_methods.items()}
    else:
        _check_methods(alt_methods, "--alt-methods")
        wanted = {lf.code: list(alt_methods) for lf in leaves if lf.method in alt_methods}
    for j, lf in enumerate(leaves):
        ms = [m for m in wanted.get(lf.code, []) if m != "rank_ratio" or best_pos[j]]
        if ms:
            alts_of[lf.code] = ms
    n_opts = max((len(v) for v in alts_of.values()), default=0)
    if isinstance(alt_methods, Mapping):
        method_options = [NOMINAL] + [f"option {i + 1}" for i in range(n_opts)]
    else:
        method_options = [NOMINAL] + (list(alt_methods) if alts_of else [])
    for rule in missing_rules:
        if rule not in MISSING_RULES:
            raise DataError(f"--missing-rules: unknown rule '{rule}' (use {', '.join(MISSING_RULES)})")
    elements = [n for n in scheme.root.iter_nodes() if n is not scheme.root]
    return Plan(scheme=scheme, prep=prep, nominal=nominal, elements=elements,
                method_options=method_options, per_leaf=alts_of,
                missing_options=[NOMINAL, *missing_rules], weights=float(weights),
                per_leaf_draw=bool(per_leaf))


def _check_methods(ms: Sequence[str], where: str) -> None:
    for m in ms:
        if m not in ALT_METHODS:
            raise DataError(f"{where}: '{m}' cannot be an alternative method (it needs parameters of "
                            f"its own); use {', '.join(ALT_METHODS)}")


# ----------------------------------------------------------------------------- replications


def aggregate_reps(plan: Plan, S: np.ndarray, F: np.ndarray, *, fast: bool = True) -> np.ndarray:
    """Root score (units × R) from leaf scores ``S`` (units × leaves) and weight factors
    ``F`` (R × elements); the engine's ``aggregate`` with factors (see the module doc)."""
    col = {id(e): i for i, e in enumerate(plan.elements)}
    leaf_col = {lf.code: j for j, lf in enumerate(plan.leaves)}
    U, R = S.shape[0], F.shape[0]
    unit_f = bool(np.all(F == 1.0))
    failed = plan.nominal.failed  # minimum-data rules: which units' nodes lack data (fixed by the data)
    if fast and plan.linear and not failed and not np.isnan(S).any():
        return S @ _coefficients(plan, F, unit_f).T

    def visit(node: Node) -> np.ndarray:
        out = _visit(node)
        if node.code in failed:
            gone = np.nan if node is plan.scheme.root or node.missing == "exclude" else 0.0
            out = np.where(failed[node.code][:, None], gone, out)
        return out

    def _visit(node: Node) -> np.ndarray:
        kids = node.children
        full = np.array([c.full_marks for c in kids], dtype=np.float64)
        w = np.array([c.weight for c in kids], dtype=np.float64)
        f = F[:, [col[id(c)] for c in kids]]  # (R, k)
        li = [i for i, c in enumerate(kids) if isinstance(c, Leaf)]
        ni = [i for i, c in enumerate(kids) if not isinstance(c, Leaf)]
        SL = S[:, [leaf_col[kids[i].code] for i in li]]  # (U, kl)
        PL = ~np.isnan(SL)
        child_nodes = {i: visit(kids[i]) for i in ni}  # type: ignore[arg-type]
        with np.errstate(invalid="ignore", divide="ignore"):
            if node.aggregate == "sum":
                if unit_f:
                    a = np.ones_like(f)
                else:
                    a = f * (node.full_marks / (f @ full))[:, None]  # keeps the node's full marks
                plain = np.where(PL, SL, 0.0) @ a[:, li].T  # (U, R)
                fp = PL.astype(np.float64) @ (a[:, li] * full[li]).T
                allp = np.broadcast_to(PL.all(axis=1)[:, None], (U, R)).copy()
                for i, x in child_nodes.items():
                    p = ~np.isnan(x)
                    plain = plain + np.where(p, x, 0.0) * a[:, i]
                    fp = fp + p * (a[:, i] * full[i])
                    allp &= p
                return np.where(allp, plain, np.where(fp > 0, plain * node.full_marks / fp, np.nan))
            wf = w[None, :] * f  # (R, k)
            RL = np.where(PL, SL / full[li], 0.0)
            sw = PL.astype(np.float64) @ wf[:, li].T
            if node.aggregate == "mean":
                num = RL @ wf[:, li].T
                for i, x in child_nodes.items():
                    p = ~np.isnan(x)
                    num = num + np.where(p, x / full[i], 0.0) * wf[:, i]
                    sw = sw + p * wf[:, i]
                m = num / sw
            else:
                logs = np.where(PL & (RL > 0), np.log(np.where(RL > 0, RL, 1.0)), 0.0)
                num = logs @ wf[:, li].T
                zero = (PL & (RL <= 0)).astype(np.float64) @ (wf[:, li] > 0).T > 0
                for i, x in child_nodes.items():
                    p = ~np.isnan(x)
                    rx = np.where(p, x / full[i], 0.0)
                    num = num + np.where(p & (rx > 0), np.log(np.where(rx > 0, rx, 1.0)), 0.0) * wf[:, i]
                    zero |= p & (rx <= 0) & (wf[:, i] > 0)
                    sw = sw + p * wf[:, i]
                m = np.where(zero, 0.0, np.exp(num / sw))
            return np.where(sw > 0, (node.points or 0.0) * m, np.nan)

    return visit(plan.scheme.root)


def _coefficients(plan: Plan, F: np.ndarray, unit_f: bool) -> np.ndarray:
    """Without geometric nodes and excluded scores the root is linear in the leaf
    scores: root = S @ C.T with C (R × leaves) the product of the coefficients along
    each leaf's path (sum: the rescaled factor; mean: points·w·f/(full·Σ w·f))."""
    col = {id(e): i for i, e in enumerate(plan.elements)}
    leaf_col = {lf.code: j for j, lf in enumerate(plan.leaves)}
    R = F.shape[0]
    C = np.zeros((R, len(plan.leaves)))

    def visit(node: Node, scale: np.ndarray) -> None:
        kids = node.children
        full = np.array([c.full_marks for c in kids], dtype=np.float64)
        f = F[:, [col[id(c)] for c in kids]]
        if node.aggregate == "sum":
            a = np.ones_like(f) if unit_f else f * (node.full_marks / (f @ full))[:, None]
        else:
            wf = np.array([c.weight for c in kids], dtype=np.float64)[None, :] * f
            a = (node.points or 0.0) * wf / full[None, :] / wf.sum(axis=1)[:, None]
        for i, c in enumerate(kids):
            if isinstance(c, Leaf):
                C[:, leaf_col[c.code]] += scale * a[:, i]
            else:
                visit(c, scale * a[:, i])

    visit(plan.scheme.root, np.ones(R))
    return C


def evaluate(plan: Plan, F: np.ndarray, k: np.ndarray, r: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Totals (rounded), ranks and tier indices (units × R) of R replications given
    weight factors ``F`` (R × elements), method options ``k`` — (R,) one option for
    all switchable leaves, or (R × leaves) one per leaf — and missing options ``r`` (R,).

    Column j of ``plan.leaf_scores(k, r)`` is leaf j's score under option k, so a
    replication's score matrix takes each column from its own option's matrix. On a
    linear tree that is Σ_k S_k @ (C ⊙ [K = k])ᵀ — one product per option for a whole
    batch; otherwise replications sharing a row of options are aggregated together."""
    c = plan.nominal
    U, R = plan.prep.n, F.shape[0]
    K = plan.option_matrix(k)
    base = np.empty((U, R))
    for rr in sorted({int(x) for x in r}):
        reps = np.flatnonzero(r == rr)
        Kr = K[reps]
        Ss = {int(kk): plan.leaf_scores(int(kk), rr) for kk in np.unique(Kr)}
        linear = plan.linear and not plan.nominal.failed
        if linear and not any(np.isnan(S).any() for S in Ss.values()) and not plan.per_leaf_draw:
            # one option for every switchable leaf: a replication's matrix is S_k itself
            kvec = Kr.max(axis=1)
            for kk in np.unique(kvec):
                sel = reps[kvec == kk]
                for s in range(0, len(sel), BATCH):
                    part = sel[s : s + BATCH]
                    Fp = F[part]
                    base[:, part] = Ss[int(kk)] @ _coefficients(plan, Fp, bool(np.all(Fp == 1.0))).T
            continue
        if linear and not any(np.isnan(S).any() for S in Ss.values()):
            for s in range(0, len(reps), BATCH):
                part = reps[s : s + BATCH]
                Fp = F[part]
                C = _coefficients(plan, Fp, bool(np.all(Fp == 1.0)))
                Kp = Kr[s : s + BATCH]
                acc = np.zeros((U, len(part)))
                for kk, S in Ss.items():
                    use = (Kp == kk).any(axis=1)
                    if use.any():
                        acc[:, use] += S @ np.where(Kp[use] == kk, C[use], 0.0).T
                base[:, part] = acc
            continue
        rows, inv = np.unique(Kr, axis=0, return_inverse=True)
        for gi, row in enumerate(rows):
            sel = reps[np.asarray(inv).ravel() == gi]
            S = np.empty((U, len(row)))
            for kk in np.unique(row):
                cols = row == kk
                S[:, cols] = Ss[int(kk)][:, cols]
            for s in range(0, len(sel), BATCH):
                part = sel[s : s + BATCH]
                base[:, part] = aggregate_reps(plan, S, F[part])
    base = np.nan_to_num(base, nan=0.0)
    total = np.maximum(base + c.bonus[:, None] - c.deduction[:, None], 0.0)
    total = np.where((c.veto == 3)[:, None], 0.0, total)
    total = round_half_up(total, plan.scheme.precision)
    ranks, orders = competition_ranks(total, plan.prep.starts)
    if plan.scheme.tiers is None:
        tiers = np.full((U, R), -1, dtype=np.int16)
    else:
        tveto = np.where(c.veto == 1, BAR_TOP, np.where(c.veto == 2, LAST, 0))
        tiers = tiers_of(plan.scheme.tiers, total, ranks, orders, plan.prep.starts, tveto)
    return total, ranks, tiers


def evaluate_ranks(plan: Plan, F: np.ndarray, k: np.ndarray, r: np.ndarray, chunk: int = 1024
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Ranks (int32) and tiers (int16), units × R, evaluated ``chunk`` replications at
    a time so that the float temporaries stay at units × chunk."""
    U, R = plan.prep.n, F.shape[0]
    ranks = np.empty((U, R), dtype=np.int32)
    tiers = np.empty((U, R), dtype=np.int16)
    for s in range(0, R, chunk):
        e = min(s + chunk, R)
        _, ranks[:, s:e], tiers[:, s:e] = evaluate(plan, F[s:e], k[s:e], r[s:e])
    return ranks, tiers


def nominal_check(plan: Plan) -> bool:
    """Replication 0 (no perturbation, the scheme's own choices) by the matrix path
    equals the engine's nominal totals, ranks and tiers exactly."""
    c = plan.nominal
    total, ranks, tiers = evaluate(plan, np.ones((1, len(plan.elements))), np.zeros(1, int),
                                   np.zeros(1, int))
    return (np.array_equal(total[:, 0], c.total) and np.array_equal(ranks[:, 0], c.rank_total)
            and np.array_equal(tiers[:, 0].astype(np.int64), c.tier))


@dataclass
class RobustnessResult:
    ranks: pl.DataFrame  # unit, group, nominal_rank, median_rank, p05, p95, prob_<tier>..., ...
    sobol: pl.DataFrame | None
    check: bool
    info: dict[str, Any]

    def write(self, out: str | Path) -> list[Path]:
        d = Path(out)
        d.mkdir(parents=True, exist_ok=True)
        paths = [d / "ranks.csv"]
        self.ranks.write_csv(paths[0])
        if self.sobol is not None:
            paths.append(d / "sobol.csv")
            self.sobol.write_csv(paths[-1])
        paths.append(d / "summary.json")
        paths[-1].write_text(json.dumps(self.info, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                             encoding="utf-8")
        return paths


def draw(plan: Plan, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weight factors (n × elements) and option indices of n replications."""
    E = len(plan.elements)
    x = plan.weights
    F = rng.uniform(1 - x, 1 + x, (n, E)) if x > 0 else np.ones((n, E))
    if plan.per_leaf_draw:
        # each leaf uniformly among its own options (the scheme's method and its list)
        k = np.floor(rng.random((n, len(plan.leaves))) * plan.switchable[None, :]).astype(np.int64)
    else:
        k = rng.integers(0, len(plan.method_options), n)
    r = rng.integers(0, len(plan.missing_options), n)
    return F, k, r


def run(plan: Plan, n: int = 1000, seed: int = 1, sobol: bool = False) -> RobustnessResult:
    """N replications; per unit the rank summary and tier probabilities."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    ok = nominal_check(plan)
    F, k, r = draw(plan, n, rng)
    ranks, tiers = evaluate_ranks(plan, F, k, r)
    table = summarise(plan, ranks, tiers)
    sob = sobol_analysis(plan, n, rng, seed) if sobol else None
    info = {
        "replications": n, "seed": seed, "weights": plan.weights,
        "method_options": plan.method_options, "missing_options": plan.missing_options,
        "switchable_leaves": sorted(plan.per_leaf), "per_leaf_draw": plan.per_leaf_draw,
        "units": plan.prep.n,
        "leaves": len(plan.leaves), "engine_calls": plan.engine_calls, "nominal_check": ok,
        "seconds": round(time.perf_counter() - t0, 3),
    }
    return RobustnessResult(ranks=table, sobol=sob, check=ok, info=info)


def summarise(plan: Plan, ranks: np.ndarray, tiers: np.ndarray) -> pl.DataFrame:
    prep, c = plan.prep, plan.nominal
    q = np.quantile(ranks, [0.05, 0.5, 0.95], axis=1, method="inverted_cdf").astype(np.int64)
    cols: dict[str, Any] = {
        "unit": prep.units,
        "group": [prep.groups[i] for i in prep.g.tolist()],
        "nominal_rank": c.rank_total.astype(np.int64),
        "median_rank": q[1],
        "p05": q[0],
        "p95": q[2],
    }
    names = [lv.name for lv in plan.scheme.tiers.levels] if plan.scheme.tiers else []
    for i, name in enumerate(names):
        cols[f"prob_{name}"] = (tiers == i).mean(axis=1)
    if names and (tiers < 0).any():
        cols["prob_none"] = (tiers < 0).mean(axis=1)
    cols["mean_rank"] = ranks.mean(axis=1)
    cols["nominal_total"] = c.total
    cols["nominal_tier"] = [names[t] if t >= 0 else None for t in c.tier.tolist()] if names else [None] * prep.n
    return pl.DataFrame(cols, schema_overrides={"nominal_tier": pl.String}).sort(
        ["group", "nominal_rank", "unit"])


# ----------------------------------------------------------------------------- Sobol'


def factors(plan: Plan) -> list[str]:
    out = []
    if plan.weights > 0:
        out.append("weights")
    if len(plan.method_options) > 1:
        out.append("method")
    if len(plan.missing_options) > 1:
        out.append("missing")
    return out


def sobol_indices(fA: np.ndarray, fB: np.ndarray, fAB: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First-order and total indices per output row. fA, fB: (m, N); fAB: (D, m, N).
    Returns (S1 (D, m), ST (D, m), V (m,))."""
    V = np.var(np.concatenate([fA, fB], axis=1), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s1 = np.mean(fB[None] * (fAB - fA[None]), axis=2) / V
        st = 0.5 * np.mean((fA[None] - fAB) ** 2, axis=2) / V
    return s1, st, V


def sobol_analysis(plan: Plan, n: int, rng: np.random.Generator, seed: int) -> pl.DataFrame:
    from scipy.stats import qmc

    names = factors(plan)
    D = len(names)
    if D == 0:
        raise DataError("--sobol: nothing varies (give --weights, --alt-methods or --missing-rules)")
    m = max(int(math.ceil(math.log2(max(n, 2)))), 1)
    base = qmc.Sobol(d=2 * D, scramble=True, seed=seed).random_base2(m)
    N = base.shape[0]
    A, B = base[:, :D], base[:, D:]
    E = len(plan.elements)
    x = plan.weights
    pool = rng.uniform(1 - x, 1 + x, (N, E)) if x > 0 else np.ones((N, E))

    L = len(plan.leaves)
    kpool = (np.floor(rng.random((N, L)) * plan.switchable[None, :]).astype(np.int64)
             if plan.per_leaf_draw else None)

    def choices(M: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        F = np.ones((M.shape[0], E))
        k = np.zeros((M.shape[0], L), int)
        r = np.zeros(M.shape[0], int)
        for i, name in enumerate(names):
            u = M[:, i]
            if name == "weights":
                F = pool[np.minimum((u * N).astype(int), N - 1)]
            elif name == "method" and kpool is not None:
                k = kpool[np.minimum((u * N).astype(int), N - 1)]
            elif name == "method":
                k = plan.option_matrix(
                    np.minimum((u * len(plan.method_options)).astype(int), len(plan.method_options) - 1))
            else:
                r = np.minimum((u * len(plan.missing_options)).astype(int), len(plan.missing_options) - 1)
        return F, k, r

    mats = [A, B] + [np.where(np.arange(D)[None, :] == i, B, A) for i in range(D)]
    F, k, r = (np.concatenate(z) for z in zip(*(choices(M) for M in mats), strict=True))
    ranks = evaluate_ranks(plan, F, k, r)[0].astype(np.float64)
    fA, fB = ranks[:, :N], ranks[:, N : 2 * N]
    fAB = np.stack([ranks[:, (2 + i) * N : (3 + i) * N] for i in range(D)])
    s1, st, V = sobol_indices(fA, fB, fAB)
    varies = V > 0
    return pl.DataFrame({
        "factor": names,
        "first_order": [float(np.mean(s1[i, varies])) if varies.any() else 0.0 for i in range(D)],
        "total": [float(np.mean(st[i, varies])) if varies.any() else 0.0 for i in range(D)],
        "units_varying": [int(varies.sum())] * D,
        "base_samples": [N] * D,
        "runs": [N * (D + 2)] * D,
    })


# ----------------------------------------------------------------------------- API, CLI


def robustness(
    scheme: Scheme | Mapping[str, Any] | str | Path,
    values: pl.DataFrame | Source | str | Path,
    units: pl.DataFrame | Source | str | Path | None = None,
    targets: pl.DataFrame | Source | str | Path | None = None,
    *,
    period: str | None = None,
    n: int = 1000,
    weights: float = 0.2,
    alt_methods: Sequence[str] | Mapping[str, Sequence[str]] = (),
    missing_rules: Sequence[str] = (),
    seed: int = 1,
    sobol: bool = False,
    replications: int | None = None,
    per_leaf: bool = False,
) -> RobustnessResult:
    """Monte Carlo rank robustness (see the module doc); ``replications`` is an alias of ``n``."""
    sch = load_scheme(scheme)
    prep = prepare(sch, values, units, targets, period)
    plan = make_plan(sch, prep, weights=weights, alt_methods=alt_methods, missing_rules=missing_rules,
                     per_leaf=per_leaf)
    return run(plan, n=replications if replications is not None else n, seed=seed, sobol=sobol)


def load_with_options(path: str) -> tuple[Scheme, dict[str, Any]]:
    """Load a scheme file; a top-level ``robustness:`` mapping (n, weights, methods,
    missing) is taken out as default options before validation."""
    p = Path(path)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8-sig")) if p.exists() else None
    except (yaml.YAMLError, UnicodeDecodeError):
        raw = None  # load_scheme reports it with its place
    if isinstance(raw, dict) and "robustness" in raw:
        opts = raw.pop("robustness") or {}
        if not isinstance(opts, dict):
            raise SchemeError("robustness: must be a mapping (n, weights, methods, missing)")
        return load_scheme(raw), opts
    return load_scheme(path), {}


def _list(items: Sequence[str] | None) -> list[str]:
    out: list[str] = []
    for it in items or []:
        out += [s for s in it.replace("，", ",").split(",") if s.strip()]
    return [s.strip() for s in out]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``kaohe robustness SCHEME VALUES [--units] [--targets] --n 1000 --weights 0.2
    --alt-methods ... --missing-rules ... --seed 1 [--sobol] --out DIR``."""
    parser.add_argument("scheme", help="scheme file (.yaml or .json); may hold a robustness: block")
    parser.add_argument("values", help="values: unit,indicator,value[,period]")
    parser.add_argument("--units", help="units: unit,name,group")
    parser.add_argument("--targets", help="targets: unit,indicator,target")
    parser.add_argument("--period", help="the period to score (default: the latest)")
    parser.add_argument("--n", type=int, default=None, help="replications (default 1000)")
    parser.add_argument("--weights", type=float, default=None,
                        help="weight perturbation, fraction (0.2 = ±20%%; default 0.2)")
    parser.add_argument("--alt-methods", nargs="*", default=None,
                        help=f"alternative methods, interchangeable among themselves ({', '.join(ALT_METHODS)})")
    parser.add_argument("--missing-rules", nargs="*", default=None,
                        help="alternative missing-data rules (zero, mean, exclude)")
    parser.add_argument("--per-leaf", action="store_true",
                        help="each switchable leaf draws its method independently (default: all together)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sobol", action="store_true", help="also Sobol' first-order and total indices")
    parser.add_argument("--out", required=True, help="output directory (ranks.csv, sobol.csv, summary.json)")


def cli(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    try:
        scheme, opts = load_with_options(args.scheme)
        methods: Any = _list(args.alt_methods) if args.alt_methods is not None else opts.get("methods", [])
        if isinstance(methods, str):
            methods = _list([methods])
        missing = (_list(args.missing_rules) if args.missing_rules is not None
                   else list(opts.get("missing", [])))
        result = robustness(
            scheme, read_table(args.values), read_table(args.units) if args.units else None,
            read_table(args.targets) if args.targets else None, period=args.period,
            n=int(args.n if args.n is not None else opts.get("n", 1000)),
            weights=float(args.weights if args.weights is not None else opts.get("weights", 0.2)),
            alt_methods=methods, missing_rules=missing, seed=args.seed, sobol=args.sobol,
            per_leaf=bool(args.per_leaf or opts.get("per_leaf", False)),
        )
    except (SchemeError, DataError) as exc:
        for e in exc.errors:
            print(f"error: {e}", file=sys.stderr)
        return 2
    try:
        result.write(args.out)
    except OSError as exc:
        print(f"error: cannot write to {args.out}: {exc}", file=sys.stderr)
        return 2
    t = result.ranks
    wide = t.filter((pl.col("p95") - pl.col("p05")) > 0).height
    print(f"{result.info['replications']} replications on {t.height} units × {result.info['leaves']} "
          f"indicators in {time.perf_counter() - t0:.1f} s; {wide} units' 5–95% rank interval is wider "
          f"than one place; nominal check {'passed' if result.check else 'FAILED'}; wrote {args.out}")
    if result.sobol is not None:
        for row in result.sobol.iter_rows(named=True):
            print(f"  Sobol' {row['factor']}: first-order {row['first_order']:.3f}, total {row['total']:.3f}")
    return 0 if result.check else 1
