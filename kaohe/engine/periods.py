"""The period column of a values table, mapped to ordinals for 同比/环比/累计.

Periods themselves — their codes, parsing and arithmetic — are
:mod:`kaohe.lib.periods`, shared with the assessment and results apps.
"""

from __future__ import annotations

import polars as pl

from kaohe.lib.periods import PeriodKind, parse_period


def period_columns(periods: pl.Series) -> tuple[pl.DataFrame, PeriodKind | None, list[str]]:
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
        counts: dict[PeriodKind, int] = {}
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
