"""The monitor as an indicator source (指标数据来源 ``monitor``): a scheme leaf may take a
monitor figure instead of anyone typing it, e.g. ``platform: {source: monitor}`` on a leaf
coded ``mon_gdp_gap`` (地区生产总值增速高于全市百分点).

The codes are ``mon_<indicator>_<measure>`` for every monitor indicator, the measures being
``growth`` (同比增速 %, published or derived), ``gap`` (与全市差距, 个百分点), ``rank`` (增速位次)
and ``progress`` (完成年度目标 %). A figure is taken at the latest release on or before the
period's last month; its provenance names the indicator, the release and a hash of the figures.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kaohe.assessment.sources import IndicatorSource, SourceFigure, SourceRequest, inputs_hash
from kaohe.monitor import compute

MEASURES = {"growth": ("增速", "growth"), "gap": ("增速与全市差距（个百分点）", "gap_pp"),
            "rank": ("增速位次", "growth_rank"), "progress": ("完成年度目标进度", "progress")}


def code_of(indicator: str, measure: str) -> str:
    return f"mon_{indicator}_{measure}"


def parse(code: str) -> tuple[str, str] | None:
    if not code.startswith("mon_"):
        return None
    head, _sep, measure = code[4:].rpartition("_")
    return (head, measure) if head and measure in MEASURES else None


class _Codes(Mapping):
    """The source's indicators, read from the configured monitor indicators when asked."""

    def _all(self) -> dict[str, str]:
        from kaohe.monitor.models import MonitorIndicator  # noqa: PLC0415 — asked after the apps are ready

        out = {}
        for code, name in MonitorIndicator.objects.order_by("sort_order", "code").values_list("code", "name").distinct():
            for measure, (label, _col) in MEASURES.items():
                out[code_of(code, measure)] = f"{name}{label}"
        return out

    def __getitem__(self, key: str) -> str:
        return self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._all()


def compute_figures(request: SourceRequest) -> list[SourceFigure]:
    from kaohe.monitor import services  # noqa: PLC0415
    from kaohe.monitor.models import MonitorIndicator  # noqa: PLC0415
    from kaohe.orgs.models import OrgUnit  # noqa: PLC0415

    wanted: dict[str, list[tuple[str, str]]] = {}
    for code in request.indicators:
        parsed = parse(code)
        if parsed:
            wanted.setdefault(parsed[0], []).append((code, parsed[1]))
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=request.units)}
    out: list[SourceFigure] = []
    for indicator in MonitorIndicator.objects.filter(code__in=list(wanted)).select_related("owner_unit"):
        monitored = services.monitored_units(indicator.owner_unit, request.year)
        if not {u.code for u in monitored} & set(units):
            continue
        ev = services.evaluate(indicator, request.year, monitored)
        release = compute.release_at(indicator.spec, request.end.month)
        at = ev.at(request.year, request.end.month)
        digest = inputs_hash({"rows": ev.frame.select("unit", "year", "month", "amount", "growth").rows()})
        for unit in request.units:
            row = at.get(unit)
            for code, measure in wanted[indicator.code]:
                value = None if row is None else row.get(MEASURES[measure][1])
                out.append(SourceFigure(unit, code, None if value is None else float(value), {
                    "monitor": indicator.code, "release": f"{request.year}-{release or 0:02d}", "figures": digest}))
    return out


SOURCE = IndicatorSource(code="monitor", name="经济运行监测", indicators=_Codes(), compute=compute_figures)
