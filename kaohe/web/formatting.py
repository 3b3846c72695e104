"""Numbers, amounts, changes and dates formatted for the reader's language.

Pure functions (no request, no templates) so that reports and exports can use
them too; ``kaohe.web.templatetags.kaohe_format`` wraps them as template
filters for the active language.

Conventions (stated once, used everywhere):
- Amounts are stored in 万元 (the unit of Chinese statistical and project
  reporting). ``wanyuan`` shows them in 万元, ``yiyuan`` in 亿元 (÷ 10 000),
  ``amount`` picks 亿元 from 1 亿 upward. Pass ``unit="yuan"`` for values in 元.
  English shows plain yuan, million yuan or billion yuan.
- Percentages are stored as percent numbers (5.2 means 5.2 %), as the
  statistical bulletins print them; ``ratio`` takes a fraction (0.052).
- Rounding is 四舍五入 (half up), on the decimal value, never on a float.
- A missing value shows as an em dash "—".
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MISSING = "—"
UP, DOWN, FLAT = "▲", "▼", "—"
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
QUARTERS_ZH = ("一", "二", "三", "四")


def is_english(language: str | None) -> bool:
    return bool(language) and language.lower().startswith("en")


def to_decimal(value) -> Decimal | None:
    """``value`` as a Decimal, or None for missing/non-numeric values (None, "", NaN)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if number.is_nan() or number.is_infinite():
        return None
    return number


def number(value, digits: int = 0) -> str:
    """``1234567.891`` → ``"1,234,567.89"`` (digits=2). Half-up rounding, thousands separators."""
    d = to_decimal(value)
    if d is None:
        return MISSING
    quantum = Decimal(1).scaleb(-digits)
    rounded = d.quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.00"
    return f"{rounded:,.{digits}f}"


def _wan(value, unit: str) -> Decimal | None:
    d = to_decimal(value)
    if d is None:
        return None
    if unit == "yuan":
        return d / Decimal(10_000)
    if unit != "wanyuan":
        raise ValueError(f"unknown amount unit {unit!r}: use 'wanyuan' or 'yuan'")
    return d


def _english_amount(wan: Decimal, digits: int) -> str:
    yuan = wan * 10_000
    if abs(yuan) >= Decimal("1e9"):
        return f"{number(yuan / Decimal('1e9'), max(digits, 2))} billion yuan"
    if abs(yuan) >= Decimal("1e6"):
        return f"{number(yuan / Decimal('1e6'), max(digits, 2))} million yuan"
    return f"{number(yuan, 0)} yuan"


def wanyuan(value, language: str | None = None, digits: int = 2, unit: str = "wanyuan") -> str:
    """An amount in 万元: ``12345.678`` → ``"12,345.68万元"`` / ``"123.46 million yuan"``."""
    wan = _wan(value, unit)
    if wan is None:
        return MISSING
    if is_english(language):
        return _english_amount(wan, digits)
    return f"{number(wan, digits)}万元"


def yiyuan(value, language: str | None = None, digits: int = 2, unit: str = "wanyuan") -> str:
    """An amount shown in 亿元: ``12345.678`` (万元) → ``"1.23亿元"`` / ``"123.46 million yuan"``."""
    wan = _wan(value, unit)
    if wan is None:
        return MISSING
    if is_english(language):
        return _english_amount(wan, digits)
    return f"{number(wan / Decimal(10_000), digits)}亿元"


def amount(value, language: str | None = None, digits: int = 2, unit: str = "wanyuan") -> str:
    """亿元 from 1 亿 upward, else 万元: the way bulletins print money."""
    wan = _wan(value, unit)
    if wan is None:
        return MISSING
    if abs(wan) >= 10_000:
        return yiyuan(wan, language, digits)
    return wanyuan(wan, language, digits)


def percent(value, digits: int = 1) -> str:
    """A percent number: ``5.25`` → ``"5.3%"``."""
    d = to_decimal(value)
    return MISSING if d is None else f"{number(d, digits)}%"


def ratio(value, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.0525`` → ``"5.3%"``."""
    d = to_decimal(value)
    return MISSING if d is None else percent(d * 100, digits)


def signed(value, digits: int = 1) -> str:
    """``1.25`` → ``"+1.3"``, ``-0.8`` → ``"-0.8"``, ``0`` → ``"0.0"``."""
    d = to_decimal(value)
    if d is None:
        return MISSING
    text = number(d, digits)
    return f"+{text}" if d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP) > 0 else text


def direction(value, digits: int = 1) -> int:
    """+1 up, -1 down, 0 flat (after rounding to ``digits``), None-safe (0)."""
    d = to_decimal(value)
    if d is None:
        return 0
    rounded = d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return (rounded > 0) - (rounded < 0)


def change(value, digits: int = 1, suffix: str = "") -> str:
    """A change with an arrow: ``2.345`` → ``"▲2.3"``, ``-1`` → ``"▼1.0"``, ``0`` → ``"—0.0"``."""
    d = to_decimal(value)
    if d is None:
        return MISSING
    arrow = {1: UP, -1: DOWN, 0: FLAT}[direction(d, digits)]
    return f"{arrow}{number(abs(d), digits)}{suffix}"


def change_pp(value, language: str | None = None, digits: int = 1) -> str:
    """A change in percentage points: ``"▲1.2个百分点"`` / ``"▲1.2 pp"``."""
    return change(value, digits, " pp" if is_english(language) else "个百分点")


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
    if is_english(language):
        return f"{MONTHS_EN[d.month - 1]} {d.year}"
    return f"{d.year}年{d.month}月"


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
    """``(2025, 1)`` → ``"2025年第一季度"`` / ``"Q1 2025"``."""
    if not 1 <= quarter <= 4:
        raise ValueError(f"bad quarter {quarter}")
    return f"Q{quarter} {year}" if is_english(language) else f"{year}年第{QUARTERS_ZH[quarter - 1]}季度"
