"""Reporting periods (报告期): years, quarters and months, and their arithmetic.

A period is written ``2025`` (year), ``2025Q3`` / ``2025-Q3`` (quarter) or
``2025-03`` / ``202503`` (month). Each is mapped to an integer ordinal so that
the same period last year (同比) is ``ordinal − per_year`` and the previous
period (环比) is ``ordinal − 1``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-?(\d{2})$|^(\d{4})-(\d{1})$")

PER_YEAR = {"year": 1, "quarter": 4, "month": 12}


@dataclass(frozen=True)
class Period:
    kind: str  # year | quarter | month
    year: int
    sub: int  # 1 for years, 1..4, 1..12

    @property
    def ordinal(self) -> int:
        return self.year * PER_YEAR[self.kind] + self.sub - 1


def parse_period(text: object) -> Period | None:
    s = str(text).strip()
    if s.endswith(".0"):  # 2025 read from a spreadsheet as 2025.0
        s = s[:-2]
    if m := _YEAR.match(s):
        return Period("year", int(m.group(1)), 1)
    if m := _QUARTER.match(s):
        return Period("quarter", int(m.group(1)), int(m.group(2)))
    if m := _MONTH.match(s):
        year = int(m.group(1) or m.group(3))
        month = int(m.group(2) or m.group(4))
        if 1 <= month <= 12:
            return Period("month", year, month)
    return None


def period_columns(periods: pl.Series) -> tuple[pl.DataFrame, str | None, list[str]]:
    """Map the distinct period labels to (label, ordinal, year); return also the kind and
    the labels that do not parse or do not share one kind."""
    labels = periods.unique().sort().to_list()
    parsed = {lab: parse_period(lab) for lab in labels}
    bad = [lab for lab, p in parsed.items() if p is None]
    kinds = {p.kind for p in parsed.values() if p is not None}
    kind = None
    if len(kinds) == 1:
        kind = kinds.pop()
    elif len(kinds) > 1:
        # report the labels that are not of the most common kind
        counts: dict[str, int] = {}
        for p in parsed.values():
            if p is not None:
                counts[p.kind] = counts.get(p.kind, 0) + 1
        kind = max(sorted(counts), key=lambda k: counts[k])
        bad += [lab for lab, p in parsed.items() if p is not None and p.kind != kind]
    good = [(lab, p) for lab, p in parsed.items() if p is not None and p.kind == kind]
    table = pl.DataFrame(
        {
            "period": [lab for lab, _ in good],
            "_ord": [p.ordinal for _, p in good],
            "_year": [p.year for _, p in good],
        },
        schema={"period": pl.String, "_ord": pl.Int64, "_year": pl.Int64},
    )
    return table, kind, bad
