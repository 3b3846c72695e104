"""Red flags and yellow lights with hand-worked boards (see conftest ``scored``)."""

from __future__ import annotations

import pytest

from kaohe.engine.errors import SchemeError
from kaohe.results.flags import yearly_tally
from kaohe.results.models import Flag, FlagPolicy
from kaohe.results.runs import Inputs, verify_run
from tests.results.world import BASE, SCHEME, scored_run

pytestmark = pytest.mark.django_db


def _flags(run):
    return sorted((f.kind, f.rule, f.unit_code, f.board) for f in Flag.objects.filter(run=run))


def test_january_flags_first_and_last_place_on_each_board(scored):
    # 争先榜 (GDP 8/7/6/5): 甲 1st, 丁 last; 龙虎榜 (INV 5/9/7/3): 乙 1st, 丁 last. No last month: no growth flag.
    assert _flags(scored.jan) == [
        ("red", "board_first", "C-A", "ZX"), ("red", "board_first", "C-B", "LH"),
        ("yellow", "board_last", "C-D", "LH"), ("yellow", "board_last", "C-D", "ZX"),
    ]


def test_february_adds_the_best_growth_flag(scored):
    # 丁区 GDP 5 → 9: 争先榜 丁 1st, 丙 last; totals Jan 21/23/14/13 → Feb 19/21/12/19: 丁 +6 is the best growth.
    assert _flags(scored.feb) == [
        ("red", "best_growth", "C-D", ""), ("red", "board_first", "C-B", "LH"), ("red", "board_first", "C-D", "ZX"),
        ("yellow", "board_last", "C-C", "ZX"), ("yellow", "board_last", "C-D", "LH"),
    ]


def test_the_yearly_tally_counts_flags_per_unit(scored):
    # Red: 甲 1 (Jan 争先), 乙 2 (龙虎 twice), 丁 2 (Feb 争先 + growth). Yellow: 丁 3 (last twice in Jan, 龙虎 in Feb), 丙 1.
    tally = [(t["unit"], t["red"], t["yellow"]) for t in yearly_tally(2025, "TEST", scored.jan.owner_unit_id)]
    assert tally == [("C-B", 2, 0), ("C-D", 2, 3), ("C-A", 1, 0), ("C-C", 0, 1)]


def test_missing_a_monthly_target_twice_in_a_row_is_a_yellow_light(db):
    targets = {(u, "GDP"): 7.5 for u in BASE}
    feb = {u: dict(v) for u, v in BASE.items()}
    feb["C-D"]["GDP"] = 9.0
    scored_run(number=1, targets=targets, scheme_code="T2")
    run = scored_run(feb, number=2, targets=targets, scheme_code="T2")
    # GDP target 7.5: January 乙 7, 丙 6, 丁 5 miss; February 乙 7, 丙 6 miss, 丁 9 meets → 乙 and 丙 twice in a row.
    missed = sorted(f.unit_code for f in Flag.objects.filter(run=run, rule="target_missed"))
    assert missed == ["C-B", "C-C"]
    assert "连续2个月未完成月度目标：地区生产总值增速" in Flag.objects.get(run=run, unit_code="C-B", rule="target_missed").reason


def test_flag_rules_are_configured_per_scheme(db):
    FlagPolicy.objects.create(scheme_code="T3", rules={"red": [{"rule": "board_first"}], "yellow": []})
    run = scored_run(number=1, scheme_code="T3")
    assert _flags(run) == [("red", "board_first", "C-A", "ZX"), ("red", "board_first", "C-B", "LH")]


def test_an_unknown_flag_rule_is_named(db):
    FlagPolicy.objects.create(scheme_code="T4", rules={"red": [{"rule": "bset_growth"}]})
    with pytest.raises(SchemeError, match=r"flags.red\[0\].rule: unknown flag rule 'bset_growth' \(did you mean 'best_growth'\?\)"):
        scored_run(number=1, scheme_code="T4")


def test_a_schemes_platform_flags_choose_its_rules(db):
    scheme = {**SCHEME, "platform": {"flags": {"red": [], "yellow": [{"rule": "board_last"}]}}}
    run = scored_run(number=1, scheme=scheme, scheme_code="T5")
    # 争先榜 and 龙虎榜 last places in January: 丁区 on both; no red rule.
    assert _flags(run) == [("yellow", "board_last", "C-D", "LH"), ("yellow", "board_last", "C-D", "ZX")]


def test_a_run_stored_before_the_platform_place_still_scores_and_verifies(db):
    # Runs sealed earlier kept the flag rules and the scheme code loose at the top of their stored scheme.
    legacy = {**SCHEME, "code": "OLD", "flags": {"red": [{"rule": "board_first"}], "yellow": []}}
    run = scored_run(number=1, scheme=legacy, scheme_code=None)
    assert run.scheme_code == "OLD" and Inputs.from_bytes(run.inputs).scheme["flags"] == legacy["flags"]
    assert _flags(run) == [("red", "board_first", "C-A", "ZX"), ("red", "board_first", "C-B", "LH")]
    assert verify_run(run) == []


def test_flag_reasons_round_scores_half_away_from_zero(scored):
    """A board score of 8.125 reads 8.13分 and a growth of 6.125 reads 6.13分 (``%.2f`` gave 8.12 / 6.12)."""
    from django.db import connection

    from kaohe.results.flags import award_flags
    from kaohe.results.models import RunBoard, RunTotal

    def put(model, column, value, run, unit, **where):  # sealed rows refuse .update(): as if scored so
        extra = "".join(f" AND {k} = %s" for k in where)
        with connection.cursor() as c:
            c.execute(f"UPDATE {model._meta.db_table} SET {column} = %s WHERE run_id = %s AND unit_code = %s{extra}",
                      [value, run.pk, unit, *where.values()])

    put(RunBoard, "score", 8.125, scored.jan, "C-A", board="ZX")
    award_flags(scored.jan)
    first = Flag.objects.get(run=scored.jan, rule="board_first", board="ZX")
    assert "（8.13分）" in first.reason
    jan_total = RunTotal.objects.get(run=scored.jan, unit_code="C-D").total
    put(RunTotal, "total", jan_total + 6.125, scored.feb, "C-D")
    award_flags(scored.feb)
    growth = Flag.objects.get(run=scored.feb, rule="best_growth")
    assert growth.unit_code == "C-D" and "较上月增加6.13分" in growth.reason


def test_a_year_to_date_indicator_is_held_to_its_time_proportional_target(db):
    import copy

    scheme = copy.deepcopy(SCHEME)
    inv = scheme["root"]["children"][0]["children"][1]
    inv["platform"] = {"unit_of_measure": "亿元", "value_kind": "ytd"}
    # INV's year target 12 for everyone; in June the 序时目标 is 12 × 6/12 = 6:
    # 甲 5 misses, 乙 9 and 丙 7 meet it, 丁 3 misses (against the whole 12 all four would miss).
    targets = {(u, "INV"): 12.0 for u in BASE}
    scored_run(number=5, targets=targets, scheme=scheme, scheme_code="T5")  # May: 序时 5 → 甲 5 meets, 丁 3 misses
    run = scored_run(number=6, targets=targets, scheme=scheme, scheme_code="T5")
    missed = sorted(f.unit_code for f in Flag.objects.filter(run=run, rule="target_missed"))
    assert missed == ["C-D"]  # 甲 missed June only; 丁 both months
    assert Flag.objects.get(run=run, unit_code="C-D", rule="target_missed").reason == "连续2个月未完成月度目标：固定资产投资"
