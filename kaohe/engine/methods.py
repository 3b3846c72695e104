"""Scoring methods (计分方法), vectorised over a block of units × leaves.

Every function receives a :class:`Block`: the leaves sharing one method, with
``x`` (units × leaves, already transformed, NaN = missing), their targets, the
peer-group statistics of each unit's group gathered to the same shape, and the
per-leaf parameters as row vectors that broadcast over the units. No loop runs
over units; the scorer loops only over the handful of methods.

Notation as in issue 3 / docs/scheme.md: x the unit's value, "best"/"worst" by
direction within the peer group, ``points`` the leaf's full marks.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np


class Block:
    """The arrays a method reads. Every field may be given directly or as a zero-argument
    callable in ``lazy`` that builds it on first use (the scorer gathers the peer-group
    statistics to units × leaves only for the methods that read them)."""

    x: np.ndarray  # (U, k) transformed values
    t: np.ndarray  # (U, k) transformed targets (NaN = none)
    rank: np.ndarray  # (U, k) competition rank in group along the direction (NaN if missing)
    best: np.ndarray  # (U, k)
    worst: np.ndarray  # (U, k)
    mean: np.ndarray  # (U, k)
    sd: np.ndarray  # (U, k) population sd
    sd_sample: np.ndarray  # (U, k)
    points: np.ndarray  # (k,)
    sign: np.ndarray  # (k,) +1 higher is better, −1 lower is better
    params: dict[str, np.ndarray]  # name -> (k,)

    def __init__(self, *, lazy: dict[str, Callable[[], np.ndarray]] | None = None, **fields: object) -> None:
        self._lazy = dict(lazy or {})
        self.__dict__.update(fields)

    def __getattr__(self, name: str) -> np.ndarray:  # called only for fields not built yet
        lazy = self.__dict__.get("_lazy", {})
        if name not in lazy:
            raise AttributeError(name)
        value = lazy.pop(name)()
        setattr(self, name, value)
        return value


def rank_points(b: Block) -> np.ndarray:
    """排名赋分: max(points − (r − 1)·step, min)."""
    return np.maximum(b.points - (b.rank - 1) * b.params["step"], b.params["min"])


def rank_ratio(b: Block) -> np.ndarray:
    """按第1名的比例: points·x/best (lower is better: points·best/x)."""
    higher = b.sign > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(higher, b.x / b.best, b.best / b.x)
    ratio = np.where(np.isnan(ratio) & ~np.isnan(b.x), 1.0, ratio)  # x = best = 0 cannot happen (best > 0)
    return b.points * np.clip(ratio, 0.0, None)


def efficacy(b: Block, base: np.ndarray | None = None) -> np.ndarray:
    """功效系数法: points·(base + (1 − base)·(x − worst)/(best − worst)); all equal → full."""
    base = b.params["base"] if base is None else base
    span = b.best - b.worst
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(span != 0, (b.x - b.worst) / span, 1.0)
    return b.points * (base + (1 - base) * frac)


def minmax(b: Block) -> np.ndarray:
    """efficacy with base 0."""
    return efficacy(b, base=np.zeros_like(b.points))


def goalposts(b: Block) -> np.ndarray:
    """points·clamp((x − lower)/(upper − lower), 0, 1), reversed for lower-is-better."""
    lo, hi = b.params["lower"], b.params["upper"]
    frac = np.where(b.sign > 0, (b.x - lo) / (hi - lo), (hi - b.x) / (hi - lo))
    return b.points * np.clip(frac, 0.0, 1.0)


def target(b: Block) -> np.ndarray:
    """目标完成率. ratio: points·min(x/t, cap) (lower: t/x); steps: d = x − t along the
    direction; d ≥ 0 → points + min(d·above, above_max); d < 0 → max(points + d·below, 0).
    A target of zero (ratio mode) scores full marks when met, else 0 (warned by the scorer)."""
    p = b.params
    steps = p["mode"] == 1
    higher = b.sign > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(higher, b.x / b.t, b.t / b.x)
    met = np.where(higher, b.x >= b.t, b.x <= b.t)
    ratio = np.where(b.t == 0, np.where(met, 1.0, 0.0), ratio)
    ratio = np.where(np.isinf(ratio), p["cap"], ratio)
    by_ratio = b.points * np.clip(np.minimum(ratio, p["cap"]), 0.0, None)
    d = b.sign * (b.x - b.t)
    by_steps = np.where(d >= 0, b.points + np.minimum(d * p["above"], p["above_max"]),
                        np.maximum(b.points + d * p["below"], 0.0))
    return np.where(steps, by_steps, by_ratio)


def mean_relative(b: Block) -> np.ndarray:
    """与平均比: at or better than the group mean → full; else max(points − |x − mean|·below, 0)."""
    better = b.sign * (b.x - b.mean) >= 0
    return np.where(better, b.points, np.maximum(b.points - np.abs(b.x - b.mean) * b.params["below"], 0.0))


def threshold(b: Block) -> np.ndarray:
    """达标: meets value (≥, or ≤ for lower is better) → points, else partial."""
    meets = b.sign * (b.x - b.params["value"]) >= 0
    return np.where(meets, b.points, b.params["partial"])


def zscore(b: Block) -> np.ndarray:
    """points·Φ(z), z = (x − mean)/sd along the direction, sd of the peer group
    (population by default, ``sd: sample`` for n − 1); sd = 0 → z = 0 (half marks)."""
    sd = np.where(b.params["sd"] == 1, b.sd_sample, b.sd)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd > 0, b.sign * (b.x - b.mean) / sd, 0.0)
    return b.points * normal_cdf(z)


_ERFC = np.frompyfunc(math.erfc, 1, 1)


def normal_cdf(z: np.ndarray) -> np.ndarray:
    """Φ(z) = erfc(−z/√2)/2 with the C library's erfc (double precision; no SciPy import,
    which would cost more process start-up time than the whole computation)."""
    z = np.asarray(z, dtype=np.float64)
    out = np.full(z.shape, np.nan)
    ok = ~np.isnan(z)
    out[ok] = 0.5 * _ERFC(-z[ok] / math.sqrt(2.0)).astype(np.float64)
    return out


FUNCTIONS = {
    "rank_points": rank_points,
    "rank_ratio": rank_ratio,
    "efficacy": efficacy,
    "minmax": minmax,
    "goalposts": goalposts,
    "target": target,
    "mean_relative": mean_relative,
    "threshold": threshold,
    "zscore": zscore,
}

# Human-readable rules, shown in explanations and docs/scheme.md.
RULES = {
    "rank_points": "score = max(points − (rank − 1) × step, min)",
    "rank_ratio": "score = points × x / best (lower is better: points × best / x)",
    "efficacy": "score = points × (base + (1 − base) × (x − worst) / (best − worst)); all equal → full",
    "minmax": "score = points × (x − worst) / (best − worst); all equal → full",
    "goalposts": "score = points × clamp((x − lower) / (upper − lower), 0, 1) "
                 "(lower is better: (upper − x) / (upper − lower))",
    "target": "ratio: score = points × min(x / target, cap) (lower is better: target / x); "
              "steps: d = x − target along the direction; d ≥ 0 → points + min(d × above, above_max), "
              "d < 0 → max(points + d × below, 0)",
    "mean_relative": "x at or better than the group mean → points; else max(points − |x − mean| × below, 0)",
    "threshold": "x meets value (≥, or ≤ when lower is better) → points; else partial",
    "zscore": "score = points × Φ(z), z = (x − mean) / sd along the direction (sd = 0 → z = 0)",
}
