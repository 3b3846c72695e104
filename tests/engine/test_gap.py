"""Gap analysis (差距分析) on a small hand-worked scheme.

Five units, one group. Totals (worked by hand from the rules):
A 46.50, C 39.33, B 38.42, D 31.17, E 20.25; quota tiers 好 40% (2 units), 较好 40%, 一般.
"""

from __future__ import annotations

import argparse
import json

import polars as pl
import pytest

from kaohe.engine import gap as gap_mod
from kaohe.engine.gap import gap

SCHEME = {
    "name": "测试方案",
    "precision": 2,
    "root": {
        "code": "root",
        "name": "总分",
        "children": [
            {"code": "econ", "name": "经济发展", "children": [
                {"code": "gdp", "name": "GDP增速", "points": 10, "method": "rank_points",
                 "params": {"step": 2}},
                {"code": "rev", "name": "财政收入", "points": 10, "method": "efficacy",
                 "params": {"base": 0.6}},
            ]},
            {"code": "env", "name": "生态环境", "children": [
                {"code": "pm", "name": "PM2.5", "points": 10, "direction": "lower",
                 "method": "goalposts", "params": {"lower": 20, "upper": 60}},
                {"code": "inv", "name": "投资完成", "points": 10, "method": "target"},
                {"code": "safe", "name": "安全达标", "points": 5, "method": "threshold",
                 "params": {"value": 90}},
                {"code": "emp", "name": "就业", "points": 5, "method": "mean_relative",
                 "params": {"below": 1}},
            ]},
        ],
    },
    "tiers": {"by": "quota", "levels": [{"name": "好", "share": 0.4}, {"name": "较好", "share": 0.4},
                                        {"name": "一般"}]},
}
DATA = {
    "gdp": [8, 6, 7, 5, 4],
    "rev": [100, 80, 60, 50, 40],
    "pm": [30, 25, 40, 50, 35],
    "inv": [90, 100, 120, 80, 50],
    "safe": [95, 85, 92, 91, 80],
    "emp": [10, 12, 8, 10, 5],
}
UNITS = ["A", "B", "C", "D", "E"]


@pytest.fixture
def values() -> pl.DataFrame:
    rows = [(u, ind, float(vals[i])) for ind, vals in DATA.items() for i, u in enumerate(UNITS)]
    return pl.DataFrame(rows, schema=["unit", "indicator", "value"], orient="row")


@pytest.fixture
def targets() -> pl.DataFrame:
    return pl.DataFrame({"unit": UNITS, "indicator": ["inv"] * 5, "target": [100.0] * 5})


def row(report, leaf: str) -> dict:
    return report.indicators.filter(pl.col("leaf") == leaf).row(0, named=True)


def needed(report) -> dict[str, float]:
    return dict(zip(report.targets["target"], report.targets["points_needed"], strict=True))


def test_points_to_the_next_rank_the_leader_and_a_quota_tier(values, targets):
    r = gap(SCHEME, values, None, targets, "D")
    assert (r.total, r.rank, r.tier) == (31.17, 4, "较好")
    # next place: B 38.42; leader A 46.50; 好 admits A and C, the last admitted is C at 39.33
    assert needed(r) == {"next_rank": 7.25, "leader": 15.33, "tier:好": 8.16}


def test_the_leader_has_nothing_left_to_reach(values, targets):
    r = gap(SCHEME, values, None, targets, "A")
    assert r.rank == 1 and r.targets.height == 0


def test_band_tiers_give_the_distance_to_each_better_band(values, targets):
    scheme = dict(SCHEME, tiers={"by": "bands", "levels": [
        {"name": "优秀", "min": 40}, {"name": "良好", "min": 30}, {"name": "一般", "min": 0}]})
    r = gap(scheme, values, None, targets, "D")
    assert r.tier == "良好"
    assert needed(r)["tier:优秀"] == 8.83


def test_goalposts_next_value_is_the_far_goalpost_and_its_worth_is_rescored(values, targets):
    r = gap(SCHEME, values, None, targets, "D")
    pm = row(r, "pm")
    # lower is better: 10 × (60 − 50)/40 = 2.5 → 10 at the lower goalpost 20
    assert (pm["score"], pm["next_value"], pm["gain"]) == (2.5, 20.0, 7.5)
    assert pm["improvement_pct"] == pytest.approx(60.0)
    assert pm["efficiency"] == pytest.approx(0.125)
    assert pm["marginal"] == pytest.approx(10 / 40)
    # the re-scored total: 31.17 + 7.5 = 38.67, ahead of B (38.42)
    assert (pm["new_total"], pm["new_rank"]) == (38.67, 3)
    # pm is where the least improvement gains the most
    assert r.indicators["leaf"][0] == "pm"


def test_rank_points_next_value_is_the_unit_one_place_above(values, targets):
    gdp = row(gap(SCHEME, values, None, targets, "D"), "gdp")
    # D has 5 (4th: 10 − 3·2 = 4); B above has 6: a tie shares 3rd → 6 points
    assert (gdp["score"], gdp["next_value"], gdp["gain"]) == (4.0, 6.0, 2.0)


def test_efficacy_for_the_worst_unit_reaches_full_marks_at_the_best_value(values, targets):
    rev = row(gap(SCHEME, values, None, targets, "E"), "rev")
    # E is the worst (40): 10 × 0.6 = 6; at 100 it ties the best → 10, though the worst moves
    assert (rev["score"], rev["next_value"], rev["gain"]) == (6.0, 100.0, 4.0)
    assert rev["marginal"] == pytest.approx(10 * 0.4 / 60)


def test_mean_relative_needs_the_mean_of_the_other_units(values, targets):
    emp = row(gap(SCHEME, values, None, targets, "C"), "emp")
    # group mean 9, C has 8 → 5 − 1 = 4; raising C moves the mean: others' mean (10+12+10+5)/4
    assert (emp["score"], emp["next_value"], emp["gain"]) == (4.0, 9.25, 1.0)


def test_target_ratio_next_value_is_the_target(values, targets):
    inv = row(gap(SCHEME, values, None, targets, "D"), "inv")
    assert (inv["score"], inv["next_value"], inv["gain"], inv["marginal"]) == (8.0, 100.0, 2.0, 0.1)


def test_full_marks_leave_no_next_step(values, targets):
    safe = row(gap(SCHEME, values, None, targets, "D"), "safe")
    assert safe["next_value"] is None and safe["gain"] is None


def test_what_if_reports_the_new_place_and_every_unit_that_moved(values, targets):
    r = gap(SCHEME, values, None, targets, "D", what_if={"pm": 20})
    w = r.what_if
    assert w["before"] == {"total": 31.17, "rank": 4, "tier": "较好"}
    assert w["after"] == {"total": 38.67, "rank": 3, "tier": "较好"}
    assert [(m["unit"], m["rank_before"], m["rank_after"]) for m in w["rank_changes"]] == [
        ("D", 4, 3), ("B", 3, 4)]


def test_the_command_prints_json_and_rejects_an_unknown_unit(tmp_path, values, targets, capsys):
    import yaml

    (tmp_path / "s.yaml").write_text(yaml.safe_dump(SCHEME, allow_unicode=True))
    values.write_csv(tmp_path / "v.csv")
    targets.write_csv(tmp_path / "t.csv")
    parser = argparse.ArgumentParser()
    gap_mod.add_arguments(parser)
    base = [str(tmp_path / "s.yaml"), str(tmp_path / "v.csv"), "--targets", str(tmp_path / "t.csv")]
    assert gap_mod.cli(parser.parse_args([*base, "--unit", "D", "--json", "--what-if", "pm=20"])) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rank"] == 4 and out["what_if"]["after"]["rank"] == 3
    assert gap_mod.cli(parser.parse_args([*base, "--unit", "D"])) == 0
    assert "还差" in capsys.readouterr().out
    assert gap_mod.cli(parser.parse_args([*base, "--unit", "ZZ"])) == 2
    assert "ZZ" in capsys.readouterr().err
    assert gap_mod.cli(parser.parse_args([*base, "--unit", "D", "--what-if", "pm=abc"])) == 2
    assert "abc" in capsys.readouterr().err


def test_indicator_steps_lists_the_cheapest_points_first_from_plain_tables(values, targets):
    from types import SimpleNamespace

    def table(df):
        return {"columns": df.columns, "rows": [list(r) for r in df.iter_rows()]}

    inputs = SimpleNamespace(values=table(values), units=None, targets=table(targets))
    steps = gap_mod.indicator_steps(SCHEME, inputs, "D")
    assert [s["code"] for s in steps] == ["pm", "gdp", "inv", "rev"]
    assert steps[0]["headroom"] == 7.5 and steps[0]["gain"] == 7.5
    assert len(gap_mod.indicator_steps(SCHEME, inputs, "D", limit=2)) == 2


def test_new_totals_and_ranks_equal_a_full_rescoring_of_each_indicator():
    from kaohe.engine import prepare, score_prepared

    from .test_robustness import QUOTA, rich_case

    scheme, values, units = rich_case(QUOTA)
    prep = prepare(scheme, values, units)
    unit = "U07"
    r = gap(scheme, values, units, None, unit)
    u = prep.unit_index()[unit]
    checked = 0
    for row in r.indicators.filter(pl.col("new_total").is_not_null()).iter_rows(named=True):
        full = score_prepared(scheme, prep.with_values({(unit, row["indicator"]): row["next_value"]}),
                              detail=False).core
        assert (row["new_total"], row["new_rank"]) == (full.total[u], full.rank_total[u])
        checked += 1
    assert checked >= 3


def test_bonus_deduction_and_veto_items_show_what_clearing_them_is_worth(values, targets):
    scheme = dict(SCHEME, bonus=[{"indicator": "award", "per": 0.5, "cap": 1}],
                  deduction=[{"indicator": "criticism", "per": 1}],
                  veto=[{"indicators": ["fraud"], "effect": "bar_top_tier"}])
    extra = pl.DataFrame({"unit": ["D", "D", "C"], "indicator": ["criticism", "award", "fraud"],
                          "value": [2.0, 1.0, 1.0]})
    v = pl.concat([values, extra])
    r = gap(scheme, v, None, targets, "D")
    assert r.total == 31.17 - 2 + 0.5
    items = {row["method"]: row for row in r.indicators.iter_rows(named=True)
             if row["method"] in ("bonus", "deduction")}
    assert (items["deduction"]["next_value"], items["deduction"]["gain"]) == (0.0, 2.0)
    assert items["deduction"]["new_total"] == 31.67
    assert (items["bonus"]["next_value"], items["bonus"]["gain"]) == (2.0, 0.5)
    c = gap(scheme, v, None, targets, "C")
    assert c.tier == "较好" and c.vetoed
    veto = c.indicators.filter(pl.col("method") == "veto").row(0, named=True)
    assert (veto["indicator"], veto["next_value"], veto["gain"]) == ("fraud", 0.0, 0.0)


def test_indicator_steps_include_items_without_full_marks(values, targets):
    from types import SimpleNamespace

    scheme = dict(SCHEME, deduction=[{"indicator": "criticism", "per": 1}],
                  veto=[{"indicators": ["fraud"], "effect": "bar_top_tier"}])
    extra = pl.DataFrame({"unit": ["D", "D"], "indicator": ["criticism", "fraud"], "value": [2.0, 1.0]})
    steps = gap_mod.indicator_steps(scheme, SimpleNamespace(values=pl.concat([values, extra]),
                                                            units=None, targets=targets), "D")
    assert {s["method"] for s in steps} >= {"deduction", "goalposts"}
    assert next(s for s in steps if s["method"] == "deduction")["headroom"] == 2.0
