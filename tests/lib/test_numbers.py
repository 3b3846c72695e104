"""The one number parser and formatter (kaohe.lib.numbers) — hand-worked cases."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.lib import numbers as n


@pytest.mark.parametrize("raw, expected", [
    ("12", Decimal("12")),
    ("-3.5", Decimal("-3.5")),
    ("+7", Decimal("7")),
    (".5", Decimal("0.5")),
    ("5.1", Decimal("5.1")),
    ("5,100", Decimal("5100")),  # thousands grouped by three: unambiguous
    ("1,234,567.89", Decimal("1234567.89")),
    ("１２．５", Decimal("12.5")),  # full-width digits and point
    ("５，１００", Decimal("5100")),  # full-width comma, grouped by three
    ("－３", Decimal("-3")),
    ("5.2%", Decimal("5.2")),  # percentages are stored as percent numbers
    ("1.2E+05", Decimal("1.2E+5")),
    ("  7  ", Decimal("7")),
    (12, Decimal("12")),
    (88.5, Decimal("88.5")),
    (0.1, Decimal("0.1")),  # the float's shortest repr, not 0.1000000000000000055…
    (Decimal("3.25"), Decimal("3.25")),
])
def test_parse_reads_the_numbers_people_and_excel_write(raw, expected):
    assert n.parse_number(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", "-", "—"])
def test_parse_reads_blanks_and_dashes_as_no_value_not_zero(raw):
    assert n.parse_number(raw) is None


@pytest.mark.parametrize("raw, reason", [
    ("5,1", "逗号用法不明确"),  # was silently stored as 51
    ("5,10", "逗号用法不明确"),
    ("1,23,456", "逗号用法不明确"),  # Indian grouping
    ("5.100,5", "逗号用法不明确"),  # European decimal comma
    ("5,100.5,2", "逗号用法不明确"),
    ("1.2.3", "小数点不止一个"),
    ("1 000", "数字中间有空格"),
    ("1.2万", "不要带单位"),
    ("5万元", "不要带单位"),
    ("3个", "不要带单位"),
    ("abc", "不是数字"),
    ("NaN", "不是数字"),
    ("inf", "不是数字"),
    ("(5)", "不是数字"),
    (float("nan"), "不是有限的数值"),
    (float("inf"), "不是有限的数值"),
    (True, "是/否"),
    ("1e400", "超出允许范围"),
    (1e20, "超出允许范围"),
])
def test_parse_refuses_ambiguous_or_non_numeric_text_with_a_reason(raw, reason):
    with pytest.raises(n.NumberError) as err:
        n.parse_number(raw)
    assert reason in err.value.reason
    assert err.value.reason_en and err.value.text("en") == err.value.reason_en


def test_the_comma_error_explains_both_readings_in_both_languages():
    with pytest.raises(n.NumberError) as err:
        n.parse_number("5,1")
    assert "5,100" in err.value.reason and "5.1" in err.value.reason
    assert "thousands must be grouped by three" in err.value.reason_en


def test_a_percent_sign_is_refused_for_an_indicator_not_measured_in_percent():
    assert n.parse_number("5%", unit="%") == Decimal("5")
    with pytest.raises(n.NumberError, match="计量单位是万元"):
        n.parse_number("5%", unit="万元")


def test_the_field_bound_comes_from_the_decimal_field():
    limit = n.field_limit(14, 2)  # DecimalField(14, 2): what rounds to two places below 10**12
    assert limit == Decimal("999999999999.995")
    assert n.parse_number("999999999999.99", max_abs=limit) == Decimal("999999999999.99")
    assert n.parse_number("999999999999.994", max_abs=limit) == Decimal("999999999999.994")
    with pytest.raises(n.NumberError, match="1,000,000,000,000"):
        n.parse_number("1e12", max_abs=limit)


def test_a_value_that_the_database_would_round_up_to_the_bound_is_refused():
    # 999,999,999,999.999 is below 10^12 but a DecimalField(14, 2) stores it as 1,000,000,000,000.00:
    # PostgreSQL answered "numeric field overflow" (a 500 on the project import), SQLite stored a REAL.
    limit = n.field_limit(14, 2)
    for raw in ("999999999999.995", "999999999999.999", 999999999999.999, "-999999999999.995"):
        with pytest.raises(n.NumberError, match="超出允许范围"):
            n.parse_number(raw, max_abs=limit)


@pytest.mark.parametrize("value, digits, expected", [
    (2.345, 2, "2.35"),  # 四舍五入 on the decimal 2.345, though the float is 2.34499…
    (2.5, 0, "3"),  # half up, not banker's 2
    (-2.5, 0, "-3"),  # half away from zero: the sign does not change the rounding
    (0.125, 2, "0.13"),
    (2.675, 2, "2.68"),
    (Decimal("0.005"), 2, "0.01"),
    (-0.001, 2, "0.00"),  # no "-0.00"
    (1234567.891, 2, "1,234,567.89"),
    (None, 2, "—"),
    ("abc", 2, "—"),
])
def test_number_rounds_half_up_on_the_decimal_value(value, digits, expected):
    assert n.number(value, digits) == expected


def test_round_half_up_and_rounded_float_agree_with_the_text():
    assert n.round_half_up(2.345, 2) == Decimal("2.35")
    assert n.round_half_up(-2.5) == Decimal("-3")
    assert n.rounded_float(2.345, 2) == 2.35
    assert n.rounded_float(None) is None


def test_plain_shows_the_stored_decimal_exactly():
    assert n.plain(Decimal("12.500")) == "12.5"
    assert n.plain(Decimal("1E+5")) == "100000"
    assert n.plain(Decimal("-0.000")) == "0"
    assert n.plain(None) == ""


@pytest.mark.parametrize("value, unit, language, expected", [
    (12345.6, "万元", None, "12,345.60万元"),
    (1.234, "亿元", None, "1.23亿元"),
    (5.25, "%", None, "5.3%"),  # % defaults to one place
    (12, "个", None, "12个"),  # counts default to none
    (12.5, "个", None, "13个"),  # 12.5 → 13, half up
    (3.14159, "吨", None, "3.14吨"),
    (None, "万元", None, "—"),
    (12, "个", "en", "12"),
    (3, "场", "en", "3 events"),  # 招商活动举办场次 on the English attraction board
    (1.234, "亿元", "en", "123.40 million yuan"),  # 1.234亿 = 123,400,000 yuan
    (5.25, "%", "en", "5.3%"),
])
def test_figure_shows_a_value_with_its_indicators_unit(value, unit, language, expected):
    assert n.figure(value, unit, language=language) == expected


@given(st.decimals(min_value=-10**11, max_value=10**11, allow_nan=False, places=4))  # 15 significant digits at most
def test_what_the_formatter_writes_without_grouping_the_parser_reads_back(d):
    text = n.number(d, 4, grouping=False)
    assert n.parse_number(text) == d


@given(st.decimals(min_value=-10**9, max_value=10**9, allow_nan=False, places=2))
def test_grouped_figures_read_back_too(d):
    assert n.parse_number(n.number(d, 2)) == d


def test_round_expr_rounds_frames_half_up_like_number():
    import polars as pl

    df = pl.DataFrame({"x": [2.345, 2.5, -2.5, 1.005, 0.125]})
    out = df.select(n.round_expr(pl.col("x"), 2).alias("r2"), n.round_expr(pl.col("x"), 0).alias("r0"))
    assert out["r2"].to_list() == [2.35, 2.5, -2.5, 1.01, 0.13]  # 1.005 is 1.00499… as a float
    assert out["r0"].to_list() == [2.0, 3.0, -3.0, 1.0, 0.0]


def test_number_expr_applies_the_parsers_rules_to_a_column():
    import polars as pl

    df = pl.DataFrame({"x": ["5,1", "5,100", "5.1", "１２．５", "5.2%", "", "-", "abc"]})
    assert df.select(n.number_expr(pl.col("x")))["x"].to_list() == [None, 5100.0, 5.1, 12.5, 5.2, None, None, None]
    assert df.select(n.is_blank_expr(pl.col("x")))["x"].to_list() == [False] * 5 + [True, True, False]


def test_the_project_bulletin_rounds_half_up_not_half_to_even():
    from kaohe.reports.bulletins.projects import _fmt

    # 0.25 and 2.5 are exact in binary: "{:.1f}" / "{:.0f}" printed 0.2 and 2 (half to even).
    assert (_fmt(0.25, 1), _fmt(2.5, 0), _fmt(None, 1)) == ("0.3", "3", "—")


def test_the_places_a_figure_is_shown_with_depend_on_its_unit():
    assert [n.default_digits(u) for u in ("亿元", "%", "人", "个", "万美元", "", None)] == [2, 1, 0, 0, 2, 2, 2]
    # figure() uses the same rule: 1002 people whole, 99.994 亿元 at two places (四舍五入).
    assert n.figure(1002.4, "人") == "1,002人" and n.figure(99.994, "亿元") == "99.99亿元"


def test_more_than_fifteen_significant_digits_are_refused_and_a_float_is_taken_at_fifteen():
    # Excel keeps 15 significant digits, and so does SQLite's reading of a DecimalField: a target of
    # -396691744327166460.952576 in a (24, 6) field came back as -396691744327166000 (exact on PostgreSQL).
    for raw in ("-396691744327166460.952576", "1234567890.123456", "0.1234567890123456", 2**53 + 1):
        with pytest.raises(n.NumberError, match="有效数字超过 15 位"):
            n.parse_number(raw, max_abs=None)
    assert n.parse_number("123456789012345", max_abs=None) == Decimal("123456789012345")
    assert n.parse_number("1.5e20", max_abs=None) == Decimal("1.5e20")  # trailing zeros are not digits
    assert n.parse_number(1 / 3) == Decimal("0.333333333333333")  # what a formula cell =1/3 shows in Excel
    assert n.parse_number(0.1 + 0.2) == Decimal("0.3")
