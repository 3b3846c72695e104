"""Half-year periods (半年) in the engine: scoring, 同比 against the same half of last year,
环比 against the previous half, 累计 within the year — on hand-worked numbers."""

import pytest

from kaohe.engine import DataError, score

from .factories import leaf, scheme, totals, values

approx = pytest.approx

# gdp per half-year          2024-H1  2024-H2  2025-H1  2025-H2
GDP = {"A": (100.0, 125.0, 110.0, 130.0),
       "B": (50.0, 40.0, 60.0, 44.0),
       "C": (80.0, 80.0, 92.0, 100.0)}
HALVES = ("2024-H1", "2024-H2", "2025-H1", "2025-H2")


def half_year_case(period: str, upto: int = 4, ytd: bool = False):
    leaves = [leaf("gdp_yoy", "efficacy"), leaf("gdp_mom", "efficacy")] + ([leaf("gdp_ytd", "efficacy")] if ytd else [])
    computed = [{"code": "gdp_yoy", "yoy": "gdp"}, {"code": "gdp_mom", "mom": "gdp"}]
    sch = scheme(*leaves, computed=computed + ([{"code": "gdp_ytd", "ytd": "gdp"}] if ytd else []))
    rows = [(u, "gdp", v, HALVES[k]) for u, series in GDP.items() for k, v in enumerate(series[:upto])]
    return score(sch, values(rows), period=period)


def growth(result) -> dict[tuple[str, str], float | None]:
    return {(r["unit"], r["indicator"]): r["value"] for r in result.indicators.iter_rows(named=True)}


def test_a_half_year_is_scored_with_tongbi_against_the_same_half_last_year():
    r = half_year_case("2025-H1", upto=3)
    g = growth(r)
    # 同比 = 2025-H1 / 2024-H1 − 1:  A 110/100 → 10 %,  B 60/50 → 20 %,  C 92/80 → 15 %
    assert [g[(u, "gdp_yoy")] for u in "ABC"] == [approx(10.0), approx(20.0), approx(15.0)]
    # 环比 = 2025-H1 / 2024-H2 − 1:  A 110/125 → −12 %,  B 60/40 → 50 %,  C 92/80 → 15 %
    assert [g[(u, "gdp_mom")] for u in "ABC"] == [approx(-12.0), approx(50.0), approx(15.0)]
    t = totals(r)
    # efficacy (10 points, base 0.6): yoy best B 20, worst A 10 → A 6, B 10, C 6 + 4·5/10 = 8
    #                                 mom best B 50, worst A −12 → A 6, B 10, C 6 + 4·27/62 = 7.7419
    assert {u: t[u]["total"] for u in "ABC"} == {"A": approx(12.0), "B": approx(20.0), "C": approx(15.7419)}
    assert [t[u]["rank"] for u in "BCA"] == [1, 2, 3]
    assert r.prepared.period == "2025-H1"


def test_the_second_half_compares_with_the_first_half_of_the_same_year():
    g = growth(half_year_case("2025-H2", ytd=True))
    # 累计 (ytd) sums the year's halves: A 110 + 130 = 240, C 92 + 100 = 192
    assert (g[("A", "gdp_ytd")], g[("C", "gdp_ytd")]) == (approx(240.0), approx(192.0))
    # 同比: A 130/125 − 1 = 4 %;  环比: A 130/110 − 1 = 18.1818 %,  B 44/60 − 1 = −26.6667 %
    assert g[("A", "gdp_yoy")] == approx(4.0)
    assert g[("A", "gdp_mom")] == approx(100 * (130 / 110 - 1))
    assert g[("B", "gdp_mom")] == approx(100 * (44 / 60 - 1))


def test_the_latest_half_is_chosen_when_no_period_is_given():
    r = score(scheme(leaf("gdp", "efficacy")), values([("A", "gdp", 1.0, "2025-H1"), ("A", "gdp", 2.0, "2025H2"),
                                                      ("B", "gdp", 3.0, "2024-H2")]))
    assert r.prepared.period == "2025H2"  # labels are kept as written; ordering is by period
    assert any(w.code == "period_chosen" for w in r.warnings)


def test_the_first_half_on_record_has_no_tongbi():
    g = growth(half_year_case("2024-H1", upto=1))
    assert g[("A", "gdp_yoy")] is None and g[("A", "gdp_mom")] is None


def test_half_years_mixed_with_quarters_are_reported_row_by_row():
    rows = [("A", "gdp", 1.0, "2025-H1"), ("B", "gdp", 1.0, "2025-H1"), ("A", "gdp", 1.0, "2025Q1")]
    with pytest.raises(DataError, match=r"row 3: period '2025Q1' is not a year .* like the others \(half\)"):
        score(scheme(leaf("gdp", "efficacy")), values(rows))


def test_asking_for_a_half_year_that_has_no_values_names_the_periods_present():
    rows = [("A", "gdp", 1.0, "2025-H1"), ("B", "gdp", 2.0, "2025-H1")]
    with pytest.raises(DataError, match=r"no values for period '2025-H2' \(periods present: 2025-H1\)"):
        score(scheme(leaf("gdp", "efficacy")), values(rows), period="2025-H2")
