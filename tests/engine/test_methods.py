"""Every scoring method on hand-worked numbers (issue 3's notation: x value, best/worst by direction)."""

import math

import pytest

from kaohe.engine import DataError

from .factories import leaf_scores, one_leaf

approx = pytest.approx


def test_rank_points_give_places_1_to_5_60_57_54_51_48_under_step_3():
    r = one_leaf("rank_points", {"A": 50, "B": 40, "C": 30, "D": 20, "E": 10}, points=60, params={"step": 3})
    assert leaf_scores(r) == {"A": 60, "B": 57, "C": 54, "D": 51, "E": 48}


def test_rank_points_ties_share_the_best_place_1_2_2_4():
    r = one_leaf("rank_points", {"A": 9, "B": 8, "C": 8, "D": 7}, points=60, params={"step": 3})
    assert leaf_scores(r) == {"A": 60, "B": 57, "C": 57, "D": 51}
    ranks = dict(zip(r.indicators["unit"], r.indicators["rank"], strict=True))
    assert ranks == {"A": 1, "B": 2, "C": 2, "D": 4}


def test_rank_points_never_fall_below_min_and_lower_is_better_reverses_places():
    r = one_leaf("rank_points", {"A": 1, "B": 2, "C": 3, "D": 4}, points=6, direction="lower",
                 params={"step": 2, "min": 1})
    # places 1..4 → 6, 4, 2, max(0, 1) = 1
    assert leaf_scores(r) == {"A": 6, "B": 4, "C": 2, "D": 1}


def test_rank_ratio_scores_in_proportion_to_the_leader():
    r = one_leaf("rank_ratio", {"A": 10, "B": 8, "C": 5}, points=6)
    assert leaf_scores(r) == {"A": 6, "B": approx(4.8), "C": 3}


def test_rank_ratio_lower_is_better_uses_best_over_x():
    r = one_leaf("rank_ratio", {"A": 2, "B": 4}, points=6, direction="lower")
    assert leaf_scores(r) == {"A": 6, "B": 3}


def test_rank_ratio_with_a_best_value_of_zero_is_an_error_naming_the_indicator():
    with pytest.raises(DataError) as exc:
        one_leaf("rank_ratio", {"A": 0, "B": -1}, points=6)
    assert "indicator 'x'" in str(exc.value) and "best value in group 'g' is 0" in str(exc.value)


def test_efficacy_with_base_0_6_on_worked_numbers():
    # worst 50, best 70: 50 → 10×0.6 = 6; 55 → 10×(0.6 + 0.4×0.25) = 7; 60 → 8; 70 → 10
    r = one_leaf("efficacy", {"A": 50, "B": 55, "C": 60, "D": 70})
    assert leaf_scores(r) == {"A": 6, "B": 7, "C": 8, "D": 10}


def test_efficacy_lower_is_better_and_all_equal_gives_full_marks():
    r = one_leaf("efficacy", {"A": 50, "B": 60, "C": 70}, direction="lower")
    assert leaf_scores(r) == {"A": 10, "B": 8, "C": 6}
    r = one_leaf("efficacy", {"A": 5, "B": 5})
    assert leaf_scores(r) == {"A": 10, "B": 10}


def test_minmax_is_efficacy_with_base_zero():
    r = one_leaf("minmax", {"A": 50, "B": 60, "C": 70})
    assert leaf_scores(r) == {"A": 0, "B": 5, "C": 10}


def test_goalposts_are_linear_and_clamped():
    r = one_leaf("goalposts", {"A": 85, "B": 52.5, "C": 10, "D": 90}, points=1,
                 params={"lower": 20, "upper": 85})
    assert leaf_scores(r) == {"A": 1, "B": 0.5, "C": 0, "D": 1}


def test_goalposts_reverse_for_lower_is_better():
    r = one_leaf("goalposts", {"A": 2, "B": 10}, points=1, direction="lower", params={"lower": 0, "upper": 10})
    assert leaf_scores(r) == {"A": 0.8, "B": 0}


def test_log_transform_applies_to_the_value_and_the_goalposts():
    r = one_leaf("goalposts", {"A": 1000, "B": 75000}, points=1, transform="log",
                 params={"lower": 100, "upper": 75000})
    # (ln 1000 − ln 100) / (ln 75000 − ln 100) = ln 10 / ln 750 = 0.347818…
    assert leaf_scores(r)["A"] == approx(math.log(10) / math.log(750), abs=1e-4)
    assert leaf_scores(r)["B"] == 1


def test_target_ratio_scores_completion_capped_at_one_by_default():
    r = one_leaf("target", {"A": 90, "B": 110}, targets_={"A": 100, "B": 100})
    assert leaf_scores(r) == {"A": 9, "B": 10}


def test_target_ratio_with_cap_1_2_and_lower_is_better():
    r = one_leaf("target", {"A": 110}, targets_={"A": 100}, params={"cap": 1.2})
    assert leaf_scores(r) == {"A": 11}
    r = one_leaf("target", {"A": 110}, targets_={"A": 100}, direction="lower")
    assert leaf_scores(r)["A"] == approx(9.0909, abs=1e-4)  # 10 × 100/110


def test_target_steps_plus_one_per_point_capped_at_plus_two_and_minus_one_per_point():
    targets_ = {"A": 7, "B": 7, "C": 7, "D": 7, "E": 7}
    r = one_leaf("target", {"A": 8.5, "B": 11, "C": 7, "D": 5, "E": -20}, targets_=targets_,
                 params={"mode": "steps", "above": 1, "above_max": 2, "below": 1})
    # d = 1.5 → 11.5; d = 4 → 10 + min(4, 2) = 12; d = 0 → 10; d = −2 → 8; d = −27 → 0
    assert leaf_scores(r) == {"A": 11.5, "B": 12, "C": 10, "D": 8, "E": 0}


def test_target_steps_reverse_d_for_lower_is_better():
    r = one_leaf("target", {"A": 5}, targets_={"A": 7}, direction="lower",
                 params={"mode": "steps", "above": 1, "above_max": 2, "below": 1})
    assert leaf_scores(r) == {"A": 12}


def test_a_target_of_zero_is_warned_and_scores_full_only_when_met():
    r = one_leaf("target", {"A": 3, "B": -1}, targets_={"A": 0, "B": 0})
    assert leaf_scores(r) == {"A": 10, "B": 0}
    assert {w.unit for w in r.warnings if w.code == "target_zero"} == {"A", "B"}


def test_a_missing_target_scores_zero_with_a_warning():
    r = one_leaf("target", {"A": 3, "B": 4}, targets_={"A": 3})
    assert leaf_scores(r) == {"A": 10, "B": 0}
    assert [(w.code, w.unit) for w in r.warnings if w.code == "missing_target"] == [("missing_target", "B")]


def test_mean_relative_gives_full_marks_at_or_above_the_mean_and_loses_below():
    # mean 6; 4 → 10 − |4 − 6|×2 = 6
    r = one_leaf("mean_relative", {"A": 4, "B": 6, "C": 8}, params={"below": 2})
    assert leaf_scores(r) == {"A": 6, "B": 10, "C": 10}


def test_mean_relative_lower_is_better():
    r = one_leaf("mean_relative", {"A": 4, "B": 6, "C": 8}, direction="lower", params={"below": 2})
    assert leaf_scores(r) == {"A": 10, "B": 10, "C": 6}


def test_threshold_passes_at_the_value_and_gives_partial_otherwise():
    r = one_leaf("threshold", {"A": 95, "B": 90, "C": 85}, points=5, params={"value": 90, "partial": 3})
    assert leaf_scores(r) == {"A": 5, "B": 5, "C": 3}
    r = one_leaf("threshold", {"A": 30, "B": 40}, points=5, direction="lower", params={"value": 35})
    assert leaf_scores(r) == {"A": 5, "B": 0}


def test_zscore_uses_the_population_sd_by_default():
    # mean 2, population sd √(2/3) = 0.8165; z(3) = 1.2247, Φ = 0.88966
    r = one_leaf("zscore", {"A": 1, "B": 2, "C": 3})
    s = leaf_scores(r)
    assert s["B"] == 5
    assert s["C"] == approx(8.8966, abs=1e-4)
    assert s["A"] == approx(1.1034, abs=1e-4)


def test_zscore_with_the_sample_sd_and_with_no_spread():
    r = one_leaf("zscore", {"A": 1, "B": 2, "C": 3}, params={"sd": "sample"})
    assert leaf_scores(r)["C"] == approx(8.4134, abs=1e-4)  # z = 1, Φ(1) = 0.841345
    r = one_leaf("zscore", {"A": 4, "B": 4})
    assert leaf_scores(r) == {"A": 5, "B": 5}  # sd 0 → z 0 → half marks


def test_every_score_has_an_explanation_with_rule_inputs_and_arithmetic():
    r = one_leaf("rank_points", {"A": 50, "B": 40, "C": 30}, points=60, params={"step": 3})
    e = r.explain["units"]["C"]["indicators"]["x"]
    assert e["rule"] == "rank_points"
    assert e["inputs"] == {"best": 50, "worst": 30, "mean": 40, "target": None, "rank": 3}
    assert e["arithmetic"] == "max(60 − (3 − 1) × 3, 0) = 54"
    r = one_leaf("efficacy", {"A": 50, "B": 55, "C": 70})
    assert r.explain["units"]["B"]["indicators"]["x"]["arithmetic"] == (
        "10 × (0.6 + (1 − 0.6) × (55 − worst 50) / (best 70 − worst 50)) = 7")
    r = one_leaf("target", {"A": 8.5}, targets_={"A": 7},
                 params={"mode": "steps", "above": 1, "above_max": 2, "below": 1})
    assert r.explain["units"]["A"]["indicators"]["x"]["arithmetic"] == (
        "d = 1.5 (8.5 vs target 7); 10 + min(1.5 × 1, 2) = 11.5")
