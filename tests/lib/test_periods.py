"""The one period type: codes, labels, parsing and arithmetic (kaohe.lib.periods)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.lib.periods import Period, PeriodKind, parse_period

H1 = Period(PeriodKind.HALF, 2025, 1)


@st.composite
def periods(draw, first_year: int = 1000, last_year: int = 9999) -> Period:
    kind = draw(st.sampled_from(list(PeriodKind)))
    return Period(kind, draw(st.integers(first_year, last_year)), draw(st.integers(1, kind.per_year)))


@given(periods())
def test_parsing_a_code_gives_back_the_period(p):
    assert parse_period(p.code) == p


@given(periods(), st.sampled_from(["zh-hans", "en"]))
def test_parsing_a_label_in_either_language_gives_back_the_period(p, language):
    assert parse_period(p.label(language)) == p


@given(periods(1100, 9900), st.integers(-30, 30))
def test_ordinals_count_periods_of_one_kind(p, steps):
    assert p.shifted(steps).ordinal == p.ordinal + steps
    assert Period.from_ordinal(p.kind, p.ordinal) == p


def test_each_kind_has_one_code_and_its_labels():
    cases = [
        (Period("year", 2025), "2025", "2025年度", "2025"),
        (H1, "2025-H1", "2025年上半年", "H1 2025"),
        (Period("half", 2025, 2), "2025-H2", "2025年下半年", "H2 2025"),
        (Period("quarter", 2025, 3), "2025Q3", "2025年第3季度", "Q3 2025"),
        (Period("month", 2025, 3), "2025-03", "2025年3月", "Mar 2025"),
    ]
    for p, code, zh, en in cases:
        assert (p.code, p.label(), p.label("zh-hans"), p.label("en")) == (code, zh, zh, en)


def test_the_variants_people_type_are_read():
    assert parse_period("2025-Q3") == parse_period("2025q3") == parse_period("Q3 2025") == Period("quarter", 2025, 3)
    assert parse_period("2025H1") == parse_period("2025-h1") == parse_period(" 2025 - H1 ") == H1
    assert parse_period("202503") == parse_period("2025-3") == parse_period("2025年03月") == Period("month", 2025, 3)
    assert parse_period(2025) == parse_period("2025.0") == parse_period("2025年") == Period("year", 2025)
    assert parse_period("2025年一季度") == parse_period("2025年第一季度") == Period("quarter", 2025, 1)


@pytest.mark.parametrize("text", ["March", "2025-H3", "2025Q5", "2025-13", "2025-00", "25", "0999", "", None, True,
                                  "Foo 2025", "2025年第5季度"])
def test_text_that_names_no_period_is_none(text):
    assert parse_period(text) is None


def test_parse_names_the_accepted_forms_when_it_fails():
    with pytest.raises(ValueError, match=r"'2025-H3' is not a year \(2025\), half-year \(2025-H1\), quarter"):
        Period.parse("2025-H3")


def test_a_period_out_of_range_is_refused():
    with pytest.raises(ValueError, match="half number 3 is not between 1 and 2"):
        Period("half", 2025, 3)
    with pytest.raises(ValueError):
        Period("week", 2025, 1)


def test_half_years_step_back_across_the_year_for_huanbi_and_a_year_for_tongbi():
    # 环比 of 2025-H1 is 2024-H2; 同比 is 2024-H1
    assert H1.previous() == Period("half", 2024, 2)
    assert H1.same_period_last_year() == Period("half", 2024, 1)
    assert Period("half", 2025, 2).previous() == H1
    assert Period("month", 2025, 1).previous() == Period("month", 2024, 12)


def test_bounds_span_the_kind_s_months():
    assert (H1.start, H1.end) == (dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    q = Period("quarter", 2024, 1)
    assert (q.first_month, q.last_month, q.end) == (1, 3, dt.date(2024, 3, 31))
    assert Period("month", 2024, 2).end == dt.date(2024, 2, 29)  # leap year
    assert Period("half", 2025, 2).start == dt.date(2025, 7, 1)


def test_kinds_map_to_the_indicator_frequencies_and_back():
    for kind in PeriodKind:
        assert PeriodKind.of_frequency(kind.frequency) is kind
    assert PeriodKind.HALF.frequency == "half_yearly" and PeriodKind.HALF.per_year == 2
    with pytest.raises(ValueError, match="unknown frequency 'weekly'"):
        PeriodKind.of_frequency("weekly")
