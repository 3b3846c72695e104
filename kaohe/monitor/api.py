"""JSON API of the economic monitor (django-ninja router, mounted at /api/monitor/).

Read only: the figures themselves are written through the assessment's API (``POST
/api/assessment/values``) like every value. Rows are cut to the caller's scope (the city sees
every unit, a district its own); ranks and the city figure are over every monitored unit.
"""

from __future__ import annotations

from ninja import Router, Schema
from ninja.errors import HttpError

from kaohe.lib.params import Year
from kaohe.monitor import compute, services
from kaohe.monitor.models import MonitorIndicator
from kaohe.orgs.permissions import check

router = Router(tags=["monitor"])


class MonitorIndicatorOut(Schema):
    code: str
    name: str
    unit_of_measure: str
    form: str
    price_basis: str
    frequency: str
    has_january: bool
    judged_on: str
    summable: bool
    amount_code: str
    growth_code: str
    releases: list[str]


class MonitorFigureOut(Schema):
    unit: str
    unit_name: str
    release: str
    amount: float | None
    growth: float | None
    growth_derived: bool
    growth_rank: int | None
    amount_rank: int | None
    city_growth: float | None
    gap_pp: float | None
    share: float | None
    share_change_pp: float | None
    progress: float | None
    schedule: float | None
    growth_ok: bool | None
    kaimenhong: bool | None
    shuangguoban: bool | None
    rank_up: bool | None
    growth_lead: bool | None
    share_up: bool | None
    sentence: str


def _owner(request):
    if not check(request.user, "monitor.view"):
        raise HttpError(403, "permission denied: monitor.view")
    owner = services.monitor_owner(request.user)
    if owner is None:
        raise HttpError(404, "no monitor")
    return owner


@router.get("/indicators", operation_id="monitor_indicator_list", summary="监测指标 / Monitored indicators and their conventions", response=list[MonitorIndicatorOut])
def indicators(request):
    """The monitored indicators with their conventions (releases: 1–2月 … or 1–3月 …)."""
    out = []
    for ind in services.indicators(_owner(request)):
        out.append({**{f: getattr(ind, f) for f in MonitorIndicatorOut.model_fields if f != "releases"},
                    "releases": [compute.release_label(ind.spec, m) for m in compute.release_months(ind.spec)]})
    return out


@router.get("/figures", operation_id="monitor_figure_list", summary="监测数据 / One indicator's figures per unit at a release", response=list[MonitorFigureOut])
def figures(request, indicator: str, year: Year, month: int):
    """One indicator at the latest release on or before ``month`` of ``year``, per visible unit."""
    owner = _owner(request)
    if not 1 <= month <= 12:
        raise HttpError(422, "month must be 1–12")
    ind = MonitorIndicator.objects.filter(owner_unit=owner, code=indicator).first()
    if ind is None:
        raise HttpError(404, f"no monitor indicator {indicator!r}")
    units = services.monitored_units(owner, year)
    visible = set(services.visible_codes(request.user, units))
    names = {u.code: u.name for u in units}
    at = services.evaluate(ind, year, units).at(year, month)
    keys = [f for f in MonitorFigureOut.model_fields if f not in ("unit", "unit_name", "release", "sentence")]
    return [{"unit": code, "unit_name": names[code], "release": compute.release_label(ind.spec, r["month"]),
             "sentence": compute.sentence(ind.spec, r), **{k: r.get(k) for k in keys}}
            for code, r in sorted(at.items(), key=lambda kv: list(names).index(kv[0])) if code in visible]
