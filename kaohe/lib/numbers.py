"""Numbers: the one parser for typed/imported figures and the one formatter for showing them.

No Django here: pages (``kaohe.web.templatetags.kaohe_format``), Excel, Word and PDF all call
these functions, so a figure reads the same everywhere.

Parsing (``parse_number``) — what a cell or a form field may contain:

- a number as Excel or a person writes it: ``12``, ``-3.5``, ``+7``, ``.5``, ``1.2E+05``;
- thousands grouping only when it is unambiguous: groups of exactly three digits after the
  first comma (``5,100`` = 5100, ``1,234,567.8``). Anything else with a comma is refused,
  because a European writes ``5,1`` for 5.1 and we must not store 51: ``5,1``, ``5,10``,
  ``1,23,456``, ``5.100,5`` and a comma after the decimal point are errors;
- full-width digits and signs (``１２．５``, ``－３``, ``５，１００``) as their ASCII forms;
- a trailing ``%`` (``5.2%`` → 5.2): percentages are stored as percent numbers. When the
  caller passes the indicator's unit and it is not ``%``, the sign is an error;
- blank (``None``, ``""``, spaces, ``-``, ``—``) is *no value* (None), not zero;
- refused with a reason: words, units (``1.2万``, ``5万元``, ``3个`` — write the number in the
  indicator's unit instead: a multiplier depends on that unit and is too easily doubled),
  spaces inside a number, ``NaN``/``inf``, booleans, magnitudes at or beyond ``max_abs``
  (by default 1e17; pass the field's bound, e.g. ``field_limit(14, 2)`` ≈ 1e12) and more than 15
  significant digits (``SIGNIFICANT``: Excel keeps 15; a float is taken at 15, as Excel shows it).

Formatting (``number``, ``figure``, ``wanyuan`` …) rounds 四舍五入 — half away from zero on the
decimal value (``Decimal.quantize(ROUND_HALF_UP)``), never on the float's binary expansion:
2.345 → 2.35, 2.5 → 3, -2.5 → -3, 0.125 → 0.13 (two places); banker's rounding (Python's
``round`` and ``"{:.1f}"``) is not used anywhere a person reads a figure. Amounts are stored in
万元; percentages as percent numbers (5.2 means 5.2%); a missing value shows as "—".
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MISSING = "—"
UP, DOWN, FLAT = "▲", "▼", "—"
DEFAULT_MAX_ABS = Decimal("1e17")
#: Significant digits a figure may have: Excel keeps 15, and so does SQLite's reading of a
#: DecimalField (a 24-digit value of DataValue(24, 6) came back changed there, exact on PostgreSQL).
SIGNIFICANT = 15
_INF = float("inf")
BLANKS = frozenset({"", "-", "—", "--", "——"})

_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,4})?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_FULLWIDTH = str.maketrans({"，": ",", "。": ".", "％": "%", "－": "-", "＋": "+", "−": "-", "﹣": "-"})


class NumberError(ValueError):
    """A text that is not one number. ``reason`` is Chinese, ``reason_en`` English."""

    def __init__(self, raw: object, reason: str, reason_en: str):
        self.raw = raw
        self.reason = reason
        self.reason_en = reason_en
        super().__init__(reason)

    def text(self, language: str | None = None) -> str:
        return self.reason_en if is_english(language) else self.reason


def is_english(language: str | None) -> bool:
    return bool(language) and language.lower().startswith("en")


def field_limit(max_digits: int, decimal_places: int) -> Decimal:
    """The bound of a DecimalField(max_digits, decimal_places): values must stay below it.

    It is half a unit of the last place below 10^(max_digits − decimal_places): the database
    rounds to ``decimal_places`` as it stores, so 999,999,999,999.995 in a (14, 2) field would be
    stored as 1,000,000,000,000.00 — one digit too many (PostgreSQL: "numeric field overflow",
    a 500). (14, 2) → 999,999,999,999.995 (shown rounded: 1,000,000,000,000)."""
    return Decimal(10) ** (max_digits - decimal_places) - Decimal(5).scaleb(-decimal_places - 1)


def _refuse(raw: object, zh: str, en: str) -> NumberError:
    return NumberError(raw, zh, en)


def parse_number(raw: object, *, unit: str | None = None, max_abs: Decimal | None = DEFAULT_MAX_ABS) -> Decimal | None:
    """``raw`` (a cell, a form field, a JSON value) as a Decimal; None when blank.

    Raises :class:`NumberError` naming the reason (see the module docstring for the rules).
    """
    kind = type(raw)
    if raw is None:
        return None
    if kind is float:  # the API's and spreadsheets' common case, kept cheap for a million values
        if raw != raw or raw in (_INF, -_INF):
            raise _refuse(raw, "不是有限的数值", "is not a finite number")
        text = repr(raw)
        if len(text) > 15 and len(Decimal(text).as_tuple().digits) > SIGNIFICANT:
            text = f"{raw:.{SIGNIFICANT}g}"  # 1/3 is 0.333333333333333, as Excel shows and keeps it
        if max_abs is DEFAULT_MAX_ABS and -1e17 < raw < 1e17:
            return Decimal(text)
        value = Decimal(text)
    elif kind is int:
        value = Decimal(raw)
    elif kind is str:
        value = _parse_text(raw, unit)
        if value is None:
            return None
    elif isinstance(raw, bool):
        raise _refuse(raw, "应为数值，不是是/否", "should be a number, not true/false")
    elif isinstance(raw, Decimal):
        if not raw.is_finite():
            raise _refuse(raw, "不是有限的数值", "is not a finite number")
        value = raw
    elif isinstance(raw, int | float):
        return parse_number(float(raw) if isinstance(raw, float) else int(raw), unit=unit, max_abs=max_abs)
    else:
        raise _refuse(raw, "应为数值", "should be a number")
    if max_abs is not None and abs(value) >= max_abs:
        raise _refuse(raw, f"超出允许范围（绝对值应小于 {number(max_abs)}）",
                      f"is out of range (must be below {number(max_abs)} in absolute value)")
    if kind is not float and value and len(value.normalize().as_tuple().digits) > SIGNIFICANT:
        raise _refuse(raw, f"有效数字超过 {SIGNIFICANT} 位（Excel 也只保存 {SIGNIFICANT} 位），请核对后填写",
                      f"has more than {SIGNIFICANT} significant digits (Excel keeps {SIGNIFICANT}): check the number")
    return value


def parse_float(raw: object, *, max_abs: Decimal | None = DEFAULT_MAX_ABS) -> float | None:
    """:func:`parse_number` as a float (what-if values, appeal values): finite and bounded, or
    :class:`NumberError` — ``float("inf")``, ``"nan"`` and ``1e308`` never reach the engine."""
    value = parse_number(raw, max_abs=max_abs)
    return None if value is None else float(value)


def _parse_text(raw: str, unit: str | None) -> Decimal | None:
    text = raw.strip()
    if text in BLANKS:
        return None
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_FULLWIDTH).strip()
        if text in BLANKS:
            return None
    percent = text.endswith("%")
    if percent:
        if unit is not None and unit.strip() != "%":
            raise _refuse(raw, f"带有“%”，但该指标的计量单位是{unit or '无'}；请填写不带“%”的数值",
                          f"has a '%' but the indicator's unit is {unit or 'none'}; write the number without '%'")
        text = text[:-1].rstrip()
    if _PLAIN.fullmatch(text):
        number = text
    elif _GROUPED.fullmatch(text):
        number = text.replace(",", "")
    elif re.fullmatch(r"[+-]?[\d.,]+", text) and "," in text:
        raise _refuse(raw, "逗号用法不明确：千分位须每三位一组（如 5,100），小数点请用“.”（如 5.1）",
                      "ambiguous comma: thousands must be grouped by three (5,100); use '.' for decimals (5.1)")
    elif re.fullmatch(r"[+-]?[\d.]+", text):
        raise _refuse(raw, "小数点不止一个", "has more than one decimal point")
    elif re.fullmatch(r"[+-]?[\d.,]*\d[\d\s.,]*", text):
        raise _refuse(raw, "数字中间有空格", "has spaces inside the number")
    elif re.fullmatch(r"[+-]?[\d.,]*\d\s*[^\d\s.,][^\d]*", text):
        raise _refuse(raw, "数值不要带单位或文字，请按计量单位填写纯数字",
                      "write the plain number in the indicator's unit, without units or words")
    else:
        raise _refuse(raw, "不是数字", "is not a number")
    try:
        value = Decimal(number)
    except InvalidOperation:  # pragma: no cover — the patterns above admit only Decimal syntax
        raise _refuse(raw, "不是数字", "is not a number") from None
    return value


def to_decimal(value) -> Decimal | None:
    """``value`` as a Decimal for *showing*, or None for missing/non-numeric (None, "", NaN)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(repr(value) if type(value) is float else str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not number.is_finite():
        return None
    return number


def round_half_up(value, digits: int = 0) -> Decimal | None:
    """四舍五入 to ``digits`` places on the decimal value: 2.345 → 2.35, -2.5 → -3 (digits 2, 0)."""
    d = to_decimal(value)
    if d is None:
        return None
    rounded = d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded  # no "-0.00"


def rounded_float(value, digits: int = 2) -> float | None:
    """四舍五入 as a float, for charts and spreadsheets that want a number, not a text."""
    d = round_half_up(value, digits)
    return None if d is None else float(d)


def plain(value) -> str:
    """The exact decimal text without exponent or trailing zeros: ``Decimal("12.500")`` → ``"12.5"``;
    "" for None. For messages and inputs that must show what was stored, not a rounded figure."""
    d = to_decimal(value)
    if d is None:
        return ""
    text = f"{d:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def number(value, digits: int = 0, *, grouping: bool = True) -> str:
    """``1234567.891`` → ``"1,234,567.89"`` (digits=2): 四舍五入, thousands separators."""
    rounded = round_half_up(value, digits)
    if rounded is None:
        return MISSING
    return f"{rounded:,.{digits}f}" if grouping else f"{rounded:.{digits}f}"


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


# Units of measure as an English page shows them after the number ("" = a bare count).
UNITS_EN = {"个": "", "项": " items", "人": " people", "家": " firms", "户": " households", "天": " days",
            "次": " times", "件": " cases", "场": " events", "吨": " t", "公里": " km", "平方公里": " km²", "亩": " mu",
            "元": " yuan", "分": " points", "个百分点": " pp", "百分点": " pp"}


#: Units whose figures are whole numbers (counts).
COUNT_UNITS = frozenset({"个", "项", "人", "家", "户", "次", "件", "张", "场", "起"})
#: Units of a rate: shown with one decimal.
RATE_UNITS = frozenset({"%", "个百分点", "百分点"})


def default_digits(unit: str | None) -> int:
    """The places a figure of this unit is shown with: 1 for %, 0 for counts, else 2 (money, areas…).
    Target decomposition checks its sums at this precision, so what adds up is what is shown."""
    unit = (unit or "").strip()
    return 1 if unit in RATE_UNITS else 0 if unit in COUNT_UNITS else 2


def figure(value, unit: str | None = None, digits: int | None = None, language: str | None = None) -> str:
    """A figure with its indicator's unit of measure: ``(12345.6, "万元")`` → ``"12,345.60万元"``,
    ``(1.234, "亿元")`` → ``"1.23亿元"``, ``(5.25, "%")`` → ``"5.3%"``, ``(12, "个")`` → ``"12个"``.

    ``digits`` defaults by unit (:func:`default_digits`): 2 for money, 1 for %, 0 for counts, else 2.
    English shows money as yuan/million/billion yuan and maps the common units (``UNITS_EN``).
    """
    unit = (unit or "").strip()
    if digits is None:
        digits = default_digits(unit)
    d = to_decimal(value)
    if d is None:
        return MISSING
    if unit == "万元":
        return wanyuan(d, language, digits)
    if unit == "亿元":
        return yiyuan(d * 10_000, language, digits)
    if unit == "元":
        return wanyuan(d, language, digits, unit="yuan") if is_english(language) else f"{number(d, digits)}元"
    if unit == "%":
        return percent(d, digits)
    if is_english(language):
        return f"{number(d, digits)}{UNITS_EN.get(unit, ' ' + unit if unit else '')}"
    return f"{number(d, digits)}{unit}"


def signed(value, digits: int = 1) -> str:
    """``1.25`` → ``"+1.3"``, ``-0.8`` → ``"-0.8"``, ``0`` → ``"0.0"``."""
    rounded = round_half_up(value, digits)
    if rounded is None:
        return MISSING
    text = number(rounded, digits)
    return f"+{text}" if rounded > 0 else text


def direction(value, digits: int = 1) -> int:
    """+1 up, -1 down, 0 flat (after rounding to ``digits``), None-safe (0)."""
    rounded = round_half_up(value, digits)
    if rounded is None:
        return 0
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


def number_expr(expr):
    """The parser's rules as a Polars expression over a text column (the engine's tables):
    Float64, null where the text is blank *or* not a number by ``parse_number``'s rules —
    callers flag non-blank nulls and ask ``parse_number`` for the reason, row by row."""
    import polars as pl

    t = expr.cast(pl.String).str.strip_chars()
    t = pl.when(t.str.contains(r"[^\x00-\x7f]")).then(
        t.str.normalize("NFKC").str.replace_all("。", ".", literal=True).str.replace_all("−", "-", literal=True)
    ).otherwise(t)
    t = pl.when(t.str.ends_with("%")).then(t.str.strip_suffix("%").str.strip_chars_end()).otherwise(t)
    return (
        pl.when(t.str.contains(f"^{_PLAIN.pattern}$")).then(t)
        .when(t.str.contains(f"^{_GROUPED.pattern}$")).then(t.str.replace_all(",", "", literal=True))
        .otherwise(None)
        .cast(pl.Float64, strict=False)
    )


def is_blank_expr(expr):
    """Whether a text column's cell is blank by ``parse_number``'s rules ("", spaces, "-", "—")."""
    import polars as pl

    return expr.is_null() | expr.cast(pl.String).str.strip_chars().is_in(sorted(BLANKS))


def round_expr(expr, digits: int = 0):
    """四舍五入 as a Polars expression (Float64), for figures computed in frames.

    A float such as 1.005 is stored as 1.00499999999999989…; it is nudged by 1e-15 of its size
    (a few units in the last place, far below any reporting precision) toward its sign before
    rounding half away from zero, so the decimal a person reads (1.005) rounds up, as ``number``
    does with Decimal."""
    import polars as pl

    x = expr.cast(pl.Float64)
    return (x + x.sign() * x.abs() * 1e-15).round(digits, mode="half_away_from_zero")
