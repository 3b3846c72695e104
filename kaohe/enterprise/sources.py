"""The enterprise-service module as an indicator source (指标数据来源 ``enterprise``).

A scheme leaf declaring ``platform: {source: enterprise}`` gets its values from
:mod:`kaohe.enterprise.figures` (响应率、按期办结率、解决率、满意率、满意度得分、重复诉求率), year to
date as at the period's last day, per assessed unit (a town's enterprises count for their
district); each value records the requests it was counted from and a hash of their rows.
"""

from __future__ import annotations

from kaohe.assessment.sources import IndicatorSource, SourceFigure, SourceRequest, inputs_hash
from kaohe.enterprise.figures import INDICATORS, compute
from kaohe.enterprise.models import EnterpriseRequest
from kaohe.projects.data import rollup_map


def unit_rollup(codes) -> dict[int, str]:
    """Each unit id → the code of the assessed unit (of ``codes``) it counts under."""
    wanted = set(codes)
    return {pk: unit.code for pk, unit in rollup_map().items() if unit.code in wanted}


def compute_source(request: SourceRequest) -> list[SourceFigure]:
    figures = compute(request.year, request.end, unit_rollup(request.units))
    out = []
    for unit, values in figures.items():
        ids = sorted(values["ent_requests"][1])
        rows = list(EnterpriseRequest.objects.filter(pk__in=ids).order_by("pk").values_list(
            "pk", "status", "round", "satisfaction", "responded_at", "replied_at", "closed_at"))
        inputs = {"requests": ids, "as_of": request.end.isoformat(), "data": inputs_hash({"rows": rows})}
        for code in request.indicators:
            if code in values:
                out.append(SourceFigure(unit, code, values[code][0], inputs))
    return out


SOURCE = IndicatorSource(code="enterprise", name="企业服务", indicators={c: zh for c, (zh, _en, _u) in INDICATORS.items()},
                         compute=compute_source)
