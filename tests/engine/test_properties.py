"""Property-based tests (hypothesis): bounds, monotonicity, row-order invariance, exact quotas."""

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.engine import score
from kaohe.engine.rank import round_half_up

from .factories import leaf, scheme

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BOUNDED = {
    "rank_points": {"step": 2.5, "min": 1},
    "rank_ratio": {},
    "efficacy": {"base": 0.6},
    "minmax": {},
    "goalposts": {"lower": 10, "upper": 90},
    "target": {"mode": "ratio"},
    "mean_relative": {"below": 0.3},
    "threshold": {"value": 50, "partial": 2},
    "zscore": {},
}

values_st = st.lists(st.floats(min_value=0.5, max_value=100, allow_nan=False).map(lambda v: round(v, 2)),
                     min_size=2, max_size=12)


def run(method: str, vals: list[float], direction: str = "higher", target: float = 40.0, extra=None):
    units = [f"U{i:02d}" for i in range(len(vals))]
    sch = scheme(leaf("x", method, 10, direction=direction, params=BOUNDED[method]), **(extra or {}))
    v = pl.DataFrame({"unit": units, "indicator": ["x"] * len(vals), "value": vals})
    t = pl.DataFrame({"unit": units, "indicator": ["x"] * len(vals), "target": [target] * len(vals)})
    return score(sch, v, targets=t if method == "target" else None), units


@SETTINGS
@given(method=st.sampled_from(sorted(BOUNDED)), vals=values_st, direction=st.sampled_from(["higher", "lower"]))
def test_scores_stay_within_zero_and_full_marks(method, vals, direction):
    r, _ = run(method, vals, direction)
    s = r.indicators["score"].to_numpy()
    assert np.all(s >= 0) and np.all(s <= 10 + 1e-9)


@SETTINGS
@given(method=st.sampled_from(sorted(BOUNDED)), vals=values_st, direction=st.sampled_from(["higher", "lower"]))
def test_scores_are_monotone_in_the_value_along_the_direction(method, vals, direction):
    r, units = run(method, vals, direction)
    raw = dict(zip(r.prepared.units, r.core.scores[:, 0], strict=True))
    sign = 1 if direction == "higher" else -1
    pairs = [(sign * x, raw[u]) for u, x in zip(units, vals, strict=True)]
    pairs.sort()
    scores = [p[1] for p in pairs]
    assert all(a <= b + 1e-9 for a, b in zip(scores, scores[1:], strict=False))


@SETTINGS
@given(vals=st.lists(st.tuples(st.floats(0.5, 100), st.floats(0.5, 100)).map(lambda t: (round(t[0], 1), round(t[1], 1))),
                     min_size=2, max_size=10),
       seed=st.integers(0, 10_000))
def test_results_do_not_depend_on_the_order_of_rows(vals, seed):
    units = [f"U{i:02d}" for i in range(len(vals))]
    sch = scheme(leaf("a", "zscore"), leaf("b", "rank_points", params={"step": 1}),
                 tiers={"by": "quota", "levels": [{"name": "一", "share": 0.3}, {"name": "二"}]})
    rows = [(u, "a", a) for u, (a, _) in zip(units, vals, strict=True)] + \
           [(u, "b", b) for u, (_, b) in zip(units, vals, strict=True)]
    v = pl.DataFrame(rows, schema=["unit", "indicator", "value"], orient="row")
    shuffled = v.sample(fraction=1.0, shuffle=True, seed=seed)
    a, b = score(sch, v), score(sch, shuffled)
    assert a.totals.equals(b.totals)
    assert a.indicators.equals(b.indicators)


@SETTINGS
@given(n=st.integers(1, 40), share=st.floats(0.0, 1.0).map(lambda s: round(s, 2)), data=st.data())
def test_quota_counts_are_exact_when_totals_are_distinct(n, share, data):
    vals = data.draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n, unique=True))
    units = [f"U{i:02d}" for i in range(n)]
    sch = scheme(leaf("x", "goalposts", 100, params={"lower": 0, "upper": 10_000}), precision=2,
                 tiers={"by": "quota", "levels": [{"name": "一", "share": share}, {"name": "二"}]})
    v = pl.DataFrame({"unit": units, "indicator": ["x"] * n, "value": [float(x) for x in vals]})
    t = score(sch, v).totals
    expected = int(round_half_up(share * n, 0))
    assert (t["tier"] == "一").sum() == expected
    assert (t["tier"] == "二").sum() == n - expected
