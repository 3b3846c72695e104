"""Reporting periods (考核期 / 报告期): the one period type of kaohe.

A period is a year, a half-year (半年), a quarter (季度) or a month, written in one
code format everywhere — the engine's values tables, the assessment's periods, the
results' runs, the API and the files people upload:

======== ============ ================ ===========
kind     code         Chinese label    English
======== ============ ================ ===========
year     ``2025``     2025年度          2025
half     ``2025-H1``  2025年上半年       H1 2025
quarter  ``2025Q3``   2025年第3季度      Q3 2025
month    ``2025-03``  2025年3月         Mar 2025
======== ============ ================ ===========

:func:`parse_period` also reads the looser spellings people type (``2025-Q3``,
``2025q3``, ``2025H1``, ``202503``, ``2025-3``, ``2025.0`` from a spreadsheet) and the
labels above, Chinese or English. Each period has an integer ``ordinal`` within its
kind, so the same period last year (同比) is ``ordinal − per_year`` and the previous
period (环比) is ``ordinal − 1``: for half-years 2025-H1's 同比 is 2024-H1 and its
环比 is 2024-H2.

Pure Python (no Django): the engine and every app use it. Django's model choices
(``kaohe.assessment.models.PeriodKind``) are built from :class:`PeriodKind`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum


class PeriodKind(StrEnum):
    """类型: what a period spans. The value is what is stored and written in files."""

    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"

    @property
    def per_year(self) -> int:
        """How many periods of this kind a year holds (12 months, 4 quarters, 2 halves, 1)."""
        return _PER_YEAR[self]

    @property
    def months(self) -> int:
        """How many months one period of this kind spans."""
        return 12 // _PER_YEAR[self]

    @property
    def frequency(self) -> str:
        """报送频次 of an indicator reported once per period of this kind (``monthly`` …)."""
        return _FREQUENCY[self]

    @classmethod
    def of_frequency(cls, frequency: str) -> PeriodKind:
        """The kind of period an indicator of this 报送频次 is reported for."""
        for kind, name in _FREQUENCY.items():
            if name == frequency:
                return kind
        raise ValueError(f"unknown frequency {frequency!r} (one of {', '.join(_FREQUENCY.values())})")


_PER_YEAR = {PeriodKind.YEAR: 1, PeriodKind.HALF: 2, PeriodKind.QUARTER: 4, PeriodKind.MONTH: 12}
_FREQUENCY = {PeriodKind.MONTH: "monthly", PeriodKind.QUARTER: "quarterly",
              PeriodKind.HALF: "half_yearly", PeriodKind.YEAR: "yearly"}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# code, Chinese label, English label
_WRITE = {
    PeriodKind.YEAR: ("{year}", "{year}年度", "{year}"),
    PeriodKind.HALF: ("{year}-H{number}", "{year}年{half}半年", "H{number} {year}"),
    PeriodKind.QUARTER: ("{year}Q{number}", "{year}年第{number}季度", "Q{number} {year}"),
    PeriodKind.MONTH: ("{year}-{number:02d}", "{year}年{number}月", "{month} {year}"),
}
CODE_FORMS = "a year (2025), half-year (2025-H1), quarter (2025Q3) or month (2025-03)"


def _english(language: str | None) -> bool:
    return bool(language) and language.lower().startswith("en")


@dataclass(frozen=True, order=False)
class Period:
    """One reporting period: ``kind``, ``year`` and ``number`` (1 for a year, 1–2, 1–4, 1–12)."""

    kind: PeriodKind
    year: int
    number: int = 1

    def __post_init__(self) -> None:
        kind = PeriodKind(self.kind)  # a plain "half" becomes PeriodKind.HALF; a bad kind raises
        object.__setattr__(self, "kind", kind)
        if not 1000 <= self.year <= 9999:
            raise ValueError(f"period year {self.year} is not a four-digit year")
        if not 1 <= self.number <= kind.per_year:
            raise ValueError(f"{kind} number {self.number} is not between 1 and {kind.per_year}")

    # ---- arithmetic ---------------------------------------------------------------------

    @property
    def ordinal(self) -> int:
        """A running number within the kind: consecutive periods differ by 1."""
        return self.year * self.kind.per_year + self.number - 1

    @classmethod
    def from_ordinal(cls, kind: PeriodKind | str, ordinal: int) -> Period:
        kind = PeriodKind(kind)
        year, index = divmod(ordinal, kind.per_year)
        return cls(kind, year, index + 1)

    def shifted(self, steps: int) -> Period:
        """The period ``steps`` periods of the same kind later (earlier when negative)."""
        return Period.from_ordinal(self.kind, self.ordinal + steps)

    def previous(self) -> Period:
        """环比's base: the period just before (2025-H1 → 2024-H2, 2025-01 → 2024-12)."""
        return self.shifted(-1)

    def same_period_last_year(self) -> Period:
        """同比's base: the same period a year earlier (2025-H1 → 2024-H1)."""
        return Period(self.kind, self.year - 1, self.number)

    @property
    def first_month(self) -> int:
        return (self.number - 1) * self.kind.months + 1

    @property
    def last_month(self) -> int:
        return self.number * self.kind.months

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    # ---- writing ------------------------------------------------------------------------

    @property
    def code(self) -> str:
        """``2025``, ``2025-H1``, ``2025Q3``, ``2025-03``."""
        return self._write(0)

    def label(self, language: str | None = None) -> str:
        """2025年3月 / 2025年第3季度 / 2025年上半年 / 2025年度; in English Mar 2025, Q3 2025,
        H1 2025, 2025."""
        return self._write(2 if _english(language) else 1)

    def _write(self, form: int) -> str:
        half = "上下"[self.number - 1] if self.kind is PeriodKind.HALF else ""
        month = MONTHS_EN[self.number - 1] if self.kind is PeriodKind.MONTH else ""
        return _WRITE[self.kind][form].format(year=self.year, number=self.number, half=half, month=month)

    def __str__(self) -> str:
        return self.code

    # ---- reading ------------------------------------------------------------------------

    @classmethod
    def parse(cls, text: object) -> Period:
        """The period ``text`` names; ``ValueError`` with the accepted forms when it names none."""
        found = parse_period(text)
        if found is None:
            raise ValueError(f"'{text}' is not {CODE_FORMS}")
        return found


_SPACES = re.compile(r"\s+")
_FORMS: list[tuple[re.Pattern[str], PeriodKind | None]] = [
    (re.compile(r"^(\d{4})(?:年度?)?$"), PeriodKind.YEAR),
    (re.compile(r"^(\d{4})-?[Hh]([12])$|^[Hh]([12])(\d{4})$"), PeriodKind.HALF),
    (re.compile(r"^(\d{4})-?[Qq]([1-4])$|^[Qq]([1-4])(\d{4})$"), PeriodKind.QUARTER),
    (re.compile(r"^(\d{4})-?(\d{2})$|^(\d{4})-(\d)$"), PeriodKind.MONTH),
    (re.compile(r"^(\d{4})年(\d{1,2})月$"), PeriodKind.MONTH),
    (re.compile(r"^(\d{4})年第?([1-4一二三四])季度$"), PeriodKind.QUARTER),
    (re.compile(r"^(\d{4})年([上下])半年$"), PeriodKind.HALF),
    (re.compile(r"^([A-Z][a-z]{2})(\d{4})$"), None),  # Mar 2025
]
_CN_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4, "上": 1, "下": 2}


def parse_period(text: object) -> Period | None:
    """The period ``text`` names, or ``None``. Reads every code and label this module writes
    and the common variants (see the module docstring)."""
    if text is None or isinstance(text, bool):
        return None
    s = _SPACES.sub("", str(text))
    if s.endswith(".0"):  # 2025 read from a spreadsheet as 2025.0
        s = s[:-2]
    for pattern, kind in _FORMS:
        m = pattern.match(s)
        if m is None:
            continue
        groups = [g for g in m.groups() if g is not None]
        if kind is None:  # English month name
            if groups[0] not in MONTHS_EN or int(groups[1]) < 1000:
                return None
            return Period(PeriodKind.MONTH, int(groups[1]), MONTHS_EN.index(groups[0]) + 1)
        if len(groups[0]) != 4:  # Q3 2025 / H1 2025: the number comes first
            groups = [groups[1], groups[0]]
        year = int(groups[0])
        if year < 1000:
            return None
        number = 1 if kind is PeriodKind.YEAR else _CN_DIGIT.get(groups[1]) or int(groups[1])
        if not 1 <= number <= kind.per_year:
            return None
        return Period(kind, year, number)
    return None
