"""Rank robustness: the matrix path reproduces the engine, replications are seeded,
summaries and Sobol' indices have known answers."""

from __future__ import annotations

import argparse

import numpy as np
import polars as pl
import pytest

from kaohe.engine import load_scheme, prepare, score_prepared
from kaohe.engine import robustness as rb
from kaohe.engine._analysis_rank import competition_ranks, tiers_of
from kaohe.engine.tiers import assign

from .test_gap import SCHEME, UNITS


def gap_inputs():
    from .test_gap import DATA

    rows = [(u, ind, float(vals[i])) for ind, vals in DATA.items() for i, u in enumerate(UNITS)]
    values = pl.DataFrame(rows, schema=["unit", "indicator", "value"], orient="row")
    targets = pl.DataFrame({"unit": UNITS, "indicator": ["inv"] * 5, "target": [100.0] * 5})
    return values, targets


def rich_case(tiers: dict, seed: int = 3):
    """40 units in 3 groups, sum/mean/geometric nodes, excluded missing values,
    bonus, deduction and two kinds of veto."""
    rng = np.random.default_rng(seed)
    leaves = [f"i{j}" for j in range(8)]
    scheme = {
        "name": "rich", "precision": 1,
        "root": {"code": "root", "name": "总分", "children": [
            {"code": "a", "name": "A", "children": [
                {"code": "i0", "name": "i0", "points": 20, "method": "efficacy"},
                {"code": "i1", "name": "i1", "points": 10, "method": "minmax", "missing": "exclude"},
                {"code": "i2", "name": "i2", "points": 10, "method": "rank_points",
                 "params": {"step": 1.5}, "direction": "lower"},
            ]},
            {"code": "b", "name": "B", "aggregate": "mean", "points": 30, "children": [
                {"code": "i3", "name": "i3", "points": 10, "method": "zscore", "weight": 2},
                {"code": "i4", "name": "i4", "points": 10, "method": "efficacy", "missing": "mean"},
            ]},
            {"code": "c", "name": "C", "aggregate": "geometric", "points": 30, "children": [
                {"code": "i5", "name": "i5", "points": 10, "method": "minmax"},
                {"code": "i6", "name": "i6", "points": 10, "method": "rank_ratio"},
                {"code": "i7", "name": "i7", "points": 10, "method": "efficacy", "missing": "exclude"},
            ]},
        ]},
        "bonus": [{"indicator": "award", "per": 1, "cap": 3}],
        "deduction": [{"indicator": "accident", "per": 2}],
        "veto": [{"indicators": ["fraud"], "effect": "bar_top_tier"},
                 {"indicators": ["disaster"], "effect": "last_tier"}],
        "tiers": tiers,
    }
    units = [f"U{i:02d}" for i in range(40)]
    rows = []
    for u in units:
        for ind in leaves:
            if rng.random() < 0.06 and ind in ("i1", "i4", "i7"):
                continue
            rows.append((u, ind, float(np.round(rng.uniform(1, 100), 1))))
        rows.append((u, "award", float(rng.integers(0, 3))))
        rows.append((u, "accident", float(rng.integers(0, 2))))
        rows.append((u, "fraud", float(rng.random() < 0.1)))
        rows.append((u, "disaster", float(rng.random() < 0.05)))
    values = pl.DataFrame(rows, schema=["unit", "indicator", "value"], orient="row")
    ugroups = pl.DataFrame({"unit": units, "group": [f"G{i % 3}" for i in range(40)]})
    return load_scheme(scheme), values, ugroups


QUOTA = {"by": "quota", "levels": [{"name": "一", "share": 0.3}, {"name": "二", "count": 10},
                                   {"name": "三"}]}
BANDS = {"by": "bands", "levels": [{"name": "优", "min": 70}, {"name": "良", "min": 55},
                                   {"name": "中", "min": 40}, {"name": "差"}]}


@pytest.mark.parametrize("tiers", [QUOTA, BANDS], ids=["quota", "bands"])
def test_replication_zero_equals_the_engine_exactly(tiers):
    scheme, values, units = rich_case(tiers)
    plan = rb.make_plan(scheme, prepare(scheme, values, units))
    assert plan.nominal.veto.any() and np.isnan(plan.nominal.scores).any()  # the case bites
    assert rb.nominal_check(plan)


def test_an_alternative_method_replication_equals_the_engine_on_that_variant():
    scheme, values, units = rich_case(QUOTA)
    prep = prepare(scheme, values, units)
    plan = rb.make_plan(scheme, prep, alt_methods=["efficacy", "minmax", "zscore"],
                        missing_rules=["zero", "mean"])
    for k in range(1, len(plan.method_options)):
        for r in range(len(plan.missing_options)):
            total, ranks, tiers = rb.evaluate(plan, np.ones((1, len(plan.elements))),
                                              np.array([k]), np.array([r]))
            ref = score_prepared(plan.variant(k, r), prep, detail=False).core
            assert np.array_equal(total[:, 0], ref.total)
            assert np.array_equal(ranks[:, 0], ref.rank_total)
            assert np.array_equal(tiers[:, 0].astype(np.int64), ref.tier)


def test_perturbed_weights_under_a_sum_node_equal_rescaled_points():
    # efficacy scores are proportional to points, so factor f on a leaf of a sum node is
    # the engine with points × f·full/Σ f·full
    values, targets = gap_inputs()
    scheme = load_scheme(dict(SCHEME, root={"code": "root", "name": "r", "children": [
        {"code": c, "name": c, "points": p, "method": "efficacy"}
        for c, p in (("gdp", 10), ("rev", 20), ("emp", 30))]}))
    prep = prepare(scheme, values, None, targets)
    plan = rb.make_plan(scheme, prep, weights=0.3)
    f = np.array([[1.2, 0.8, 1.1]])
    total, ranks, _ = rb.evaluate(plan, f, np.zeros(1, int), np.zeros(1, int))
    a = f[0] * 60 / (f[0] @ np.array([10, 20, 30]))
    leaves = scheme.leaves()
    variant = scheme
    for lf, s in zip(leaves, a, strict=True):
        variant = variant.with_leaf(lf.code, points=lf.points * s)
    ref = score_prepared(variant, prep, detail=False).core
    assert np.array_equal(total[:, 0], ref.total)
    assert np.array_equal(ranks[:, 0], ref.rank_total)


def test_competition_ranks_share_the_best_place_within_each_group():
    t = np.array([[5.0], [7.0], [7.0], [3.0], [1.0], [2.0]])
    ranks, _ = competition_ranks(t, np.array([0, 4]))
    assert ranks[:, 0].tolist() == [3, 1, 1, 4, 2, 1]


def test_quota_tiers_match_the_engine_with_ties_and_vetoes():
    rng = np.random.default_rng(5)
    tiers = load_scheme({"name": "t", "root": {"code": "r", "name": "r", "children": [
        {"code": "x", "name": "x", "points": 1, "method": "minmax"}]}, "tiers": QUOTA}).tiers
    n, R = 23, 40
    starts = np.array([0, 9])
    g = np.r_[np.zeros(9, int), np.ones(14, int)]
    total = rng.integers(0, 6, (n, R)).astype(float)  # many ties
    veto = rng.choice([0, 0, 0, 1, 2], n)
    ranks, orders = competition_ranks(total, starts)
    got = tiers_of(tiers, total, ranks, orders, starts, veto)
    for r in range(R):
        want = assign(tiers, total[:, r], ranks[:, r].astype(float), g, starts, veto)
        assert got[:, r].tolist() == want.tolist()


def test_nothing_varied_means_every_replication_is_the_nominal_one():
    scheme, values, units = rich_case(QUOTA)
    res = rb.robustness(scheme, values, units, n=50, weights=0.0)
    t = res.ranks
    assert res.check
    assert (t["median_rank"] == t["nominal_rank"]).all()
    assert (t["p05"] == t["p95"]).all()
    probs = t.select(pl.col("^prob_.*$")).to_numpy()
    assert set(np.unique(probs)) <= {0.0, 1.0}


def test_the_same_seed_gives_the_same_result_and_the_interval_holds_the_median():
    scheme, values, units = rich_case(QUOTA)
    kw = dict(n=200, weights=0.25, alt_methods=["efficacy", "minmax", "rank_points"], seed=7)
    a = rb.robustness(scheme, values, units, **kw)
    b = rb.robustness(scheme, values, units, **kw)
    assert a.ranks.equals(b.ranks)
    t = a.ranks
    assert ((t["p05"] <= t["median_rank"]) & (t["median_rank"] <= t["p95"])).all()
    assert (t["p95"] > t["p05"]).any()
    tier_sum = t.select(pl.sum_horizontal(pl.col("^prob_.*$"))).to_series()
    assert np.allclose(tier_sum.to_numpy(), 1.0)


def test_sobol_estimators_recover_an_additive_function():
    from scipy.stats import qmc

    base = qmc.Sobol(d=4, scramble=True, seed=1).random_base2(12)
    A, B = base[:, :2], base[:, 2:]

    def f(M):
        return (M[:, 0] + 2 * M[:, 1])[None, :]

    fAB = np.stack([f(np.where(np.arange(2)[None, :] == i, B, A)) for i in range(2)])
    s1, st, _ = rb.sobol_indices(f(A), f(B), fAB)
    # Var(x1) : Var(2·x2) = 1 : 4
    assert s1[:, 0] == pytest.approx([0.2, 0.8], abs=0.02)
    assert st[:, 0] == pytest.approx([0.2, 0.8], abs=0.02)


def test_the_command_writes_ranks_and_sobol_and_reads_options_from_the_scheme(tmp_path, capsys):
    import yaml

    values, targets = gap_inputs()
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(
        dict(SCHEME, robustness={"n": 64, "weights": 0.3, "methods": ["efficacy", "minmax", "rank_points"]}),
        allow_unicode=True))
    values.write_csv(tmp_path / "v.csv")
    targets.write_csv(tmp_path / "t.csv")
    parser = argparse.ArgumentParser()
    rb.add_arguments(parser)
    out = tmp_path / "out"
    args = [str(tmp_path / "s.yaml"), str(tmp_path / "v.csv"), "--targets", str(tmp_path / "t.csv"),
            "--sobol", "--out", str(out)]
    assert rb.cli(parser.parse_args(args)) == 0
    ranks = pl.read_csv(out / "ranks.csv")
    assert ranks.columns[:6] == ["unit", "group", "nominal_rank", "median_rank", "p05", "p95"]
    assert {"prob_好", "prob_较好", "prob_一般"} <= set(ranks.columns)
    assert pl.read_csv(out / "sobol.csv")["factor"].to_list() == ["weights", "method"]
    assert "nominal check passed" in capsys.readouterr().out
    bad = parser.parse_args([*args[:4], "--alt-methods", "threshold", "--out", str(out)])
    assert rb.cli(bad) == 2
    assert "threshold" in capsys.readouterr().err


def test_the_linear_shortcut_equals_the_node_by_node_aggregation():
    # sum and mean nodes, no excluded scores: root = scores @ path coefficients
    scheme, values, units = rich_case(QUOTA)
    d = scheme.to_dict()
    d["root"]["children"] = d["root"]["children"][:2]  # drop the geometric category
    for leaf in d["root"]["children"][0]["children"] + d["root"]["children"][1]["children"]:
        leaf["missing"] = "zero"
    linear = load_scheme(d)
    plan = rb.make_plan(linear, prepare(linear, values, units), weights=0.3)
    assert plan.linear and not np.isnan(plan.nominal.scores).any()
    F, _, _ = rb.draw(plan, 20, np.random.default_rng(4))
    fast = rb.aggregate_reps(plan, plan.nominal.scores, F)
    slow = rb.aggregate_reps(plan, plan.nominal.scores, F, fast=False)
    assert np.allclose(fast, slow, rtol=0, atol=1e-9)
    assert rb.nominal_check(plan)


def test_only_the_leaves_an_option_changes_are_rescored_and_match_the_full_variant():
    values, targets = gap_inputs()
    scheme = load_scheme(SCHEME)
    prep = prepare(scheme, values, None, targets)
    plan = rb.make_plan(scheme, prep, alt_methods=["efficacy", "minmax", "rank_points"])
    assert sorted(plan.per_leaf) == ["gdp", "rev"]
    for k in range(1, len(plan.method_options)):
        ref = score_prepared(plan.variant(k, 0), prep, detail=False).core
        assert np.array_equal(plan.leaf_scores(k, 0), ref.scores, equal_nan=True)
        total, ranks, _ = rb.evaluate(plan, np.ones((1, len(plan.elements))), np.array([k]),
                                      np.array([0]))
        assert np.array_equal(total[:, 0], ref.total)
        assert np.array_equal(ranks[:, 0], ref.rank_total)


def test_per_leaf_alternatives_from_the_scheme_cycle_through_each_leafs_list():
    values, targets = gap_inputs()
    scheme = load_scheme(SCHEME)
    prep = prepare(scheme, values, None, targets)
    plan = rb.make_plan(scheme, prep, alt_methods={"gdp": ["efficacy", "minmax"], "rev": ["zscore"]})
    assert plan.method_options == ["(scheme)", "option 1", "option 2"]
    methods = [{lf.code: lf.method for lf in plan.variant(k, 0).leaves()} for k in (1, 2)]
    assert (methods[0]["gdp"], methods[0]["rev"]) == ("efficacy", "zscore")
    assert (methods[1]["gdp"], methods[1]["rev"]) == ("minmax", "zscore")
    with pytest.raises(rb.DataError, match="no leaf 'nope'"):
        rb.make_plan(scheme, prep, alt_methods={"nope": ["minmax"]})


def test_replications_is_an_alias_of_n():
    values, targets = gap_inputs()
    res = rb.robustness(SCHEME, values, None, targets, replications=30, weights=0.1)
    assert res.info["replications"] == 30


def test_sobol_estimators_agree_with_salib_on_the_ishigami_function():
    from SALib.analyze import sobol as sa
    from SALib.sample import sobol as ss
    from SALib.test_functions import Ishigami

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    X = ss.sample(problem, 1024, calc_second_order=False, seed=1)
    Y = Ishigami.evaluate(X)
    ref = sa.analyze(problem, Y, calc_second_order=False, print_to_console=False, seed=1)
    step = 3 + 2  # SALib's rows per base sample: A, AB_1, AB_2, AB_3, B
    fAB = np.stack([Y[1 + i :: step] for i in range(3)])[:, None, :]
    s1, st, _ = rb.sobol_indices(Y[0::step][None], Y[step - 1 :: step][None], fAB)
    assert s1[:, 0] == pytest.approx(ref["S1"], abs=1e-3)
    assert st[:, 0] == pytest.approx(ref["ST"], abs=1e-9)


def per_leaf_variant(plan, row, r=0):
    """The engine's scheme for one row of per-leaf options (and missing option r)."""
    import dataclasses

    max_n = int(np.diff(np.r_[plan.prep.starts, plan.prep.n]).max())
    variant = plan.variant(0, r)
    for j, lf in enumerate(variant.leaves()):
        if row[j] > 0:
            alts = plan.per_leaf[lf.code]
            m = alts[(row[j] - 1) % len(alts)]
            if m != lf.method:
                variant = variant.with_leaf(lf.code, method=m, params=rb._alt_params(lf, m, max_n))
    return dataclasses.replace(variant)


@pytest.mark.parametrize("case", ["linear", "rich"])
def test_per_leaf_method_draws_equal_the_engine_on_that_mix_of_methods(case):
    if case == "linear":
        values, targets = gap_inputs()
        scheme, units = load_scheme(SCHEME), None
        prep = prepare(scheme, values, None, targets)
    else:
        scheme, values, units = rich_case(QUOTA)
        prep = prepare(scheme, values, units)
    plan = rb.make_plan(scheme, prep, alt_methods=["efficacy", "minmax", "rank_points", "zscore"],
                        missing_rules=["zero", "mean"], per_leaf=True)
    F, K, r = rb.draw(plan, 6, np.random.default_rng(11))
    assert K.shape == (6, len(plan.leaves)) and (K < plan.switchable[None, :]).all()
    assert len({tuple(row) for row in K}) > 1
    total, ranks, tiers = rb.evaluate(plan, np.ones_like(F), K, r)
    for i in range(6):
        ref = score_prepared(per_leaf_variant(plan, K[i], int(r[i])), prep, detail=False).core
        assert np.array_equal(total[:, i], ref.total)
        assert np.array_equal(ranks[:, i], ref.rank_total)
        assert np.array_equal(tiers[:, i].astype(np.int64), ref.tier)


def test_per_leaf_draws_with_perturbed_weights_match_the_node_by_node_path():
    values, targets = gap_inputs()
    scheme = load_scheme(SCHEME)
    plan = rb.make_plan(scheme, prepare(scheme, values, None, targets), weights=0.3,
                        alt_methods=["efficacy", "minmax", "rank_points"], per_leaf=True)
    F, K, r = rb.draw(plan, 8, np.random.default_rng(3))
    total, _, _ = rb.evaluate(plan, F, K, r)
    for i in range(8):
        S = np.column_stack([plan.leaf_scores(int(K[i, j]), int(r[i]))[:, j]
                             for j in range(len(plan.leaves))])
        slow = rb.aggregate_reps(plan, S, F[i : i + 1], fast=False)[:, 0]
        ref = rb.round_half_up(np.maximum(slow + plan.nominal.bonus - plan.nominal.deduction, 0),
                               scheme.precision)
        assert np.array_equal(total[:, i], ref)


def test_methods_are_drawn_together_unless_per_leaf_is_asked_for():
    values, targets = gap_inputs()
    scheme = load_scheme(SCHEME)
    prep = prepare(scheme, values, None, targets)
    together = rb.make_plan(scheme, prep, alt_methods=["efficacy", "minmax"])
    assert not together.per_leaf_draw
    assert rb.draw(together, 5, np.random.default_rng(1))[1].shape == (5,)
    assert rb.make_plan(scheme, prep, alt_methods=["efficacy", "minmax"], per_leaf=True).per_leaf_draw
