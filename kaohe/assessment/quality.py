"""Data-quality screening (数据质量筛查) of a submission with the engine's ``quality.screen``.

Findings (outliers within the peer group and in the unit's own history, Benford test for
amounts, duplicates, jumps) are stored as :class:`QualityFinding` rows: shown beside the
cells in the grid and in the office's review queue.
"""

from __future__ import annotations

import logging

from kaohe.assessment.models import DataValue, Period, QualityFinding, Submission
from kaohe.engine.quality import measure_kind, screen

log = logging.getLogger(__name__)


def _frames(sub: Submission):
    import polars as pl

    from kaohe.assessment.services import assessed_units, due_indicators

    specs = due_indicators(sub.version, sub.period, sub.responsible_unit)
    codes = [s.code for s in specs]
    # Year-to-date (1–N月累计) series grow within the year by construction: the screening
    # must compare them with the same month of earlier years, not with every earlier month.
    cumulative = [s.code for s in specs if s.value_kind == "ytd"]
    # Rates and shares (%, ‰, 百分点) change in percentage points, amounts in per cent: one rule,
    # the engine's (kaohe.engine.quality.measure_kind / jump).
    rates = [s.code for s in specs if measure_kind(s.unit_of_measure) == "rate"]
    units = assessed_units(sub.version)
    code_of = {u.pk: u.code for u in units}
    groups = {}
    for pg in sub.version.peer_groups.all():
        for uid in pg.members.values_list("pk", flat=True):
            groups.setdefault(uid, pg.code)
    # This period and the same-kind periods before it (own history), across the scheme family.
    from kaohe.assessment.services import version_for_year

    periods = list(Period.objects.filter(owner_unit_id=sub.period.owner_unit_id, kind=sub.period.kind,
                                         end__lte=sub.period.end, year__gte=sub.period.year - 2))
    rows = {"unit": [], "indicator": [], "value": [], "period": []}
    hist = {"unit": [], "indicator": [], "value": [], "period": []}
    for p in periods:
        holder = version_for_year(sub.version, p.year)
        if holder is None:
            continue
        for uid, ind, val in DataValue.objects.filter(version=holder, period=p, indicator__in=codes, unit_id__in=list(code_of), value__isnull=False).values_list("unit_id", "indicator", "value"):
            target = rows if p.pk == sub.period_id else hist
            target["unit"].append(code_of[uid])
            target["indicator"].append(ind)
            target["value"].append(float(val))
            target["period"].append(p.code)
    schema = {"unit": pl.Utf8, "indicator": pl.Utf8, "value": pl.Float64, "period": pl.Utf8}
    values = pl.DataFrame(rows, schema=schema)
    history = pl.DataFrame(hist, schema=schema)
    units_df = pl.DataFrame({"unit": [u.code for u in units], "name": [u.name for u in units], "group": [groups.get(u.pk, "") for u in units]})
    return values, history, units_df, {u.code: u.pk for u in units}, codes, cumulative, rates


def screen_submission(sub: Submission) -> list[QualityFinding]:
    """Run the engine's screening on the submission's values; replace its open findings."""
    values, history, units, pk_of, codes, cumulative, rates = _frames(sub)
    if values.is_empty():
        return []
    try:
        found = screen(values, units, history, indicators=codes, period=sub.period.code, cumulative=cumulative,
                       rates=rates)
    except Exception as exc:  # the screening is advisory: never block a submission on it
        log.warning("quality screening failed for %s: %s", sub, exc)
        return []
    QualityFinding.objects.filter(submission=sub, resolved=False).delete()
    out = []
    for item in found.to_dicts():
        if item["period"] not in (None, "", sub.period.code):
            continue  # a finding about an earlier period
        out.append(QualityFinding(
            submission=sub, unit_id=pk_of.get(item["unit"]), indicator=item["indicator"] or "",
            code=(item["check"] or "quality")[:40],
            severity=(item["severity"] or "warning")[:10],
            message=item["reason_zh"] or "",
            message_en=item["reason_en"] or "",
        ))
    QualityFinding.objects.bulk_create(out)
    return out
