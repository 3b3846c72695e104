"""Public commitments as an indicator source (指标数据来源 ``commitments``).

A scheme leaf declaring ``platform: {source: commitments}`` gets its values from
:mod:`kaohe.commitments.figures` (兑现率、节点按期完成率、群众满意率、组织考评平均分) as at the last day
of the period, per assessed unit; each value records the items it was counted from and a hash
of their rows.
"""

from __future__ import annotations

from kaohe.assessment.sources import IndicatorSource, SourceFigure, SourceRequest, inputs_hash
from kaohe.commitments.figures import INDICATORS, figures_as_of, rows_for_hash


def compute(request: SourceRequest) -> list[SourceFigure]:
    found = figures_as_of(request.year, request.end, request.units)
    out = []
    for unit in request.units:
        f = found[unit]
        inputs = {"commitments": f.items, "as_of": request.end.isoformat(), "data": inputs_hash(rows_for_hash(f.items, request.end))}
        out.extend(SourceFigure(unit, code, f.value(code), inputs) for code in request.indicators if code in INDICATORS)
    return out


SOURCE = IndicatorSource(code="commitments", name="公开承诺", indicators={code: zh for code, (zh, _u) in INDICATORS.items()},
                         compute=compute)
