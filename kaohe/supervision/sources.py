"""Supervision as an indicator source (指标数据来源 ``supervision``): 按期办结率、签收及时率、
退回重办率、逾期件数 and the ladder's yellows and reds (the scheme's deductions per colour), per
assessed unit as at the last day of the period; each value records the tasks it was counted from."""

from __future__ import annotations

from kaohe.assessment.sources import IndicatorSource, SourceFigure, SourceRequest, inputs_hash
from kaohe.supervision.figures import INDICATORS, unit_figures
from kaohe.supervision.models import Task


def compute(request: SourceRequest) -> list[SourceFigure]:
    figures = unit_figures(request.end, list(request.units))
    out = []
    for unit in request.units:
        ids = list(Task.objects.filter(year=request.end.year, lead_unit__code=unit).order_by("pk").values_list("pk", flat=True))
        inputs = {"tasks": ids, "as_of": request.end.isoformat(), "data": inputs_hash(figures.get(unit, {}))}
        for indicator in request.indicators:
            if indicator in INDICATORS:
                out.append(SourceFigure(unit, indicator, figures.get(unit, {}).get(indicator), inputs))
    return out


SOURCE = IndicatorSource(code="supervision", name="督查督办", indicators={code: zh for code, (zh, _en) in INDICATORS.items()},
                         compute=compute)
