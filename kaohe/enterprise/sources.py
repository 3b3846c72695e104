"""The enterprise-service module as an indicator source (指标数据来源 ``enterprise``).

A scheme leaf declaring ``platform: {source: enterprise}`` gets its values from
:mod:`kaohe.enterprise.figures` (响应率、按期办结率、解决率、满意率、满意度得分、重复诉求率), year to
date as at the period's last day, per assessed unit (a town's enterprises count for their
district); each value records the requests it was counted from and a hash of their rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings

from kaohe.assessment.sources import IndicatorSource, SourceFigure, SourceRequest, inputs_hash
from kaohe.enterprise.figures import INDICATORS, as_of_moment, compute
from kaohe.enterprise.models import EnterpriseRequest
from kaohe.projects.data import rollup_map


def unit_rollup(codes) -> dict[int, str]:
    """Each unit id → the code of the assessed unit (of ``codes``) it counts under."""
    wanted = set(codes)
    return {pk: unit.code for pk, unit in rollup_map().items() if unit.code in wanted}


def compute_source(request: SourceRequest) -> list[SourceFigure]:
    rollup = unit_rollup(request.units)
    figures = compute(request.year, request.end, rollup)
    # the rows hashed for each unit's inputs: one query for the period (not one per unit by a list of ids)
    rows_of: dict[str, list] = defaultdict(list)
    for unit_id, *row in EnterpriseRequest.objects.filter(
            received_at__gte=dt.datetime(request.year, 1, 1, tzinfo=ZoneInfo(settings.TIME_ZONE)),
            received_at__lt=as_of_moment(request.end), enterprise__unit_id__in=list(rollup)).order_by("pk").values_list(
            "enterprise__unit_id", "pk", "status", "round", "satisfaction", "responded_at", "replied_at", "closed_at"):
        rows_of[rollup[unit_id]].append(tuple(row))
    out = []
    for unit, values in figures.items():
        ids = sorted(values["ent_requests"][1])
        inputs = {"requests": ids, "as_of": request.end.isoformat(), "data": inputs_hash({"rows": rows_of.get(unit, [])})}
        for code in request.indicators:
            if code in values:
                out.append(SourceFigure(unit, code, values[code][0], inputs))
    return out


SOURCE = IndicatorSource(code="enterprise", name="企业服务", indicators={c: zh for c, (zh, _en, _u) in INDICATORS.items()},
                         compute=compute_source)
