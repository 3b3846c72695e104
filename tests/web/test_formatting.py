"""Locale formatting of amounts, percentages, changes, ranks and dates — hand-worked numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from kaohe.lib import numbers as n
from kaohe.web import formatting as f


def render(source: str, language: str = "zh-hans", **context) -> str:
    with translation.override(language):
        return Template("{% load kaohe_format %}" + source).render(Context(context))


def test_wanyuan_rounds_half_up_with_thousands_separators():
    assert n.wanyuan(12345.678) == "12,345.68万元"
    assert n.wanyuan(Decimal("0.005")) == "0.01万元"  # 四舍五入, not banker's rounding
    assert n.wanyuan(2.675) == "2.68万元"  # the float 2.675 is 2.67499… in binary; we round its decimal
    assert n.wanyuan(-1500) == "-1,500.00万元"


def test_yiyuan_divides_wanyuan_by_ten_thousand():
    assert n.yiyuan(12345.678) == "1.23亿元"
    assert n.yiyuan(23456789) == "2,345.68亿元"


def test_amounts_given_in_yuan():
    assert n.wanyuan(123456789, unit="yuan") == "12,345.68万元"
    assert n.yiyuan(123456789, unit="yuan", digits=1) == "1.2亿元"


def test_amount_switches_to_yiyuan_from_one_yi():
    assert n.amount(9999) == "9,999.00万元"
    assert n.amount(10000) == "1.00亿元"


def test_amounts_in_english_are_plain_yuan_millions_and_billions():
    assert n.wanyuan(12345.678, "en") == "123.46 million yuan"  # 12,345.678万 = 123,456,780 yuan
    assert n.yiyuan(23456789, "en") == "234.57 billion yuan"  # 2,345.6789亿 = 234,567,890,000 yuan
    assert n.wanyuan(5, "en") == "50,000 yuan"


def test_missing_values_show_a_dash():
    for value in (None, "", float("nan"), "abc"):
        assert n.wanyuan(value) == "—"
        assert n.percent(value) == "—"
        assert n.change(value) == "—"


def test_percent_and_ratio():
    assert n.percent(5.25) == "5.3%"
    assert n.percent(12, 0) == "12%"
    assert n.ratio(0.0525) == "5.3%"


def test_signed_and_change_arrows():
    assert n.signed(1.25) == "+1.3"
    assert n.signed(-0.8) == "-0.8"
    assert n.signed(0.04) == "0.0"  # rounds to zero: no sign
    assert n.change(2.345) == "▲2.3"
    assert n.change(-1) == "▼1.0"
    assert n.change(0.04) == "—0.0"
    assert n.change(3.14, 1, "%") == "▲3.1%"
    assert n.change_pp(-1.26) == "▼1.3个百分点"
    assert n.change_pp(-1.26, "en") == "▼1.3 pp"


def test_rank_change_counts_places_moved_up():
    assert f.rank_change(3, 5) == "▲2"  # from 5th to 3rd
    assert f.rank_change(6, 2) == "▼4"
    assert f.rank_change(4, 4) == "持平"
    assert f.rank_change(4, 4, "en") == "unchanged"
    assert f.rank_change(4, None) == "—"


def test_month_and_date_labels():
    assert f.month_label(dt.date(2024, 3, 5)) == "2024年3月"
    assert f.month_label("2024-03", "en") == "Mar 2024"
    assert f.date_label(dt.date(2024, 3, 5)) == "2024年3月5日"
    assert f.date_label(dt.date(2024, 3, 5), "en") == "5 Mar 2024"


def test_month_label_uses_local_time_for_aware_datetimes():
    # 2024-03-31 17:00 UTC is 2024-04-01 01:00 in Asia/Shanghai.
    moment = dt.datetime(2024, 3, 31, 17, 0, tzinfo=dt.UTC)
    assert f.month_label(moment) == "2024年4月"


def test_period_labels():
    assert f.period_label(2025, 3) == "2025年1-3月累计"
    assert f.period_label(2025, 3, language="en") == "Jan–Mar 2025 (cumulative)"
    assert f.period_label(2025, 6, 4, cumulative=False) == "2025年4-6月"
    assert f.period_label(2025, 3, 3) == "2025年3月"
    assert f.period_label(2025) == "2025年度"
    assert f.period_label(2025, 12) == "2025年度"
    assert f.quarter_label(2025, 1) == "2025年第1季度"
    assert f.quarter_label(2025, 4, "en") == "Q4 2025"
    with pytest.raises(ValueError):
        f.period_label(2025, 2, 5)


def test_filters_follow_the_active_language():
    source = "{{ v|wanyuan }}|{{ d|kmonth }}|{{ v|yiyuan:'1' }}|{% period_label 2025 3 %}"
    context = {"v": 12345.678, "d": dt.date(2024, 3, 1)}
    assert render(source, **context) == "12,345.68万元|2024年3月|1.2亿元|2025年1-3月累计"
    assert render(source, "en", **context) == (
        "123.46 million yuan|Mar 2024|123.46 million yuan|Jan–Mar 2025 (cumulative)"
    )


def test_amount_filter_arguments_take_digits_and_unit():
    assert render("{{ v|wanyuan:'yuan,0' }}", v=123456789) == "12,346万元"
    assert render("{{ v|num }}|{{ v|thousands }}", v=1234567.891) == "1,234,567.89|1,234,568"


def test_trend_classes_follow_the_chinese_convention_red_up():
    assert render("{{ v|trend_class }}", v=1.2) == "change-up"
    assert render("{{ v|trend_class }}", v=-0.01) == "change-flat"
    assert render("{{ r|rank_trend_class:p }}", r=2, p=5) == "change-up"


def test_status_badge_and_light_tags_escape_their_labels():
    assert render('{% status_badge "approved" "已审核" %}') == '<span class="badge badge-approved">已审核</span>'
    assert render('{% status_badge "weird" label %}', label="<b>x</b>") == '<span class="badge badge-muted">&lt;b&gt;x&lt;/b&gt;</span>'
    assert render('{% light "red" "红灯" %}') == '<span class="light light-red">红灯</span>'


def test_chart_tag_emits_a_container_and_a_json_block():
    html = render('{% chart "trend" opts label="趋势" %}', opts={"series": [{"type": "bar", "data": [1, 2]}]})
    assert 'data-chart-options="chart-trend-options"' in html
    assert '<script id="chart-trend-options" type="application/json">' in html
    assert '"type": "bar"' in html
