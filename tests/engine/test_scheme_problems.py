"""Scheme errors carry a structured place and kind (SchemeProblem: path, code, args) beside the
English message, so a reader in another language (the platform's Chinese scheme editor) places and
words them exactly instead of parsing the text."""

from __future__ import annotations

import pytest

from kaohe.engine import SchemeError, load_scheme
from kaohe.engine.scheme import method_params


def _problems(scheme: dict) -> list[tuple[str, str, dict]]:
    with pytest.raises(SchemeError) as err:
        load_scheme(scheme)
    assert err.value.errors == [str(p) for p in err.value.problems]
    return [(p.path, p.code, dict(p.args)) for p in err.value.problems]


def _scheme(*leaves: dict) -> dict:
    return {"name": "t", "root": [{"code": "econ", "name": "经济", "children": list(leaves)}]}


def test_a_points_that_is_not_a_number_names_the_leaf_field_and_the_value():
    found = _problems(_scheme({"code": "gdp", "points": "abc", "method": "minmax"}))
    assert found == [("root.children[0].children[0].points", "not_a_number", {"value": "abc"})]


def test_a_misspelt_method_suggests_the_word_and_lists_the_choices():
    [(path, code, args)] = _problems(_scheme({"code": "gdp", "points": 5, "method": "rnak"}))
    assert (path, code) == ("root.children[0].children[0].method", "unknown_choice")
    assert args["value"] == "rnak" and args["suggestion"] == "rank_points" and "zscore" in args["choices"]


def test_a_missing_parameter_names_the_parameter_and_method_and_every_problem_is_reported():
    found = _problems(_scheme({"code": "a", "points": 5, "method": "rank_points"},
                              {"code": "a", "points": -1, "method": "threshold", "params": {"value": 1}}))
    assert ("root.children[0].children[0].params.step", "param_required",
            {"key": "step", "method": "rank_points", "mode": "ratio"}) in found
    assert ("root.children[0].children[1].points", "not_positive", {"value": -1}) in found
    assert len(found) == 2  # the duplicate code is checked only once the tree could be built


def test_a_code_used_twice_names_both_places():
    found = _problems(_scheme({"code": "a", "points": 5, "method": "minmax"}, {"code": "a", "points": 5, "method": "minmax"}))
    assert found == [("root.children[0].children[1].code", "duplicate_code",
                      {"value": "a", "other": "root.children[0].children[0]"})]


def test_platform_problems_carry_codes_too():
    found = _problems(_scheme({"code": "a", "points": 5, "method": "minmax",
                               "platform": {"frequency": "weekly", "validation": {"min": 5, "max": 1, "integer": "yes"}}}))
    assert ("root.children[0].children[0].platform.frequency", "unknown_choice") in [(p, c) for p, c, _a in found]
    assert ("root.children[0].children[0].platform.validation.integer", "not_bool", {"value": "yes"}) in found


def test_method_params_are_the_engines_definitions():
    target = {p.name: p for p in method_params("target")}
    assert target["mode"].choices == ("ratio", "steps") and target["mode"].default == "ratio"
    assert target["below"].required and target["below"].required_in_mode == "steps" and target["below"].nonneg
    assert [p.name for p in method_params("rank_points")] == ["step", "min"]
    assert method_params("rank_points")[0].required and method_params("rank_points")[1].default == 0.0
    assert method_params("minmax") == ()
