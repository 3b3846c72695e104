"""The attraction module as an indicator source (指标数据来源 ``attraction``) for 赛马榜.

A scheme leaf declaring ``platform: {source: attraction}`` gets its values from
:mod:`kaohe.attraction.figures` as at the last day of the period, per assessed unit; each
value records the milestones it was counted from and a hash of them.
"""

from __future__ import annotations

from kaohe.assessment.sources import IndicatorSource, SourceFigure, SourceRequest, inputs_hash
from kaohe.attraction.figures import INDICATORS
from kaohe.attraction.figures import compute as compute_figures
from kaohe.attraction.models import Milestone
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.scope import subtree_ids


def compute(request: SourceRequest) -> list[SourceFigure]:
    unit_ids = dict(OrgUnit.objects.filter(code__in=request.units).values_list("code", "pk"))
    values = compute_figures(unit_ids, request.year, request.end, request.indicators)
    out = []
    for code, pk in unit_ids.items():
        rows = list(Milestone.objects.filter(counted=True, project__unit_id__in=subtree_ids(pk), on__lte=request.end)
                    .order_by("id").values_list("id", "stage", "on", "project__amount"))
        inputs = {"milestones": [r[0] for r in rows], "as_of": request.end.isoformat(), "data": inputs_hash({"rows": rows})}
        out += [SourceFigure(code, ind, values.get((code, ind)), inputs) for ind in request.indicators]
    return out


SOURCE = IndicatorSource(code="attraction", name="招商引资", indicators={c: zh for c, (zh, _u) in INDICATORS.items()},
                         compute=compute)
