"""The pure warning rules at their boundaries, with hand-worked dates and percentages."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from kaohe.projects import warnings as w

D = dt.date


def run(today, rules=None, **row):
    frame = pl.DataFrame([{"project_id": 1, **row}])
    out = w.compute(frame, today, rules).row(0, named=True)
    return out


# ---- start (开工) ---------------------------------------------------------------------------


def test_a_project_started_on_plan_is_green():
    assert run(D(2026, 5, 20), planned_start=D(2026, 3, 15), actual_start=D(2026, 3, 15), actual_stats=D(2026, 4, 1))["level"] == "green"


def test_a_start_planned_for_next_month_is_green_on_the_last_day_of_this_month():
    assert run(D(2026, 11, 30), planned_start=D(2026, 12, 1))["level"] == "green"


def test_a_start_due_this_month_and_not_started_is_yellow_from_the_first_of_the_month():
    out = run(D(2026, 11, 1), planned_start=D(2026, 11, 30))
    assert out["level"] == "yellow"
    assert out["reasons"][0]["code"] == "start"
    assert "本月" in out["reasons"][0]["zh"]
    assert "this month" in out["reasons"][0]["en"]


def test_a_start_two_months_and_a_day_short_of_three_months_late_is_still_yellow():
    assert run(D(2026, 6, 14), planned_start=D(2026, 3, 15))["level"] == "yellow"


def test_a_start_exactly_three_months_late_is_red():
    out = run(D(2026, 6, 15), planned_start=D(2026, 3, 15))
    assert out["level"] == "red"
    assert "逾期3个月" in out["reasons"][0]["zh"]


def test_month_addition_clamps_to_the_end_of_a_short_month():
    # 2025-11-30 + 3 months = 2026-02-28
    assert run(D(2026, 2, 27), planned_start=D(2025, 11, 30))["level"] == "yellow"
    assert run(D(2026, 2, 28), planned_start=D(2025, 11, 30))["level"] == "red"


# ---- investment against the time schedule (序时进度) ----------------------------------------
# On 2026-07-xx six months are complete: schedule = 6/12 = 50 %.


@pytest.mark.parametrize(
    ("ytd", "level"),
    [
        (4100, "green"),  # 41 % done → 9 points behind
        (4000, "yellow"),  # 40 % → exactly 10 points behind: yellow (inclusive)
        (2000, "yellow"),  # 20 % → exactly 30 points behind: still yellow
        (1999, "red"),  # 19.99 % → 30.01 points behind: red
        (0, "red"),
    ],
)
def test_investment_behind_the_time_schedule_at_the_boundaries(ytd, level):
    out = run(D(2026, 7, 10), year_plan=10000.0, ytd_investment=float(ytd))
    assert out["level"] == level


def test_exactly_ten_points_behind_is_yellow_with_the_numbers_in_the_reason():
    # 5 months complete on 2026-06-01: schedule 41.666…%; 3166.67/10000 = 31.6667 % → 10.0 points
    out = run(D(2026, 6, 1), year_plan=12000.0, ytd_investment=3800.0)
    # 3800/12000 = 31.6667 %, 41.6667 − 31.6667 = 10.0
    assert out["gap"] == pytest.approx(10.0)
    assert out["level"] == "yellow"
    assert "落后序时进度（41.7%）10.0个百分点" in out["reasons"][0]["zh"]


def test_the_investment_rule_is_silent_in_january_and_without_a_plan():
    assert run(D(2026, 1, 31), year_plan=10000.0, ytd_investment=0.0)["level"] == "green"
    assert run(D(2026, 9, 1), year_plan=0.0, ytd_investment=0.0)["level"] == "green"
    assert run(D(2026, 9, 1), year_plan=None, ytd_investment=0.0)["level"] == "green"


def test_the_thresholds_are_configurable():
    rules = w.WarningRules.from_mapping({"invest_yellow_gap": 5, "invest_red_gap": 20})
    assert run(D(2026, 7, 10), rules, year_plan=10000.0, ytd_investment=4500.0)["level"] == "yellow"
    assert run(D(2026, 7, 10), rules, year_plan=10000.0, ytd_investment=2900.0)["level"] == "red"


def test_unknown_or_inconsistent_settings_are_refused():
    with pytest.raises(ValueError, match="unknown"):
        w.WarningRules.from_mapping({"invest_gap": 5})
    with pytest.raises(ValueError):
        w.WarningRules.from_mapping({"invest_yellow_gap": 40})


# ---- statistics (列统) ----------------------------------------------------------------------


def test_not_in_statistics_one_month_after_start_is_yellow_and_two_months_red():
    start = D(2026, 3, 31)
    assert run(D(2026, 4, 29), actual_start=start)["level"] == "green"
    assert run(D(2026, 4, 30), actual_start=start)["level"] == "yellow"  # 3-31 + 1 month = 4-30
    assert run(D(2026, 5, 30), actual_start=start)["level"] == "yellow"
    out = run(D(2026, 5, 31), actual_start=start)
    assert out["level"] == "red"
    assert "满2个月尚未列统" in out["reasons"][0]["zh"]


def test_a_project_in_the_statistics_is_not_warned():
    assert run(D(2026, 9, 1), actual_start=D(2026, 3, 1), actual_stats=D(2026, 3, 20))["level"] == "green"


# ---- several rules, many projects ----------------------------------------------------------


def test_the_level_is_the_worst_rule_and_every_fired_rule_gives_its_reason():
    out = run(D(2026, 7, 10), actual_start=D(2026, 6, 1), year_plan=10000.0, ytd_investment=1000.0)
    assert out["level"] == "red"
    assert [r["code"] for r in out["reasons"]] == ["invest", "stats"]
    assert [r["level"] for r in out["reasons"]] == ["red", "yellow"]


def test_all_projects_are_computed_at_once_in_input_order():
    frame = pl.DataFrame(
        {
            "project_id": [10, 11, 12],
            "planned_start": [D(2026, 12, 5), D(2026, 11, 5), D(2026, 1, 5)],
        }
    )
    out = w.compute(frame, D(2026, 11, 10))
    assert out["project_id"].to_list() == [10, 11, 12]
    assert out["level"].to_list() == ["green", "yellow", "red"]


# ---- escalation ----------------------------------------------------------------------------


def test_escalation_goes_up_with_two_yellows_in_a_row_and_with_red():
    assert w.escalation_targets("green", None) == []
    assert w.escalation_targets("yellow", None) == ["owner_unit"]
    assert w.escalation_targets("yellow", "green") == ["owner_unit"]
    assert w.escalation_targets("yellow", "yellow") == ["owner_unit", "leader"]
    assert w.escalation_targets("red", None) == ["owner_unit", "leader", "city_leader"]


def test_the_action_list_has_due_dates_per_target():
    today = D(2026, 11, 10)
    levels = pl.DataFrame({"project_id": [1, 2, 3], "level": ["yellow", "yellow", "red"]})
    previous = pl.DataFrame({"project_id": [2], "level": ["yellow"]})
    actions = w.escalations(levels, previous, today)
    got = {(r["project_id"], r["target"]): r["due_on"] for r in actions.iter_rows(named=True)}
    assert got == {
        (1, "owner_unit"): D(2026, 11, 17),
        (2, "owner_unit"): D(2026, 11, 17),
        (2, "leader"): D(2026, 11, 15),
        (3, "owner_unit"): D(2026, 11, 17),
        (3, "leader"): D(2026, 11, 15),
        (3, "city_leader"): D(2026, 11, 13),
    }
