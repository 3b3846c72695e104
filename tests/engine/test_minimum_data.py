"""Minimum data (最少数据): ``min_present`` / ``max_missing`` on a node, and units that are not
assessed (不参与排名) — hand-worked, oracle style, and one hypothesis property."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.engine import SchemeError, load_scheme, score
from kaohe.engine.gap import gap

# Five 10-point threshold leaves (value ≥ 1 → 10, else 0) in two categories.
#   econ (sum): a, b, c — needs 2 of its 3 children with data, else left out (exclude)
#   green (sum): d, e — needs 1 of 2, else scores 0 (zero)
# The root needs both categories with data and at most 3 missing indicators (缺项超过3项的不参与排名).
SCHEME = {
    "name": "最少数据",
    "root": {"min_present": 2, "max_missing": 3, "children": [
        {"code": "econ", "min_present": 2, "missing": "exclude", "children": [
            {"code": k, "points": 10, "method": "threshold", "params": {"value": 1}} for k in "abc"]},
        {"code": "green", "min_present": 1, "missing": "zero", "children": [
            {"code": k, "points": 10, "method": "threshold", "params": {"value": 1}} for k in "de"]},
    ]},
    "tiers": {"by": "quota", "levels": [{"name": "一", "count": 1}, {"name": "二"}]},
    "boards": [{"code": "b", "name": "榜", "indicators": ["econ"]}],
}

VALUES = {
    "U1": {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1},  # everything: 50
    "U2": {"a": 1, "b": 1, "d": 1},  # c, e missing (2): econ 2 of 3 → 20; green 10 → 30
    "U3": {"a": 1, "d": 1, "e": 1},  # econ 1 of 3 < 2 → excluded; root has 1 of 2 categories < 2 → not assessed
    "U4": {"a": 1, "b": 1},  # c, d, e missing (3 ≤ 3); green 0 of 2 < 1 → 0 but lacks data; root 1 of 2 → not assessed
    "U5": {"a": 1, "b": 1, "c": 1, "d": 1},  # e missing: 30 + 10 = 40
}


def _values(vals: dict[str, dict[str, float]]) -> pl.DataFrame:
    rows = [(u, i, float(v)) for u, per in vals.items() for i, v in per.items()]
    return pl.DataFrame({"unit": [r[0] for r in rows], "indicator": [r[1] for r in rows], "value": [r[2] for r in rows]})


def _units(codes) -> pl.DataFrame:
    return pl.DataFrame({"unit": list(codes), "name": list(codes), "group": ["g"] * len(codes)})


def _totals(scheme=SCHEME, vals=VALUES):
    r = score(scheme, _values(vals), _units(vals))
    return {row["unit"]: row for row in r.totals.iter_rows(named=True)}, r


def test_a_unit_whose_total_cannot_be_formed_has_no_total_rank_or_tier_but_a_reason():
    t, r = _totals()
    got = {u: (row["total"], row["rank"], row["tier"], row["assessed"]) for u, row in t.items()}
    # U1 50, U5 40, U2 30 ranked 1, 2, 3 among the three assessed units; quota 一 count 1 → U1.
    assert got == {"U1": (50.0, 1, "一", True), "U5": (40.0, 2, "二", True), "U2": (30.0, 3, "二", True),
                   "U3": (None, None, None, False), "U4": (None, None, None, False)}
    assert t["U3"]["reason"] == "2个一级指标中有数据的1个，少于要求的2个"
    assert t["U4"]["reason"] == "2个一级指标中有数据的1个，少于要求的2个"
    assert t["U1"]["reason"] is None
    assert {w.unit for w in r.warnings if w.code == "not_assessed"} == {"U3", "U4"}


def test_a_node_without_enough_data_follows_its_own_missing_rule():
    t, _ = _totals()
    # U3: econ has 1 of 3 (< 2) → excluded (NaN); green 2 of 2 → 20.
    assert t["U3"]["econ"] != t["U3"]["econ"] and t["U3"]["green"] == 20.0
    # U4: green has 0 of 2 (< 1) → missing: zero → 0; econ a, b → 20.
    assert (t["U4"]["econ"], t["U4"]["green"]) == (20.0, 0.0)


def test_an_excluded_node_rescales_its_parent():
    # Without the root's rules, U3's root has econ excluded: green 20 of its 20 → 20 × 50/20 = 50.
    scheme = {**SCHEME, "root": {k: v for k, v in SCHEME["root"].items() if k not in ("min_present", "max_missing")}}
    t, _ = _totals(scheme)
    assert (t["U3"]["total"], t["U3"]["assessed"]) == (50.0, True)
    # U4: econ 20 (a, b present; c missing scores 0 under zero) + green 0 → 20.
    assert t["U4"]["total"] == 20.0


def test_more_than_max_missing_indicators_means_not_assessed():
    # 缺项超过3项的不参与排名: U6 has only a → 4 missing > 3.
    vals = {**VALUES, "U6": {"a": 1, "d": 1}}
    vals["U6"] = {"d": 1}
    t, _ = _totals(vals=vals)
    assert t["U6"]["assessed"] is False and t["U6"]["reason"] == "缺项4项（共5项指标），超过允许的3项"


def test_not_assessed_units_take_no_board_place_and_do_not_count_in_quotas():
    _, r = _totals()
    b = {row["unit"]: row["rank"] for row in r.boards.iter_rows(named=True)}
    # econ board: U1 30, U5 30, U2 20 (U4 has 20 too but is not assessed; U3 excluded).
    assert b == {"U1": 1, "U5": 1, "U2": 3, "U3": None, "U4": None}


def test_a_leaf_whose_value_is_imputed_still_lacks_data():
    scheme = {"name": "x", "root": {"children": [
        {"code": "n", "min_present": 2, "missing": "zero", "children": [
            {"code": "a", "points": 10, "method": "minmax", "missing": "mean"},
            {"code": "b", "points": 10, "method": "minmax"}]}]}}
    vals = {"U1": {"a": 2, "b": 4}, "U2": {"a": 4, "b": 2}, "U3": {"b": 3}}
    t, _ = _totals(scheme, vals)
    # U3's a gets the group mean 3, but only 1 of n's 2 children has data → n scores 0.
    assert t["U3"]["n"] == 0.0 and t["U3"]["assessed"] is True


def test_the_gap_of_a_unit_not_assessed_says_why():
    rep = gap(SCHEME, _values(VALUES), _units(VALUES), None, "U3")
    assert (rep.total, rep.rank, rep.assessed) == (None, None, False) and rep.targets.height == 0
    assert rep.notes[0].startswith("不参与排名：2个一级指标中有数据的1个")
    assert gap(SCHEME, _values(VALUES), _units(VALUES), None, "U2").targets["points_needed"].to_list() == [10.0, 20.0, 20.0]


@pytest.mark.parametrize(("node", "message"), [
    ({"min_present": 4}, "root.children[0].min_present: must be from 1 to 3"),
    ({"min_present": 1.5}, "root.children[0].min_present: must be a whole number"),
    ({"max_missing": 3}, "root.children[0].max_missing: must be from 0 to 2"),
    ({"missing": "exclude"}, "root.children[0].missing: a node's missing rule applies when it lacks data"),
    ({"min_present": 1, "missing": "mean"}, "root.children[0].missing: unknown missing rule for a node 'mean'"),
])
def test_bad_minimum_data_rules_name_their_place(node, message):
    kids = [{"code": k, "points": 1, "method": "minmax"} for k in "abc"]
    with pytest.raises(SchemeError) as err:
        load_scheme({"name": "x", "root": [{"code": "n", "children": kids, **node}]})
    assert any(e.startswith(message) for e in err.value.errors), err.value.errors


def test_the_root_has_no_missing_rule_of_its_own():
    with pytest.raises(SchemeError, match="root.missing: the root has no parent"):
        load_scheme({"name": "x", "root": {"min_present": 1, "missing": "zero",
                                           "children": [{"code": "a", "points": 1, "method": "minmax"}]}})


def test_minimum_data_rules_survive_to_dict():
    s = load_scheme(SCHEME)
    again = load_scheme(s.to_dict())
    assert (again.root.min_present, again.root.max_missing) == (2, 3)
    assert (again.find("econ").min_present, again.find("econ").missing) == (2, "exclude")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(present=st.lists(st.lists(st.booleans(), min_size=5, max_size=5), min_size=2, max_size=8),
       k=st.integers(min_value=1, max_value=5))
def test_a_unit_is_assessed_exactly_when_k_of_its_indicators_have_data(present, k):
    """Oracle: with root min_present k over five leaves, a unit is assessed iff at least k
    of its values are given; assessed units are ranked 1..n among themselves, the others
    have no total, rank or tier."""
    scheme = {"name": "p", "root": {"min_present": k, "children": [
        {"code": c, "points": 10, "method": "threshold", "params": {"value": 1}} for c in "abcde"]},
        "tiers": {"by": "quota", "levels": [{"name": "一", "share": 0.5}, {"name": "二"}]}}
    vals = {f"U{i}": {c: 1.0 for c, p in zip("abcde", row, strict=True) if p} for i, row in enumerate(present)}
    t, _ = _totals(scheme, vals)
    for i, row in enumerate(present):
        r = t[f"U{i}"]
        assert r["assessed"] == (sum(row) >= k)
        if r["assessed"]:
            assert r["total"] == 10.0 * sum(row) and r["rank"] is not None and r["tier"] is not None
        else:
            assert r["total"] is None and r["rank"] is None and r["tier"] is None and r["reason"]
    ranked = sorted(r["rank"] for r in t.values() if r["assessed"])
    assert all(1 <= x <= len(ranked) for x in ranked)
    first = sum(1 for r in t.values() if r["tier"] == "一")
    n = len(ranked)
    assert n == 0 or first >= int(n * 0.5 + 0.5)  # half of the assessed (ties may add)
