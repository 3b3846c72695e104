"""Template filters and tags for numbers, amounts, changes and dates in the active language.

    {% load kaohe_format %}
    {{ v|wanyuan }}  {{ v|wanyuan:0 }}  {{ v|wanyuan:"yuan" }}  {{ v|yiyuan:"yuan,1" }}  {{ v|amount }}
    {{ v|num:2 }}  {{ v|thousands }}  {{ v|percent }}  {{ v|ratio }}  {{ v|signed }}
    <span class="{{ v|trend_class }}">{{ v|change }}</span>  {{ v|change_pct }}  {{ v|change_pp }}
    <span class="{{ rank|rank_trend_class:prev }}">{{ rank|rank_change:prev }}</span>
    {{ d|kmonth }} (2024年3月 / Mar 2024)  {{ d|kdate }} (2024年3月5日 / 5 Mar 2024)
    {% period_label 2025 3 %} (2025年1-3月累计)  {% quarter_label 2025 1 %}
    {% status_badge obj.status obj.get_status_display %}  {% light "red" _("红灯") %}

Numbers are ``kaohe.lib.numbers`` (the conventions: amounts stored in 万元, percent numbers,
四舍五入); dates and ranks ``kaohe.web.formatting``.
    {{ v|figure:spec.unit_of_measure }} (a value with its indicator's unit: 12.35万元, 5.3%, 12个)
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from kaohe.lib import numbers as n
from kaohe.web import formatting as f

register = template.Library()


def _amount_args(arg) -> tuple[int, str]:
    digits, unit = 2, "wanyuan"
    for token in str(arg).split(",") if arg not in (None, "") else ():
        token = token.strip()
        if token in ("yuan", "wanyuan"):
            unit = token
        elif token:
            digits = int(token)
    return digits, unit


def _digits(arg, default: int) -> int:
    return default if arg in (None, "") else int(arg)


@register.filter
def wanyuan(value, arg=None):
    digits, unit = _amount_args(arg)
    return n.wanyuan(value, get_language(), digits, unit)


@register.filter
def yiyuan(value, arg=None):
    digits, unit = _amount_args(arg)
    return n.yiyuan(value, get_language(), digits, unit)


@register.filter
def amount(value, arg=None):
    digits, unit = _amount_args(arg)
    return n.amount(value, get_language(), digits, unit)


@register.filter
def num(value, arg=None):
    return n.number(value, _digits(arg, 2))


@register.filter
def figure(value, unit=None):
    return n.figure(value, unit, language=get_language())


@register.filter
def reason(error):
    """An import error's (RowError, NumberError) reason in the active language."""
    english = n.is_english(get_language())
    return (getattr(error, "reason_en", "") if english else "") or getattr(error, "reason", str(error))


@register.filter
def thousands(value):
    return n.number(value, 0)


@register.filter
def percent(value, arg=None):
    return n.percent(value, _digits(arg, 1))


@register.filter
def ratio(value, arg=None):
    return n.ratio(value, _digits(arg, 1))


@register.filter
def signed(value, arg=None):
    return n.signed(value, _digits(arg, 1))


@register.filter
def change(value, arg=None):
    return n.change(value, _digits(arg, 1))


@register.filter
def change_pct(value, arg=None):
    return n.change(value, _digits(arg, 1), "%")


@register.filter
def change_pp(value, arg=None):
    return n.change_pp(value, get_language(), _digits(arg, 1))


@register.filter
def trend_class(value, arg=None):
    """CSS class for a change: change-up (red, by Chinese convention), change-down (green), change-flat."""
    return {1: "change-up", -1: "change-down", 0: "change-flat"}[n.direction(value, _digits(arg, 1))]


@register.filter
def rank_change(current, previous):
    return f.rank_change(current, previous, get_language())


@register.filter
def rank_trend_class(current, previous):
    return {1: "change-up", -1: "change-down", 0: "change-flat"}[f.rank_direction(current, previous)]


@register.filter
def kmonth(value):
    return f.month_label(value, get_language())


@register.filter
def kdate(value):
    return f.date_label(value, get_language())


@register.simple_tag
def period_label(year, end_month=None, start_month=1, cumulative=True):
    return f.period_label(int(year), None if end_month in (None, "") else int(end_month),
                          int(start_month), bool(cumulative), get_language())


@register.simple_tag
def quarter_label(year, quarter):
    return f.quarter_label(int(year), int(quarter), get_language())


# Status words other apps use for their workflows, mapped to a badge colour.
BADGE_CLASSES = {
    "draft": "draft", "new": "draft", "not_started": "draft",
    "submitted": "submitted", "in_progress": "in-progress", "processing": "in-progress", "accepted": "in-progress",
    "reviewing": "submitted", "pending": "pending",
    "approved": "approved", "published": "published", "done": "done", "closed": "done", "completed": "done",
    "resolved": "done", "verified": "approved",
    "returned": "returned", "warning": "warning", "delayed": "warning",
    "rejected": "rejected", "overdue": "overdue", "error": "danger", "withdrawn": "muted", "cancelled": "muted",
    "red": "danger", "yellow": "warning", "green": "success",
}


@register.simple_tag
def status_badge(status, label=None):
    """``<span class="badge badge-approved">已审核</span>`` for a workflow status code."""
    css = BADGE_CLASSES.get(str(status).lower(), "muted")
    return format_html('<span class="badge badge-{}">{}</span>', css, label if label not in (None, "") else status)


@register.simple_tag
def light(colour, label=""):
    """A traffic light (red/yellow/green) with its label: 红灯/黄灯/绿灯 warnings and progress."""
    colour = str(colour).lower()
    if colour not in ("red", "yellow", "green"):
        colour = "none"
    return format_html('<span class="light light-{}">{}</span>', colour, label)


@register.simple_tag
def chart(chart_id, options, label="", size=""):
    """An ECharts container plus its JSON options block (initialised by kaohe-charts.js).

    ``{% chart "trend" trend_options label=_("月度趋势") size="lg" %}``
    """
    from django.utils.html import json_script

    dom_id = f"chart-{chart_id}"
    size_class = f" chart-{size}" if size in ("sm", "lg") else ""
    return format_html(
        '<div class="chart{}" id="{}" data-chart-options="{}-options" role="img" aria-label="{}">'
        '<span class="chart-fallback">{}</span></div>{}',
        size_class, dom_id, dom_id, label, label, json_script(options, f"{dom_id}-options"),
    )
