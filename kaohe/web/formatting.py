"""Dates, periods and rank movements formatted for the reader's language.

Pure functions (no request, no templates) so that reports and exports can use
them too; ``kaohe.web.templatetags.kaohe_format`` wraps them as template
filters for the active language. Numbers, amounts and percentages are
``kaohe.lib.numbers`` (the one formatter: 四舍五入 on the decimal value, units
万元/亿元/%/个); this module only adds what is about calendars and ranks.
"""

from __future__ import annotations

import datetime as dt

from kaohe.lib.numbers import DOWN, MISSING, UP, is_english
from kaohe.lib.periods import MONTHS_EN, Period, PeriodKind


def rank_change(current, previous, language: str | None = None) -> str:
    """Rank movement from ``previous`` to ``current`` (1 = first): 5 → 3 is ``"▲2"`` (up two places)."""
    if current in (None, "") or previous in (None, ""):
        return MISSING
    moved = int(previous) - int(current)
    if moved == 0:
        return "unchanged" if is_english(language) else "持平"
    arrow = UP if moved > 0 else DOWN
    return f"{arrow}{abs(moved)}"


def rank_direction(current, previous) -> int:
    if current in (None, "") or previous in (None, ""):
        return 0
    moved = int(previous) - int(current)
    return (moved > 0) - (moved < 0)


def _as_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 7:  # 2024-03
                return dt.date(int(text[:4]), int(text[5:7]), 1)
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
    return None


def month_label(value, language: str | None = None) -> str:
    """``date(2024, 3, 5)`` or ``"2024-03"`` → ``"2024年3月"`` / ``"Mar 2024"``."""
    d = _as_date(value)
    if d is None:
        return MISSING
    return Period(PeriodKind.MONTH, d.year, d.month).label(language)


def date_label(value, language: str | None = None) -> str:
    """``date(2024, 3, 5)`` → ``"2024年3月5日"`` / ``"5 Mar 2024"``."""
    d = _as_date(value)
    if d is None:
        return MISSING
    if is_english(language):
        return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"
    return f"{d.year}年{d.month}月{d.day}日"


def period_label(year: int, end_month: int | None = None, start_month: int = 1,
                 cumulative: bool = True, language: str | None = None) -> str:
    """Label of a reporting period.

    - whole year (no end month, or 1–12 cumulative): ``"2025年度"`` / ``"2025 (full year)"``;
    - one month (start == end): ``"2025年3月"`` / ``"Mar 2025"``;
    - months start–end: ``"2025年1-3月累计"`` / ``"Jan–Mar 2025 (cumulative)"``;
      with ``cumulative=False`` ``"2025年4-6月"`` / ``"Apr–Jun 2025"``.
    """
    en = is_english(language)
    if end_month is None or (start_month == 1 and end_month == 12 and cumulative):
        return f"{year} (full year)" if en else f"{year}年度"
    if not (1 <= start_month <= end_month <= 12):
        raise ValueError(f"bad period months {start_month}-{end_month}")
    if start_month == end_month:
        return f"{MONTHS_EN[end_month - 1]} {year}" if en else f"{year}年{end_month}月"
    if en:
        text = f"{MONTHS_EN[start_month - 1]}–{MONTHS_EN[end_month - 1]} {year}"
        return f"{text} (cumulative)" if cumulative else text
    text = f"{year}年{start_month}-{end_month}月"
    return f"{text}累计" if cumulative else text


def quarter_label(year: int, quarter: int, language: str | None = None) -> str:
    """``(2025, 1)`` → ``"2025年第1季度"`` / ``"Q1 2025"`` (the label of :class:`kaohe.lib.periods.Period`)."""
    return Period(PeriodKind.QUARTER, year, quarter).label(language)
