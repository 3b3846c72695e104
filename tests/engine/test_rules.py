"""Rules around the methods: missing values, aggregation, bonus/deduction, veto, rounding,
ranking, tiers, boards, statistics and computed indicators — on hand-worked numbers."""

import polars as pl
import pytest

from kaohe.engine import score
from kaohe.engine.rank import round_half_up

from .factories import column, leaf, leaf_scores, scheme, totals, units, values

approx = pytest.approx


def gp(code: str, points: float = 1, **kw):
    """A goalposts leaf on [0, 1]: its score is value × points, handy to control scores."""
    return leaf(code, "goalposts", points, params={"lower": 0, "upper": 1}, **kw)


# --- missing values -----------------------------------------------------------------------


def test_missing_zero_scores_zero_and_is_flagged():
    r = score(scheme(leaf("x", "efficacy")), column({"A": 50, "B": 70}), units({"A": "g", "B": "g", "C": "g"}))
    assert leaf_scores(r) == {"A": 6, "B": 10, "C": 0}
    w = [w for w in r.warnings if w.code == "missing_value"]
    assert [(x.unit, x.indicator) for x in w] == [("C", "x")]


def test_missing_mean_imputes_the_peer_group_mean():
    # values 4 and 8, C missing → 6; efficacy: 10 × (0.6 + 0.4 × (6 − 4)/(8 − 4)) = 8
    r = score(scheme(leaf("x", "efficacy", missing="mean")), column({"A": 4, "B": 8}),
              units({"A": "g", "B": "g", "C": "g"}))
    assert leaf_scores(r)["C"] == 8
    row = r.indicators.filter(pl.col("unit") == "C").row(0, named=True)
    assert row["value"] == 6
    assert "peer-group mean" in r.explain["units"]["C"]["indicators"]["x"]["arithmetic"]


def test_missing_exclude_rescales_the_parent_node():
    sch = scheme({"code": "N", "children": [gp("a", 10), gp("b", 10, missing="exclude")]})
    v = values([("A", "a", 0.8), ("A", "b", 0.5), ("B", "a", 0.8)])
    r = score(sch, v, units({"A": "g", "B": "g"}))
    t = totals(r)
    assert t["A"]["N"] == 13  # 8 + 5
    assert t["B"]["N"] == 16  # b excluded: 8 × 20 / 10
    assert leaf_scores(r, "b")["B"] is None
    assert r.explain["units"]["B"]["nodes"]["N"]["arithmetic"] == "(a 8 + b excluded) × 20 / 10 = 16"


# --- aggregation ----------------------------------------------------------------------------


def test_sum_nodes_add_children_and_their_full_marks():
    sch = scheme({"code": "N", "children": [gp("a", 10), gp("b", 30)]}, gp("c", 60))
    r = score(sch, values([("A", "a", 0.5), ("A", "b", 0.5), ("A", "c", 1.0)]))
    assert r.scheme.full_marks == 100
    t = totals(r)["A"]
    assert (t["N"], t["c"], t["total"]) == (20, 60, 80)


def test_mean_aggregate_is_the_weighted_mean_of_child_ratios_times_points():
    sch = scheme({"code": "N", "aggregate": "mean", "points": 10,
                  "children": [gp("a", 1, weight=3), gp("b", 1)]})
    r = score(sch, values([("A", "a", 0.64), ("A", "b", 0.24)]))
    # 10 × (3×0.64 + 1×0.24) / 4 = 5.4
    assert totals(r)["A"]["N"] == approx(5.4)


def test_geometric_aggregate_with_weights():
    sch = {"name": "g", "precision": 4, "root": {"aggregate": "geometric", "points": 1, "children": [
        gp("a", 1, weight=2), gp("b", 1)]}}
    r = score(sch, values([("A", "a", 0.64), ("A", "b", 0.25), ("B", "a", 0.5), ("B", "b", 0.0)]))
    # (0.64² × 0.25)^(1/3) = 0.1024^(1/3) = 0.4678; a zero child makes the mean 0
    assert totals(r)["A"]["total"] == approx(0.4678, abs=1e-4)
    assert totals(r)["B"]["total"] == 0


def test_unweighted_geometric_mean_of_two():
    sch = {"name": "g", "precision": 4, "root": {"aggregate": "geometric", "points": 1,
                                                  "children": [gp("a"), gp("b")]}}
    r = score(sch, values([("A", "a", 0.64), ("A", "b", 0.25)]))
    assert totals(r)["A"]["total"] == approx(0.4)


# --- bonus, deduction, veto ------------------------------------------------------------------


def test_bonus_and_deduction_items_are_capped_then_the_totals_capped():
    sch = scheme(gp("x", 10),
                 bonus=[{"indicator": "award", "per": 0.5, "cap": 2}, {"indicator": "honor", "per": 1}],
                 bonus_cap=3,
                 deduction=[{"indicator": "criticism", "per": 2, "cap": 5}], deduction_cap=4)
    v = values([("A", "x", 0.5), ("A", "award", 5), ("A", "honor", 2), ("A", "criticism", 3),
                ("B", "x", 0.5), ("B", "award", 1), ("C", "x", 0.05), ("C", "criticism", 1)])
    t = totals(score(sch, v))
    # A: award min(2.5, 2) = 2, honor 2 → 4 → cap 3; criticism min(6, 5) = 5 → cap 4; 5 + 3 − 4 = 4
    assert (t["A"]["bonus"], t["A"]["deduction"], t["A"]["total"]) == (3, 4, 4)
    assert (t["B"]["bonus"], t["B"]["total"]) == (0.5, 5.5)
    # C: 0.5 − 2 → total is never below 0
    assert t["C"]["total"] == 0


def veto_case(effect: str):
    sch = scheme(gp("x", 100), veto={"indicators": ["accident", "fraud"], "effect": effect},
                 tiers={"by": "bands", "levels": [{"name": "A", "min": 90}, {"name": "B", "min": 60},
                                                  {"name": "C"}]})
    v = values([("U1", "x", 0.95), ("U1", "accident", 1), ("U2", "x", 0.95), ("U2", "fraud", 0),
                ("U3", "x", 0.7)])
    return totals(score(sch, v))


def test_veto_bar_top_tier_moves_a_top_band_unit_to_the_second_level():
    t = veto_case("bar_top_tier")
    assert (t["U1"]["tier"], t["U1"]["vetoed"], t["U1"]["total"]) == ("B", True, 95)
    assert (t["U2"]["tier"], t["U2"]["vetoed"]) == ("A", False)  # fraud 0 is not > 0


def test_veto_last_tier_puts_the_unit_in_the_last_level():
    t = veto_case("last_tier")
    assert t["U1"]["tier"] == "C" and t["U1"]["rank"] == 1


def test_veto_zero_sets_the_total_to_zero():
    t = veto_case("zero")
    assert (t["U1"]["total"], t["U1"]["rank"], t["U1"]["tier"]) == (0, 3, "C")


# --- rounding and ranking --------------------------------------------------------------------


def test_round_half_up_is_decimal_safe():
    assert round_half_up(89.995, 2) == 90.0  # the float is 89.99499999999999…
    assert round_half_up(54.005, 2) == 54.01
    assert round_half_up(2.5, 0) == 3.0
    assert round_half_up(1.0049, 2) == 1.0


def test_totals_are_rounded_to_precision_before_ranking_and_tiering():
    sch = scheme(leaf("x", "threshold", 100, params={"value": 1, "partial": 89.995}),
                 {"code": "y", "children": [gp("y1", 0.01)]}, precision=2,
                 tiers={"by": "bands", "levels": [{"name": "优秀", "min": 90}, {"name": "良好"}]})
    v = values([("A", "x", 0), ("B", "x", 0), ("B", "y1", 0.4), ("C", "x", 0), ("C", "y1", 0.6)])
    t = totals(score(sch, v))
    # A 89.995 → 90.00 (tier 优秀); B 89.999 → 90.00 ties A; C 90.001 → 90.00 ties too
    assert {u: (t[u]["total"], t[u]["rank"], t[u]["tier"]) for u in t} == {
        "A": (90.0, 1, "优秀"), "B": (90.0, 1, "优秀"), "C": (90.0, 1, "优秀")}


def test_ranks_are_within_each_peer_group():
    r = score(scheme(gp("x", 10)), column({"A": 0.5, "B": 0.6, "C": 0.9, "D": 0.1}),
              units({"A": "区", "B": "区", "C": "园区", "D": "园区"}))
    t = totals(r)
    assert {u: (t[u]["group"], t[u]["rank"]) for u in t} == {
        "A": ("区", 2), "B": ("区", 1), "C": ("园区", 1), "D": ("园区", 2)}


def test_indicator_rank_follows_the_direction():
    r = score(scheme(leaf("x", "efficacy", direction="lower")), column({"A": 5, "B": 3, "C": 3}))
    ranks = dict(zip(r.indicators["unit"], r.indicators["rank"], strict=True))
    assert ranks == {"A": 3, "B": 1, "C": 1}


# --- tiers by quota --------------------------------------------------------------------------


def quota_case(veto_unit: str | None = None, levels=None):
    scores = {"U01": 1.0, "U02": 0.95, "U03": 0.90, "U04": 0.90, "U05": 0.85, "U06": 0.80, "U07": 0.75,
              "U08": 0.70, "U09": 0.65, "U10": 0.60}
    rows = [(u, "x", s) for u, s in scores.items()]
    if veto_unit:
        rows.append((veto_unit, "accident", 1))
    levels = levels or [{"name": "一", "share": 0.3}, {"name": "二", "share": 0.3}, {"name": "三"}]
    sch = scheme(gp("x", 100), tiers={"by": "quota", "levels": levels},
                 veto={"indicators": ["accident"], "effect": "bar_top_tier"})
    t = totals(score(sch, values(rows)))
    return {u: t[u]["tier"] for u in sorted(t)}


def test_quota_tiers_admit_units_tied_with_the_last_admitted():
    # share 0.3 × 10 = 3 places; places 3 and 4 tie at 90 → both admitted (4 in the first level)
    assert quota_case() == {"U01": "一", "U02": "一", "U03": "一", "U04": "一", "U05": "二", "U06": "二",
                            "U07": "二", "U08": "三", "U09": "三", "U10": "三"}


def test_a_vetoed_unit_in_a_quota_tier_goes_to_the_second_level_and_does_not_take_a_top_place():
    assert quota_case("U01") == {"U01": "二", "U02": "一", "U03": "一", "U04": "一", "U05": "二",
                                 "U06": "二", "U07": "三", "U08": "三", "U09": "三", "U10": "三"}


def test_quota_counts_round_half_up_and_fixed_counts_work():
    # share 0.25 × 10 = 2.5 → 3 places; count 2
    got = quota_case(levels=[{"name": "一", "share": 0.25}, {"name": "二", "count": 2}, {"name": "三"}])
    assert [got[u] for u in sorted(got)] == ["一", "一", "一", "一", "二", "二", "三", "三", "三", "三"]


def test_quota_is_filled_within_each_peer_group():
    v = column({"A": 0.9, "B": 0.8, "C": 0.7, "D": 0.6})
    sch = scheme(gp("x", 100), tiers={"by": "quota", "levels": [{"name": "一", "share": 0.5}, {"name": "二"}]})
    t = totals(score(sch, v, units({"A": "p", "B": "q", "C": "p", "D": "q"})))
    assert {u: t[u]["tier"] for u in t} == {"A": "一", "B": "一", "C": "二", "D": "二"}


# --- boards and stats ------------------------------------------------------------------------


def test_boards_sum_leaves_and_nodes_and_rank_within_groups():
    sch = scheme({"code": "N", "children": [gp("a", 10), gp("b", 10)]}, gp("c", 10),
                 boards=[{"code": "争先榜", "name": "争先榜", "indicators": ["N", "c"]},
                         {"code": "活力榜", "indicators": ["b"]}])
    v = values([("A", "a", 0.1), ("A", "b", 0.9), ("A", "c", 0.5), ("B", "a", 0.5), ("B", "b", 0.5),
                ("B", "c", 0.2)])
    b = score(sch, v).boards
    assert b.rows() == [("争先榜", "A", "all", 15.0, 1), ("争先榜", "B", "all", 12.0, 2),
                        ("活力榜", "A", "all", 9.0, 1), ("活力榜", "B", "all", 5.0, 2)]


def test_stats_count_indicators_first_places_top3_and_full_marks():
    sch = scheme(leaf("p", "efficacy"), leaf("q", "efficacy"), leaf("s", "efficacy"))
    rows = []
    for u, (p, q, s) in {"A": (9, 1, 5), "B": (8, 2, 5), "C": (7, 3, None), "D": (6, 4, 1)}.items():
        rows += [(u, "p", p), (u, "q", q)] + ([(u, "s", s)] if s is not None else [])
    st = {r["unit"]: r for r in score(sch, values(rows)).stats.iter_rows(named=True)}
    # A: p rank 1 (full), q rank 4, s rank 1 tied with B (full)
    assert st["A"] == {"unit": "A", "indicators": 3, "first_places": 2, "top3": 2, "full_marks": 2}
    assert st["C"] == {"unit": "C", "indicators": 2, "first_places": 0, "top3": 2, "full_marks": 0}
    assert st["D"] == {"unit": "D", "indicators": 3, "first_places": 1, "top3": 2, "full_marks": 1}


# --- computed indicators ---------------------------------------------------------------------


def computed_case(period: str | None = None):
    sch = scheme(
        leaf("per_cap", "rank_points", params={"step": 1}),
        leaf("gdp_share", "rank_points", params={"step": 1}),
        leaf("gdp_yoy", "rank_points", params={"step": 1}),
        leaf("gdp_mom", "rank_points", params={"step": 1}),
        leaf("gdp_ytd", "rank_points", params={"step": 1}),
        leaf("ytd_yoy", "rank_points", params={"step": 1}),
        computed=[{"code": "per_cap", "formula": "gdp / pop * 10000"},
                  {"code": "gdp_share", "share": "gdp"},
                  {"code": "gdp_yoy", "yoy": "gdp"},
                  {"code": "gdp_mom", "mom": "gdp"},
                  {"code": "gdp_ytd", "ytd": "gdp"},
                  {"code": "ytd_yoy", "yoy": "gdp_ytd"}])
    rows = []
    for u, base in {"A": 100.0, "B": 50.0}.items():
        for (y, m), k in {(2024, 1): 1.0, (2024, 2): 1.1, (2025, 1): 1.2, (2025, 2): 1.32}.items():
            rows.append((u, "gdp", base * k, f"{y}-{m:02d}"))
            rows.append((u, "pop", 20.0 if u == "A" else 5.0, f"{y}-{m:02d}"))
    return score(sch, values(rows), period=period)


def test_computed_indicators_formula_share_yoy_mom_and_ytd():
    r = computed_case("2025-02")
    got = {(row["unit"], row["indicator"]): row["value"] for row in r.indicators.iter_rows(named=True)}
    assert got[("A", "per_cap")] == approx(132 / 20 * 10000)
    assert got[("B", "per_cap")] == approx(66 / 5 * 10000)
    assert got[("A", "gdp_share")] == approx(100 * 132 / 198)
    assert got[("A", "gdp_yoy")] == approx(20.0)  # 132 / 110 − 1
    assert got[("A", "gdp_mom")] == approx(10.0)  # 132 / 120 − 1
    assert got[("A", "gdp_ytd")] == approx(252.0)  # 120 + 132
    assert got[("A", "ytd_yoy")] == approx(100 * (252 / 210 - 1))
    assert r.prepared.period == "2025-02"


def test_without_a_period_the_latest_is_scored_and_a_warning_says_so():
    r = computed_case()
    assert r.prepared.period == "2025-02"
    assert any(w.code == "period_chosen" for w in r.warnings)


def test_growth_without_a_previous_period_is_missing():
    r = computed_case("2024-01")
    got = {(row["unit"], row["indicator"]): row["value"] for row in r.indicators.iter_rows(named=True)}
    assert got[("A", "gdp_yoy")] is None and got[("A", "gdp_mom")] is None
    assert got[("A", "gdp_ytd")] == 100


# --- determinism -----------------------------------------------------------------------------


def test_the_same_inputs_give_byte_identical_outputs(tmp_path):
    sch = scheme(leaf("x", "zscore"), leaf("y", "efficacy"))
    v = values([(u, i, float(k * 3 % 7 + j)) for k, u in enumerate("ABCDEFG") for j, i in enumerate("xy")])
    score(sch, v).write(tmp_path / "a")
    score(sch, v.reverse()).write(tmp_path / "b")
    for name in ("totals.csv", "indicators.csv", "boards.csv", "stats.csv", "warnings.csv", "explain.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


# --- explanations at scale ---------------------------------------------------------------------


def test_compact_explanations_keep_rules_and_group_inputs_and_render_units_on_demand():
    sch = scheme(leaf("x", "efficacy"))
    full = score(sch, column({"A": 50, "B": 55, "C": 70}))
    compact = score(sch, column({"A": 50, "B": 55, "C": 70}), explain="compact")
    e = compact.explain
    assert e["mode"] == "compact" and e["units"] is None
    assert e["groups"]["all"]["indicators"]["x"] == {"n": 3, "best": 70.0, "worst": 50.0, "mean": 58.333333,
                                                    "sd": 8.498366}
    assert e["rules"]["x"]["rule"].startswith("score = points × (base + (1 − base)")
    assert compact.explain_unit("B") == full.explain["units"]["B"]


def test_nan_in_a_numeric_table_is_a_missing_value_and_infinity_is_an_error():
    from kaohe.engine import DataError

    sch = scheme(leaf("x", "efficacy"))
    r = score(sch, column({"A": 1.0, "B": float("nan"), "C": 3.0}))
    assert leaf_scores(r) == {"A": 6, "B": 0, "C": 10}
    with pytest.raises(DataError) as exc:
        score(sch, column({"A": 1.0, "B": float("inf")}))
    assert exc.value.errors == ["values row 2: value is not a finite number"]
