"""Scheme loading and validation: every error names its place, all errors come at once."""

import json

import pytest

from kaohe.engine import SchemeError, load_scheme
from kaohe.engine.scheme import Scheme

GOOD = """
name: 2025年度高质量发展综合考核
year: 2025
precision: 2
total: 100
root:
  - code: econ
    name: 经济发展
    children:
      - {code: gdp, name: GDP增速, points: 60, method: rank_points, params: {step: 3}}
      - {code: inv, points: 20, method: efficacy, params: {base: 0.6}}
  - {code: env, points: 20, method: threshold, direction: lower, params: {value: 35, partial: 5}}
bonus: [{indicator: award, per: 1, cap: 2}]
bonus_cap: 3
deduction: [{indicator: criticism, per: 1}]
veto: {indicators: [accident], effect: bar_top_tier}
tiers: {by: quota, levels: [{name: 第一等次, share: 0.3}, {name: 第二等次, share: 0.4}, {name: 第三等次}]}
boards: [{code: zx, name: 争先榜, indicators: [econ]}]
computed: [{code: gdp_yoy, yoy: gdp_value}]
"""


def errors_of(source) -> list[str]:
    with pytest.raises(SchemeError) as exc:
        load_scheme(source)
    return exc.value.errors


def test_a_good_scheme_loads_from_yaml_text_into_frozen_dataclasses():
    s = load_scheme(GOOD)
    assert isinstance(s, Scheme)
    assert [n.code for n in s.top_nodes()] == ["econ", "env"]
    assert [lf.code for lf in s.leaves()] == ["gdp", "inv", "env"]
    assert s.full_marks == 100 and s.warnings == ()
    assert s.find("gdp").params == {"step": 3.0, "min": 0.0}
    assert s.find("env").params == {"value": 35.0, "partial": 5.0}
    assert s.tiers.levels[0].share == 0.3 and s.veto[0].effect == "bar_top_tier"
    with pytest.raises(AttributeError):
        s.name = "x"  # frozen


def test_the_same_scheme_loads_from_json_a_dict_and_a_path(tmp_path):
    s = load_scheme(GOOD)
    again = load_scheme(json.dumps(s.to_dict(), ensure_ascii=False))
    assert [(lf.code, lf.method, dict(lf.params)) for lf in again.leaves()] == [
        (lf.code, lf.method, dict(lf.params)) for lf in s.leaves()]
    p = tmp_path / "s.json"
    p.write_text(json.dumps(s.to_dict(), ensure_ascii=False), encoding="utf-8")
    assert [lf.code for lf in load_scheme(p).leaves()] == ["gdp", "inv", "env"]
    assert load_scheme(s.to_dict()).find("gdp").params["step"] == 3


def test_an_unknown_method_names_its_place_and_suggests_the_right_one():
    errs = errors_of({"name": "t", "root": {"children": [
        {"code": "a", "points": 1, "method": "threshold", "params": {"value": 1}},
        {"code": "b", "points": 1, "method": "threshold", "params": {"value": 1}},
        {"code": "c", "children": [{"code": "c1", "points": 5, "method": "rnak"}]}]}})
    assert errs == ["root.children[2].children[0].method: unknown method 'rnak' (did you mean 'rank_points'?)"]


def test_all_errors_are_reported_at_once():
    errs = errors_of("""
name: t
pionts: 3
root:
  children:
    - {code: a, points: 10, method: efficacy, direction: lowr}
    - {code: b, points: -1, method: goalposts, params: {lower: 1}}
    - {code: c, method: rank_points, params: {stpe: 3}}
    - {code: a, points: 5, method: zscore, missing: skip}
tiers: {by: quota, levels: [{name: A, share: 1.5}, {name: B}]}
boards: [{code: b1, indicators: [gpd]}]
""")
    assert "pionts: unknown key 'pionts'" in errs
    assert "root.children[0].direction: unknown direction 'lowr' (did you mean 'lower'?)" in errs
    assert "root.children[1].points: must be greater than 0, got -1" in errs
    assert "root.children[1].params.upper: is required for method 'goalposts'" in errs
    assert "root.children[2].points: is required (the leaf's full marks, 分值)" in errs
    assert any(e.startswith("root.children[2].params.stpe: unknown param 'stpe' for method 'rank_points' "
                            "(did you mean 'step'?)") for e in errs)
    assert "root.children[2].params.step: is required for method 'rank_points'" in errs
    assert any(e.startswith("root.children[3].missing: unknown missing rule 'skip'") for e in errs)
    assert "tiers.levels[0].share: is a fraction between 0 and 1, got 1.5" in errs


def test_cross_references_are_checked():
    errs = errors_of({"name": "t", "root": {"children": [
        {"code": "a", "points": 1, "method": "zscore"}, {"code": "a", "points": 1, "method": "zscore"}]},
        "boards": [{"code": "b", "indicators": ["aa", "zz"]}],
        "computed": [{"code": "p", "formula": "q + 1"}, {"code": "q", "formula": "p * 2"}]})
    assert "root.children[1].code: code 'a' is used twice (also at root.children[0])" in errs
    assert "boards[0].indicators[0]: 'aa' is not a leaf or node of the scheme (did you mean 'a'?)" in errs
    assert any(e.startswith("boards[0].indicators[1]: 'zz' is not a leaf or node") for e in errs)
    assert any("refer to each other in a circle" in e for e in errs)


def test_formulas_allow_only_arithmetic():
    errs = errors_of({"name": "t", "root": {"children": [{"code": "a", "points": 1, "method": "zscore"}]},
                      "computed": [{"code": "a", "formula": "__import__('os').system('x')"},
                                   {"code": "b", "formula": "gdp +"}, {"code": "c", "yoy": "gdp", "mom": "gdp"}]})
    assert any(e.startswith("computed[0].formula: formula may only use") for e in errs)
    assert any(e.startswith("computed[1].formula: formula is not valid arithmetic") for e in errs)
    assert any(e.startswith("computed[2]: give exactly one of") for e in errs)


def test_method_parameter_rules():
    errs = errors_of({"name": "t", "root": {"children": [
        {"code": "a", "points": 1, "method": "target", "params": {"mode": "steps"}},
        {"code": "b", "points": 1, "method": "efficacy", "params": {"base": 1.5}},
        {"code": "c", "points": 1, "method": "goalposts", "transform": "log", "params": {"lower": 0, "upper": 5}},
        {"code": "d", "points": 1, "method": "mean_relative"},
        {"code": "e", "children": [{"code": "e1", "points": 1, "method": "zscore"}], "aggregate": "mean"}]}})
    assert "root.children[0].params.below: is required for method 'target' in mode steps" in errs
    assert "root.children[1].params.base: must be between 0 and 1, got 1.5" in errs
    assert any(e.startswith("root.children[2].params: goalposts must be > 0 with transform log") for e in errs)
    assert "root.children[3].params.below: is required for method 'mean_relative'" in errs
    assert any(e.startswith("root.children[4].points: is required with aggregate 'mean'") for e in errs)


def test_tier_rules():
    errs = errors_of({"name": "t", "root": {"children": [{"code": "a", "points": 1, "method": "zscore"}]},
                      "tiers": {"by": "bands", "levels": [{"name": "A", "min": 80}, {"name": "B", "min": 90},
                                                          {"name": "C", "share": 0.2}]}})
    assert "tiers.levels[2].share: belongs to tiers by quota, not by bands" in errs
    errs = errors_of({"name": "t", "root": {"children": [{"code": "a", "points": 1, "method": "zscore"}]},
                      "tiers": {"by": "quta", "levels": [{"name": "A"}]}})
    assert errs == ["tiers.by: unknown tier rule 'quta' (did you mean 'quota'?)"]


def test_band_minimums_must_decrease():
    errs = errors_of({"name": "t", "root": {"children": [{"code": "a", "points": 1, "method": "zscore"}]},
                      "tiers": {"by": "bands", "levels": [{"name": "A", "min": 80}, {"name": "B", "min": 90}]}})
    assert errs == ["tiers.levels: band minimums must decrease from the first level to the last"]


def test_bad_yaml_names_the_line():
    errs = errors_of("name: t\nroot: [\n  {code: a\n")
    assert errs[0].startswith("scheme line ")
    assert "not valid YAML" in errs[0]


def test_points_not_adding_up_to_a_declared_total_are_warnings():
    s = load_scheme({"name": "t", "total": 100, "root": {"children": [
        {"code": "n", "points": 50, "children": [{"code": "a", "points": 30, "method": "zscore"}]}]}})
    msgs = [w.message for w in s.warnings]
    assert "root.children[0] (n): declares points 50 but its children add up to 30; using 30" in msgs
    assert "total: the scheme declares 100 points but its nodes add up to 30" in msgs


def test_with_leaf_derives_a_variant_without_touching_the_original():
    s = load_scheme(GOOD)
    v = s.with_leaf("gdp", weight=2.0, params={"step": 5.0, "min": 0.0})
    assert v.find("gdp").weight == 2.0 and v.find("gdp").params["step"] == 5
    assert s.find("gdp").weight == 1.0
