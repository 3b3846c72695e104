"""Data-quality screening (数据质量筛查): hand-made tables with known answers."""

from __future__ import annotations

import argparse

import numpy as np
import polars as pl
import pytest

from kaohe.engine import quality
from kaohe.engine.quality import BENFORD_P, first_digits, screen


def table(rows, period=True):
    cols = ["unit", "indicator", "value", "period"] if period else ["unit", "indicator", "value"]
    return pl.DataFrame(rows, schema=cols, orient="row")


def of(findings: pl.DataFrame, check: str) -> pl.DataFrame:
    return findings.filter(pl.col("check") == check)


def test_a_clean_table_has_no_findings():
    v = table([(f"U{i}", "gdp", 10.0 + i % 3, "2026-01") for i in range(8)])
    f = screen(v, amounts=[])
    assert f.height == 0
    assert list(f.columns) == list(quality.FINDING_SCHEMA)


def test_an_exact_duplicate_is_a_warning_and_a_conflicting_one_an_error():
    v = table(
        [
            ("A", "gdp", 5.0, "2026-01"),
            ("A", "gdp", 5.0, "2026-01"),
            ("B", "gdp", 6.0, "2026-01"),
            ("B", "gdp", 7.0, "2026-01"),
        ]
    )
    f = screen(v, amounts=[])
    dup, conflict = of(f, "duplicate"), of(f, "conflict")
    assert dup.select("unit", "severity").rows() == [("A", "warning")]
    assert conflict.select("unit", "severity").rows() == [("B", "error")]
    assert "第2, 3行" in dup["reason_zh"][0]
    assert "lines 4, 5" in conflict["reason_en"][0]
    # errors sort first
    assert f["severity"][0] == "error"


def test_an_absent_or_empty_value_is_missing_for_that_unit_and_period():
    v = table(
        [
            ("A", "gdp", 1.0, "2026-01"),
            ("A", "tax", 1.0, "2026-01"),
            ("B", "gdp", 1.0, "2026-01"),
            ("B", "tax", None, "2026-01"),
        ]
    )
    units = pl.DataFrame({"unit": ["A", "B", "C"]})
    f = of(screen(v, units, amounts=[]), "missing")
    assert f.select("unit", "indicator", "period").rows() == [
        ("B", "tax", "2026-01"),
        ("C", "gdp", "2026-01"),
        ("C", "tax", "2026-01"),
    ]
    assert "第5行数值为空" in f["reason_zh"][0]
    assert f["reason_en"][1] == "missing: the unit submitted no value for this indicator"


def test_a_unit_not_in_the_units_file_is_an_error():
    v = table([("A", "gdp", 1.0, "2026-01"), ("Z9", "gdp", 2.0, "2026-01")])
    f = of(screen(v, pl.DataFrame({"unit": ["A"]}), amounts=[]), "unknown_unit")
    assert f.select("unit", "severity").rows() == [("Z9", "error")]
    assert "line 3" in f["reason_en"][0]


def test_a_planted_outlier_is_found_within_its_peer_group_only():
    # group X: median 11, MAD 1 -> M(50) = 0.6745 * 39 = 26.31; group Y: 50 is ordinary
    xs = [10, 11, 12, 10, 11, 12, 11, 50]
    ys = [48, 50, 52, 49, 51, 50, 47]
    rows = [(f"X{i}", "gdp", float(x), "2026-01") for i, x in enumerate(xs)]
    rows += [(f"Y{i}", "gdp", float(y), "2026-01") for i, y in enumerate(ys)]
    units = pl.DataFrame({"unit": [r[0] for r in rows], "group": [r[0][0] for r in rows]})
    f = of(screen(table(rows), units, amounts=[]), "peer_outlier")
    assert f["unit"].to_list() == ["X7"]
    assert f["value"][0] == 50.0 and f["expected"][0] == 11.0
    assert f["statistic"][0] == pytest.approx(0.6745 * 39)


def test_when_most_peers_report_the_same_value_the_mean_deviation_is_used():
    # median 5, MAD 0, MeanAD = 4/7 -> M(9) = 4 / (1.253314 * 4/7) = 5.585
    rows = [(f"U{i}", "n", 5.0, "2026-01") for i in range(6)] + [("U6", "n", 9.0, "2026-01")]
    f = of(screen(table(rows), amounts=[]), "peer_outlier")
    assert f["unit"].to_list() == ["U6"]
    assert f["statistic"][0] == pytest.approx(4 / (1.253314 * 4 / 7))


def test_groups_smaller_than_min_peers_are_not_screened():
    rows = [("A", "n", 1.0, "p"), ("B", "n", 1.0, "p"), ("C", "n", 1.0, "p"), ("D", "n", 99.0, "p")]
    assert of(screen(table(rows), amounts=[]), "peer_outlier").height == 0


def test_a_value_out_of_line_with_the_units_own_history_is_flagged():
    hist = table(
        [("A", "gdp", v, f"2026-0{m}") for m, v in zip(range(1, 6), [100, 102, 98, 101, 99], strict=True)]
    )
    cur = table([("A", "gdp", 150.0, "2026-06")])
    f = of(screen(cur, history=hist, amounts=[]), "history_outlier")
    # history median 100, deviations 0,2,2,1,1 -> MAD 1 -> M = 0.6745 * 50
    assert f.rows(named=True)[0]["statistic"] == pytest.approx(0.6745 * 50)
    assert f["expected"][0] == 100.0
    # with fewer earlier periods than min_history nothing is said
    assert of(screen(cur, history=hist, amounts=[], min_history=6), "history_outlier").height == 0


def test_month_on_month_and_year_on_year_jumps_use_their_own_thresholds():
    hist = table([("A", "gdp", 100.0, "2025-06"), ("A", "gdp", 100.0, "2026-05")])
    cur = table([("A", "gdp", 160.0, "2026-06"), ("B", "gdp", 7.0, "2026-06")])
    f = screen(cur, history=hist, amounts=[], yoy_threshold=0.7)
    mom = of(f, "jump_mom")
    assert mom.select("unit", "value", "expected", "statistic").rows() == [("A", 160.0, 100.0, 0.6)]
    assert "环比" in mom["reason_zh"][0] and "60.0%" in mom["reason_zh"][0]
    assert of(f, "jump_yoy").height == 0  # +60% is within ±70%
    f = screen(cur, history=hist, amounts=[], yoy_threshold=0.5)
    assert of(f, "jump_yoy")["unit"].to_list() == ["A"]


def test_a_growth_rate_moving_from_0_6_to_3_02_is_2_42_percentage_points_not_403_per_cent():
    hist = table([("A", "gdp_growth", 0.6, "2026-05"), ("B", "gdp_growth", 5.0, "2026-05")])
    cur = table([("A", "gdp_growth", 3.02, "2026-06"), ("B", "gdp_growth", 17.0, "2026-06")])
    f = screen(cur, history=hist, amounts=[], rates=["gdp_growth"])
    mom = of(f, "jump_mom")
    # A: +2.42 百分点 is within ±10; B: +12 百分点 is beyond it
    assert mom.select("unit", "statistic").rows() == [("B", pytest.approx(12.0))]
    assert "由5%（2026-05）变为17%，变动+12个百分点，超过±10个百分点" in mom["reason_zh"][0]
    assert "percentage points" in mom["reason_en"][0]
    # the same table read as amounts: A's +403.3% is flagged (the old, wrong reading for a rate)
    assert "A" in of(screen(cur, history=hist, amounts=[]), "jump_mom")["unit"].to_list()
    # a rate from a zero base is an ordinary difference, not a zero-base note
    z = screen(table([("A", "share", 4.0, "2026-02")]), history=table([("A", "share", 0.0, "2026-01")]),
               amounts=[], rates=["share"])
    assert of(z, "jump_zero_base").height == 0 and of(z, "jump_mom").height == 0


def test_the_one_jump_rule_for_a_single_value_by_kind():
    assert quality.measure_kind("%") == "rate" and quality.measure_kind("百分点") == "rate"
    assert quality.measure_kind("亿元") == "amount" and quality.measure_kind(None) == "amount"
    r = quality.jump(3.02, 0.6, "rate")
    assert (r.unit, round(r.change, 2), r.limit, r.exceeds) == ("百分点", 2.42, 10.0, False)
    a = quality.jump(160, 100, "amount")
    assert (a.unit, a.change, a.limit, a.exceeds) == ("%", 60.0, 50.0, True)
    assert quality.jump(5, 0, "amount") is None and quality.jump(5, None, "rate") is None
    assert quality.jump(5, 0, "rate").change == 5


def test_quarters_compare_with_the_previous_quarter_and_the_same_quarter_last_year():
    hist = table([("A", "tax", 10.0, "2025Q2"), ("A", "tax", 30.0, "2026Q1")])
    cur = table([("A", "tax", 10.0, "2026Q2")])
    f = screen(cur, history=hist, amounts=[])
    assert of(f, "jump_mom")["statistic"].to_list() == [pytest.approx(-2 / 3)]
    assert of(f, "jump_yoy").height == 0


def test_a_change_from_zero_is_information_not_a_percentage():
    hist = table([("A", "gdp", 0.0, "2026-01")])
    f = screen(table([("A", "gdp", 5.0, "2026-02")]), history=hist, amounts=[])
    z = of(f, "jump_zero_base")
    assert z["severity"].to_list() == ["info"]
    assert of(f, "jump_mom").height == 0


def test_first_digits_are_exact_at_decade_boundaries():
    x = np.array([1, 9.99, 10, 123, 0.05, 999.9999999, 1e6, 2e-7])
    assert first_digits(x).tolist() == [1, 9, 1, 1, 5, 9, 1, 2]


def test_benford_passes_log_uniform_amounts_and_flags_made_up_uniform_ones():
    rng = np.random.default_rng(7)
    honest = 10 ** rng.uniform(1, 6, 2000)  # log-uniform over 5 decades: Benford exactly
    made_up = rng.integers(100, 1000, 2000).astype(float)  # every first digit equally likely
    rows = [("HONEST", "revenue", float(x), "2026-01") for x in honest]
    rows += [("FAKE", "revenue", float(x), "2026-01") for x in made_up]
    v = table(rows).with_columns(pl.col("unit").alias("submitter"), pl.lit("U").alias("unit"))
    f = of(screen(v, amounts=["revenue"]), "benford")
    assert f["unit"].to_list() == ["FAKE"]
    assert f["severity"][0] == "warning"
    # made-up digits are ~uniform: MAD ≈ mean |1/9 − p_d| = 0.0596
    assert f["value"][0] == pytest.approx(np.abs(1 / 9 - BENFORD_P).mean(), abs=0.01)
    assert "本福特" in f["reason_zh"][0] and "Benford" in f["reason_en"][0]


def test_benford_is_not_run_below_the_minimum_sample():
    rng = np.random.default_rng(1)
    rows = [("A", "revenue", float(x), "2026-01") for x in rng.integers(100, 1000, 60)]
    assert of(screen(table(rows), amounts=["revenue"]), "benford").height == 0
    assert of(screen(table(rows), amounts=["revenue"], benford_min_n=50), "benford").height == 1


def test_amounts_are_guessed_from_sign_and_spread():
    v = table(
        [("A", "revenue", 10.0 ** k, "p") for k in range(1, 6)]
        + [("A", "growth", x, "p") for x in (-1.0, 5.0, 300.0)]
        + [("A", "share", x, "p") for x in (10.0, 20.0, 30.0)]
    )
    assert quality.amount_indicators(v) == ["revenue"]


def test_the_command_writes_findings_and_exits_1_on_errors(tmp_path, capsys):
    values = tmp_path / "values.csv"
    values.write_text("unit,indicator,value,period\nA,gdp,1,2026-01\nA,gdp,2,2026-01\n")
    out = tmp_path / "f.csv"
    parser = argparse.ArgumentParser()
    quality.add_arguments(parser)
    code = quality.cli(parser.parse_args([str(values), "--out", str(out), "--lang", "en"]))
    assert code == 1
    assert pl.read_csv(out)["check"].to_list() == ["conflict"]
    assert "1 errors" in capsys.readouterr().out


def test_the_command_names_the_line_of_a_bad_number_and_exits_2(tmp_path, capsys):
    values = tmp_path / "values.csv"
    values.write_text("unit,indicator,value\nA,gdp,1\nA,tax,abc\n")
    parser = argparse.ArgumentParser()
    quality.add_arguments(parser)
    assert quality.cli(parser.parse_args([str(values)])) == 2
    err = capsys.readouterr().err
    assert "line 3" in err and "abc" in err


def test_the_command_expects_every_base_indicator_of_a_scheme(tmp_path, capsys):
    values = tmp_path / "values.csv"
    values.write_text("unit,indicator,value\nA,gdp,1\nB,gdp,2\n")
    scheme = tmp_path / "s.yaml"
    scheme.write_text(
        "name: s\nroot:\n  code: r\n  name: r\n  children:\n"
        "    - {code: gdp, name: g, points: 1, method: minmax}\n"
        "    - {code: tax, name: t, points: 1, method: minmax}\n"
    )
    out = tmp_path / "f.csv"
    parser = argparse.ArgumentParser()
    quality.add_arguments(parser)
    assert quality.cli(parser.parse_args([str(values), "--scheme", str(scheme), "--out", str(out)])) == 0
    f = pl.read_csv(out)
    assert f.select("unit", "indicator", "check").rows() == [("A", "tax", "missing"), ("B", "tax", "missing")]
    assert "警告2" in capsys.readouterr().out


def test_half_years_compare_with_the_previous_half_and_the_same_half_last_year():
    hist = table([("A", "tax", 10.0, "2025-H2"), ("A", "tax", 100.0, "2025-H1")])
    f = screen(table([("A", "tax", 20.0, "2026-H1")]), history=hist, amounts=[])
    assert of(f, "jump_mom")["statistic"].to_list() == [pytest.approx(1.0)]
    assert of(f, "jump_yoy")["statistic"].to_list() == [pytest.approx(-0.8)]


def test_a_series_rising_by_the_same_step_every_month_is_too_smooth():
    months = [f"2026-{m:02d}" for m in range(1, 7)]
    rows = [("TY", "retail", 12.3 * (i + 1), p) for i, p in enumerate(months)]
    rows += [("LJ", "retail", v, p) for v, p in zip([10, 21, 30, 42, 50, 61], months, strict=True)]
    rows += [("ZZ", "retail", 5.0, p) for p in months]  # constant: left alone
    v = table(rows)
    hist, cur = v.filter(pl.col("period") != "2026-06"), v.filter(pl.col("period") == "2026-06")
    f = of(screen(cur, history=hist, amounts=[]), "too_smooth")
    assert f["unit"].to_list() == ["TY"]
    assert f["statistic"][0] == pytest.approx(12.3)
    assert "连续6期" in f["reason_zh"][0]
    assert of(screen(cur, history=hist, amounts=[], smooth_window=7), "too_smooth").height == 0


def test_year_to_date_indicators_compare_with_the_same_month_of_earlier_years():
    # a 累计 series: grows through the year, starts again in January
    rows = []
    for year in range(2021, 2026):
        rows += [("A", "retail", 10.0 * m + year - 2021, f"{year}-{m:02d}") for m in range(1, 13)]
    rows += [("A", "retail", 10.0 * m + 5, f"2026-{m:02d}") for m in range(1, 9)]
    hist = table(rows)
    cur = table([("A", "retail", 150.0, "2026-09")])  # should be about 95
    # against every earlier month (median 65, wide spread) the slip goes unseen
    assert of(screen(cur, history=hist, amounts=[]), "history_outlier").height == 0
    # against the Septembers 90..94 it stands out
    ytd = screen(cur, history=hist, amounts=[], cumulative=["retail"])
    f = of(ytd, "history_outlier")
    assert (f["expected"][0], f["statistic"][0]) == (92.0, pytest.approx(0.6745 * 58 / 1))
    assert of(ytd, "jump_mom").height == 0  # no 环比 on a year-to-date series


def test_reasons_round_their_figures_half_away_from_zero():
    """四舍五入 in the words a person reads: +60.25% shows as 60.3% and +12.125 points as 12.13."""
    f = screen(table([("A", "gdp", 160.25, "2026-06")]), history=table([("A", "gdp", 100.0, "2026-05")]), amounts=[])
    assert "60.3%" in of(f, "jump_mom")["reason_zh"][0]
    r = screen(table([("A", "g", 17.125, "2026-06")]), history=table([("A", "g", 5.0, "2026-05")]),
               amounts=[], rates=["g"])
    assert "变动+12.13个百分点" in of(r, "jump_mom")["reason_zh"][0]


def test_the_explanations_arithmetic_rounds_half_away_from_zero():
    from kaohe.engine.explain import _r

    assert (_r(0.03125), _r(2.5), _r(-0.03125)) == ("0.0313", "2.5", "-0.0313")
