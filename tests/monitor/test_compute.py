"""The monitor's computations against hand-worked examples (no database).

The main example, GDP (quarterly, 1–3月, published growth rates, comparable basis):

====  =========  ======  ===========  ======================
unit  2026 1–3月  growth  base         2025 1–3月 (published)
====  =========  ======  ===========  ======================
A     110        10.0    110/1.10=100   100
B     220        10.0    220/1.10=200   200
C     300         0.0    300/1.00=300   300
D      81         8.0     81/1.08= 75   120
====  =========  ======  ===========  ======================

全市 = 711 ÷ 675 − 1 = 5.333…% → 5.3%. Growth ranks A 1, B 1 (并列), D 3, C 4. Amount ranks
C 1, B 2, A 3, D 4 (2025: C 1, B 2, D 3, A 4 → A 进位). D's 2025 amount is 120 but its published
growth is 8.0%: the monitor keeps the published rate (可比口径) and never derives −32.5%.
"""

from __future__ import annotations

import polars as pl
import pytest

from kaohe.lib import sentences
from kaohe.monitor import compute as c

GDP = c.Spec("gdp", "地区生产总值", "亿元", frequency=c.QUARTERLY, judged_on=c.GROWTH, top_n=2)
BUDGET = c.Spec("budget", "一般公共预算收入", "亿元", judged_on=c.BOTH)


def figures(rows):
    return c.frame(rows, c.FIGURES_SCHEMA)


def targets(rows):
    return c.frame(rows, c.TARGETS_SCHEMA)


GDP_ROWS = [
    ("A", 2026, 3, 110.0, 10.0), ("B", 2026, 3, 220.0, 10.0), ("C", 2026, 3, 300.0, 0.0), ("D", 2026, 3, 81.0, 8.0),
    ("A", 2025, 3, 100.0, 4.0), ("B", 2025, 3, 200.0, 4.0), ("C", 2025, 3, 300.0, 4.0), ("D", 2025, 3, 120.0, 4.0),
    ("A", 2025, 12, 400.0, 5.0), ("B", 2025, 12, 800.0, 6.0), ("C", 2025, 12, 1200.0, 7.0), ("D", 2025, 12, 400.0, 8.0),
]
GDP_TARGETS = [("A", 2026, None, 10.0), ("B", 2026, None, 10.1), ("C", 2026, None, 0.0), ("D", 2026, None, 8.0)]


@pytest.fixture
def q1():
    out = c.evaluate(GDP, figures(GDP_ROWS), targets(GDP_TARGETS))
    return {r["unit"]: r for r in out.filter((pl.col("year") == 2026) & (pl.col("month") == 3)).iter_rows(named=True)}


# ---- conventions ------------------------------------------------------------------------------


def test_releases_quarterly_gdp_and_no_january():
    assert c.release_months(GDP) == [3, 6, 9, 12]
    assert c.release_at(GDP, 5) == 3 and c.release_label(GDP, 3) == "1–3月" and c.release_label(GDP, 12) == "1–12月"
    assert c.release_at(GDP, 2) is None
    assert c.release_months(BUDGET)[0] == 2 and c.release_at(BUDGET, 1) is None and c.release_label(BUDGET, 2) == "1–2月"
    cpi = c.Spec("cpi", "居民消费价格指数", "%", has_january=True)
    assert c.release_at(cpi, 1) == 1 and c.release_label(cpi, 1) == "1月"
    assert c.previous_release(BUDGET, 2026, 2) == (2025, 12) and c.previous_release(GDP, 2026, 6) == (2026, 3)


def test_a_january_figure_of_a_no_january_indicator_is_not_a_release():
    out = c.evaluate(BUDGET, figures([("A", 2026, 1, 5.0, 3.0), ("A", 2026, 2, 9.0, 4.0)]))
    assert out["month"].to_list() == [2]


def test_gdp_figures_only_at_quarter_ends():
    out = c.evaluate(GDP, figures([("A", 2026, 3, 10.0, 5.0), ("A", 2026, 4, 12.0, 5.0), ("A", 2026, 6, 20.0, 5.1)]))
    assert out["month"].to_list() == [3, 6]


def test_stored_growth_is_kept_and_only_missing_growth_is_derived():
    rows = [("A", 2025, 6, 50.0, None), ("A", 2026, 6, 54.0, None), ("B", 2025, 6, 50.0, 1.0), ("B", 2026, 6, 54.0, 6.5)]
    out = {r["unit"]: r for r in c.evaluate(BUDGET, figures(rows)).filter(pl.col("year") == 2026).iter_rows(named=True)}
    assert out["A"]["growth"] == pytest.approx(8.0) and out["A"]["growth_derived"] is True  # 54 ÷ 50 − 1
    assert out["B"]["growth"] == 6.5 and out["B"]["growth_derived"] is False  # published: 6.5, not 8.0
    assert c.sentence(BUDGET, out["A"]).startswith("增长8.0%（按上年同期数推算）")


def test_published_growth_wins_over_last_years_amount(q1):
    assert q1["D"]["growth"] == 8.0 and not q1["D"]["growth_derived"]  # not 81 ÷ 120 − 1 = −32.5%


def test_no_growth_derived_for_a_ratio():
    tax = c.Spec("tax", "税收占比", "%", judged_on=c.AMOUNT, summable=False)
    out = c.evaluate(tax, figures([("A", 2025, 6, 70.0, None), ("A", 2026, 6, 77.0, None)]))
    assert out.filter(pl.col("year") == 2026)["growth"].to_list() == [None]


# ---- city figure, gap in percentage points, shares ----------------------------------------------


def test_city_growth_weighted_from_published_rates(q1):
    assert q1["A"]["city_growth"] == pytest.approx(711 / 675 * 100 - 100)
    assert q1["A"]["city_basis"] == c.DERIVED and q1["A"]["city_amount"] == 711


def test_gap_is_in_percentage_points_not_per_cent(q1):
    assert q1["A"]["gap_pp"] == pytest.approx(4.7)  # 10.0 − 5.3, not (10 ÷ 5.3 − 1) = 89 %
    assert q1["C"]["gap_pp"] == pytest.approx(-5.3)
    assert c.gap_words(q1["A"]["gap_pp"]) == "高于全市平均4.7个百分点"
    assert c.gap_words(q1["C"]["gap_pp"]) == "低于全市平均5.3个百分点"
    assert c.gap_words(0.04) == "与全市平均持平"
    assert c.gap_words(7.2 - 5.0) == "高于全市平均2.2个百分点"


def test_published_city_figure_is_used():
    city = c.frame([(2026, 3, 700.0, 5.0)], c.CITY_SCHEMA)
    out = c.evaluate(GDP, figures(GDP_ROWS), city=city).filter((pl.col("year") == 2026) & (pl.col("month") == 3))
    row = out.filter(pl.col("unit") == "A").row(0, named=True)
    assert row["city_growth"] == 5.0 and row["city_basis"] == c.PUBLISHED and row["gap_pp"] == pytest.approx(5.0)
    assert row["share"] == pytest.approx(110 / 700 * 100)


def test_share_of_city_and_its_change_in_points(q1):
    assert q1["A"]["share"] == pytest.approx(110 / 711 * 100)
    assert q1["A"]["share_change_pp"] == pytest.approx(110 / 711 * 100 - 100 / 720 * 100)  # +1.58 pp
    assert q1["A"]["share_up"] is True and q1["D"]["share_up"] is False


def test_per_capita_figures_are_averaged_not_summed():
    income = c.Spec("income", "城乡居民人均可支配收入", "元", frequency=c.QUARTERLY, summable=False)
    out = c.evaluate(income, figures([("A", 2026, 3, 20000.0, 5.0), ("B", 2026, 3, 30000.0, 6.0)]))
    row = out.row(0, named=True)
    assert row["city_amount"] == 25000 and row["city_growth"] == pytest.approx(5.5) and row["city_basis"] == c.MEAN
    assert row["share"] is None


# ---- 位次 with ties --------------------------------------------------------------------------------


def test_ranks_with_ties_share_the_better_place_and_skip_the_next(q1):
    assert {u: r["growth_rank"] for u, r in q1.items()} == {"A": 1, "B": 1, "C": 4, "D": 3}
    assert q1["A"]["growth_tied"] and not q1["D"]["growth_tied"]
    assert {u: r["amount_rank"] for u, r in q1.items()} == {"A": 3, "B": 2, "C": 1, "D": 4}
    assert c.rank_words(1, True) == "并列第1位"


def test_ties_are_on_the_published_decimal():
    out = c.evaluate(BUDGET, figures([("A", 2026, 5, 1.0, 6.04), ("B", 2026, 5, 2.0, 5.96), ("C", 2026, 5, 3.0, 5.94)]))
    assert dict(zip(out["unit"], out["growth_rank"], strict=True)) == {"A": 1, "B": 1, "C": 3}  # 6.0, 6.0, 5.9


def test_rank_move_against_the_previous_release_and_the_sentence(q1):
    a = q1["A"]
    assert (a["prev_year"], a["prev_month"], a["prev_growth_rank"]) == (2025, 12, 4)
    assert c.sentence(GDP, a) == "增长10.0%，高于全市平均4.7个百分点，并列第1位，较上年1–12月前移三位"
    assert c.sentence(GDP, q1["C"]) == "与上年同期持平，低于全市平均5.3个百分点，居第4位，较上年1–12月后移两位"
    assert c.move_words(BUDGET, 2026, 5, 5, 4, (2026, 4)) == "较上月前移一位"
    assert c.move_words(GDP, 2026, 6, 2, 2, (2026, 3)) == "位次与上季度持平"


def test_no_previous_rank_when_a_release_is_missing():
    out = c.evaluate(BUDGET, figures([("A", 2026, 3, 1.0, 5.0), ("A", 2026, 5, 2.0, 5.0)]))
    assert out.filter(pl.col("month") == 5)["prev_growth_rank"].to_list() == [None]  # 1–4月 missing


# ---- checks at their boundaries ------------------------------------------------------------------


def test_kaimenhong_at_its_boundary(q1):
    assert q1["A"]["kaimenhong"] is True  # 10.0 = target 10.0, above 全市 5.3
    assert q1["B"]["kaimenhong"] is False  # 10.0 < target 10.1
    assert q1["C"]["kaimenhong"] is False  # target 0.0 met, but 0.0 < 全市 5.3
    assert q1["D"]["kaimenhong"] is True


def test_kaimenhong_equal_to_the_city_passes_and_the_rule_is_configurable():
    rows = [("A", 2026, 3, 100.0, 5.0), ("B", 2026, 3, 100.0, 5.0)]  # 全市 5.0: equal
    tg = targets([("A", 2026, None, 6.0), ("B", 2026, None, 5.0)])
    out = dict(zip(*c.evaluate(BUDGET, figures(rows), tg).select("unit", "kaimenhong"), strict=True))
    assert out == {"A": False, "B": True}
    city_only = c.Spec("budget", "一般公共预算收入", "亿元", kmh_vs_target=False)
    out = dict(zip(*c.evaluate(city_only, figures(rows), tg).select("unit", "kaimenhong"), strict=True))
    assert out == {"A": True, "B": True}


def test_kaimenhong_only_at_one_to_three_months():
    out = c.evaluate(BUDGET, figures([("A", 2026, 2, 1.0, 5.0), ("A", 2026, 4, 1.0, 5.0)]), targets([("A", 2026, None, 1.0)]))
    assert out["kaimenhong"].to_list() == [None, None]


def test_shuangguoban_at_half_the_target():
    rows = [("A", 2026, 6, 50.0, 3.0), ("B", 2026, 6, 49.99, 9.0)]
    tg = targets([("A", 2026, 100.0, 5.0), ("B", 2026, 100.0, 5.0)])
    out = {r["unit"]: r for r in c.evaluate(BUDGET, figures(rows), tg).iter_rows(named=True)}
    assert out["A"]["shuangguoban"] is True and out["B"]["shuangguoban"] is False
    assert out["A"]["growth_ok"] is False and out["B"]["growth_ok"] is True  # 增速达标 is separate
    assert out["A"]["progress"] == pytest.approx(50.0) and out["A"]["schedule"] == pytest.approx(50.0)


def test_shuangguoban_of_gdp_is_judged_on_growth_only():
    rows = [("A", 2026, 6, 10.0, 5.5), ("B", 2026, 6, 999.0, 5.4)]
    tg = targets([("A", 2026, 1000.0, 5.5), ("B", 2026, 1000.0, 5.5)])
    out = dict(zip(*c.evaluate(GDP, figures(rows), tg).select("unit", "shuangguoban"), strict=True))
    assert out == {"A": True, "B": False}  # A's amount is 1 % of its target: irrelevant for GDP


def test_progress_against_schedule():
    out = c.evaluate(BUDGET, figures([("A", 2026, 9, 72.0, 5.0)]), targets([("A", 2026, 100.0, None)])).row(0, named=True)
    assert out["progress"] == pytest.approx(72.0) and out["schedule"] == pytest.approx(75.0)
    assert out["progress_gap"] == pytest.approx(-3.0)


def test_rank_up_growth_lead_share_up_are_three_columns(q1):
    assert {u: r["rank_up"] for u, r in q1.items()} == {"A": True, "B": False, "C": False, "D": False}
    assert {u: r["growth_lead"] for u, r in q1.items()} == {"A": True, "B": True, "C": False, "D": False}  # top 2, ties in
    assert {u: r["share_up"] for u, r in q1.items()} == {"A": True, "B": True, "C": True, "D": False}


def test_words():
    assert c.growth_words(-1.25) == "下降1.3%"  # 四舍五入
    assert c.growth_words(0.04) == "与上年同期持平"
    assert sentences.places(2) == "两位" and sentences.places(12) == "12位"


def test_a_ratio_is_described_by_its_level_and_the_gap_in_points():
    tax = c.Spec("tax", "税收占比", "%", judged_on=c.AMOUNT, summable=False)
    rows = [("A", 2026, 5, 80.0, None), ("B", 2026, 5, 76.0, None), ("A", 2026, 4, 75.0, None), ("B", 2026, 4, 76.0, None)]
    out = {r["unit"]: r for r in c.evaluate(tax, figures(rows)).filter(pl.col("month") == 5).iter_rows(named=True)}
    assert out["A"]["amount_gap"] == pytest.approx(2.0)  # 80.0 − mean 78.0, in points
    assert c.sentence(tax, out["A"]) == "为80.0%，高于全市平均2.0个百分点，居第1位，较上月前移一位"


def test_ranks_and_gaps_round_half_up_as_the_figures_are_shown():
    # 6.05 shows as 6.1 (四舍五入), not 6.0 (banker's rounding): it ties with 6.1.
    out = c.evaluate(BUDGET, figures([("A", 2026, 5, 1.0, 6.05), ("B", 2026, 5, 1.0, 6.1), ("C", 2026, 5, 1.0, 5.0)]))
    ranks = dict(zip(out["unit"], out["growth_rank"], strict=True))
    assert ranks == {"A": 1, "B": 1, "C": 3}
