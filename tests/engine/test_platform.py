"""The scheme's platform metadata (平台信息): one declared place, read and validated by the engine."""

from __future__ import annotations

import pytest

from kaohe.engine import SchemeError, load_scheme
from kaohe.engine.platform import DEFAULT_FLAGS, Bands, FlagRule, upgrade_legacy
from kaohe.engine.scheme import load_flag_rules

SCHEME = {
    "name": "示范",
    "platform": {"code": "HQD", "bands": {"green": 0.9, "yellow": 0.7},
                 "collect": [{"code": "rd", "name": "研发经费", "category": "科技", "frequency": "yearly",
                              "validation": {"min": 0}}],
                 "flags": {"red": [{"rule": "best_growth", "measure": "rank"}], "yellow": [{"rule": "target_missed", "times": 3}]}},
    "root": [
        {"code": "econ", "name": "经济", "platform": {"bands": {"green": 0.8, "yellow": 0.5}}, "children": [
            {"code": "gdp", "points": 10, "method": "minmax",
             "platform": {"responsible_unit": "TJJ", "frequency": "monthly", "unit_of_measure": "%",
                          "value_kind": "ytd", "validation": {"min": -20, "max": 30, "allow_negative": True},
                          "name_en": "GDP growth"}},
            {"code": "inv", "points": 10, "method": "minmax", "platform": {"bands": {"green": 1, "yellow": 0.95}}},
        ]},
        {"code": "sat", "points": 5, "method": "threshold", "params": {"value": 90}},
    ],
}


def test_platform_metadata_is_read_into_the_schemes_objects():
    s = load_scheme(SCHEME)
    gdp = s.find("gdp").platform
    assert (gdp.responsible_unit, gdp.frequency, gdp.unit_of_measure, gdp.value_kind) == ("TJJ", "monthly", "%", "ytd")
    assert dict(gdp.validation) == {"min": -20, "max": 30, "allow_negative": True} and gdp.name_en == "GDP growth"
    assert s.platform.code == "HQD" and s.platform.collect[0].platform.frequency == "yearly"
    assert s.platform.flags.red == (FlagRule("best_growth", measure="rank"),)
    assert s.platform.flags.yellow == (FlagRule("target_missed", times=3),)


def test_bands_come_from_the_leaf_else_the_nearest_node_else_the_scheme_else_the_default():
    s = load_scheme(SCHEME)
    assert s.bands_of("inv") == Bands(1.0, 0.95)  # its own
    assert s.bands_of("gdp") == Bands(0.8, 0.5)  # from 经济
    assert s.bands_of("sat") == Bands(0.9, 0.7)  # the scheme's
    plain = load_scheme({"name": "x", "root": [{"code": "a", "points": 1, "method": "minmax"}]})
    assert plain.bands_of("a") == Bands(0.85, 0.6)


def test_a_band_colours_a_score_by_its_share_of_full_marks():
    b = Bands(green=0.85, yellow=0.6)
    # 8.5 / 10 = 0.85 → green; 8.49 → yellow; 6 / 10 = 0.6 → yellow; 5.99 → red
    assert [b.colour(x, 10) for x in (8.5, 8.49, 6, 5.99)] == ["green", "yellow", "yellow", "red"]
    assert b.colour(None, 10) == "none" and b.colour(3, 0) == "none"


def test_wrong_platform_metadata_is_an_error_naming_its_place():
    bad = {"name": "x", "platform": {"cod": "A", "flags": {"red": [{"rule": "board_frist"}]}},
           "root": [{"code": "n", "platform": {"frequency": "monthly"}, "children": [
               {"code": "a", "points": 1, "method": "minmax",
                "platform": {"frequency": "weekly", "validation": {"min": 5, "max": 1, "integr": True},
                             "bands": {"green": 0.5, "yellow": 0.7}}}]}]}
    with pytest.raises(SchemeError) as err:
        load_scheme(bad)
    errors = err.value.errors
    assert "root.children[0].children[0].platform.frequency: unknown frequency (报送频次) 'weekly'; expected one of monthly, quarterly, half_yearly, yearly" in errors
    assert any(e.startswith("root.children[0].children[0].platform.validation.integr: unknown key 'integr'")
               and "did you mean 'integer'" in e for e in errors)
    assert "root.children[0].children[0].platform.bands: yellow (0.7) must not be above green (0.5)" in errors
    assert any(e.startswith("root.children[0].platform.frequency: frequency (报送频次) belongs to a leaf") for e in errors)
    assert any(e.startswith("platform.cod: unknown key 'cod'") and "did you mean 'code'" in e for e in errors)
    assert any(e.startswith("platform.flags.red[0].rule: unknown flag rule 'board_frist'") for e in errors)


def test_metadata_outside_the_platform_place_is_refused():
    with pytest.raises(SchemeError, match=r"root.children\[0\].bands: unknown key 'bands'"):
        load_scheme({"name": "x", "root": [{"code": "a", "points": 1, "method": "minmax", "bands": {"green": 0.9}}]})


def test_the_platform_survives_to_dict_and_back():
    s = load_scheme(SCHEME)
    again = load_scheme(s.to_dict())
    assert again.platform == s.platform
    assert [lf.platform for lf in again.leaves()] == [lf.platform for lf in s.leaves()]
    assert again.find("econ").platform.bands == Bands(0.8, 0.5)


def test_a_legacy_scheme_with_loose_keys_is_upgraded_into_the_platform_place():
    legacy = {"name": "x", "code": "HQD", "flags": {"red": [{"rule": "board_first"}]},
              "collect": [{"code": "rd", "name": "研发", "rules": {"min": 0}}],
              "root": {"children": [{"code": "c", "bands": {"green": 0.9, "yellow": 0.5}, "children": [
                  {"code": "a", "points": 1, "method": "minmax", "responsible_unit": "TJJ",
                   "frequency": "monthly", "unit_of_measure": "亿元", "value_kind": "ytd", "rules": {"integer": True}}]}]}}
    up = upgrade_legacy(legacy)
    assert up["platform"] == {"code": "HQD", "flags": {"red": [{"rule": "board_first"}]},
                              "collect": [{"code": "rd", "name": "研发", "validation": {"min": 0}}]}
    leaf = up["root"]["children"][0]["children"][0]
    assert leaf["platform"] == {"responsible_unit": "TJJ", "frequency": "monthly", "unit_of_measure": "亿元",
                                "value_kind": "ytd", "validation": {"integer": True}}
    assert up["root"]["children"][0]["platform"] == {"bands": {"green": 0.9, "yellow": 0.5}}
    assert upgrade_legacy(up) == up  # idempotent
    assert load_scheme(up).find("a").platform.validation == {"integer": True}
    assert "code" in legacy and "platform" not in legacy  # the original is left alone


def test_flag_rules_of_a_policy_are_read_like_the_schemes():
    assert load_flag_rules({"red": [{"rule": "board_first"}]}).red == (FlagRule("board_first"),)
    with pytest.raises(SchemeError, match=r"flags.yellow\[0\].times: must be greater than 0"):
        load_flag_rules({"yellow": [{"rule": "target_missed", "times": 0}]})
    assert DEFAULT_FLAGS.yellow[1] == FlagRule("target_missed", times=2)
