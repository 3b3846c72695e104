"""Monitor test data on the ``org_world`` city: a 2025 and a 2026 scheme of the city collecting
GDP (quarterly, 1–N月累计) with its published growth and budget revenue (monthly, no published
growth), the monitor's two indicators reading them, and figures entered through the grid."""

from __future__ import annotations

import copy
from decimal import Decimal

from kaohe.assessment import schemes, services
from kaohe.assessment.models import PeriodKind
from kaohe.monitor.models import MonitorIndicator, MonitorTarget
from kaohe.orgs.models import OrgUnit

CONTENT = {
    "name": "测试市高质量发展考核",
    "year": 2025,
    "root": {"children": [{"code": "ECO", "name": "经济发展", "children": [
        {"code": "gdp_growth", "name": "地区生产总值增速", "points": 10, "method": "rank_points", "params": {"step": 1},
         "platform": {"unit_of_measure": "%", "responsible_unit": "C-TJJ", "frequency": "quarterly", "value_kind": "ytd",
                      "validation": {"allow_negative": True, "jump_pct": 0}}},
        {"code": "budget", "name": "一般公共预算收入", "points": 10, "method": "rank_ratio",
         "platform": {"unit_of_measure": "亿元", "responsible_unit": "C-TJJ", "frequency": "monthly", "value_kind": "ytd",
                      "validation": {"jump_pct": 0}}},
    ]}]},
    "platform": {"collect": [
        {"code": "gdp", "name": "地区生产总值", "unit_of_measure": "亿元", "responsible_unit": "C-TJJ",
         "frequency": "quarterly", "value_kind": "ytd", "validation": {"jump_pct": 0}},
    ]},
}


def scheme(world, year: int, extra_leaves: list | None = None):
    content = copy.deepcopy(CONTENT)
    content["year"] = year
    content["root"]["children"][0]["children"].extend(extra_leaves or [])
    version = schemes.import_scheme(content, user=world.office, code="HQD", peer_groups=[world.peer_group],
                                    owner_unit=world.city)
    version = schemes.adopt(version, user=world.office)
    services.ensure_periods(world.city, year)
    return version


def indicators(world):
    gdp = MonitorIndicator.objects.create(owner_unit=world.city, code="gdp", name="地区生产总值", unit_of_measure="亿元",
                                          price_basis="comparable", frequency="quarterly", judged_on="growth",
                                          amount_code="gdp", growth_code="gdp_growth", sort_order=1)
    budget = MonitorIndicator.objects.create(owner_unit=world.city, code="budget", name="一般公共预算收入",
                                             unit_of_measure="亿元", judged_on="both", amount_code="budget", sort_order=2)
    return gdp, budget


def period(world, year: int, kind: str, number: int):
    return services.periods_of(world.city, year).get(kind=kind, number=number)


def put(world, version, year: int, kind: str, number: int, values: dict[tuple[str, str], object]):
    """Enter {(unit code, indicator): value} through the assessment's one save path (as the grid does)."""
    ids = dict(OrgUnit.objects.values_list("code", "pk"))
    items = [services.ValueInput(ids[u], code, Decimal(str(v))) for (u, code), v in values.items()]
    result = services.save_values(world.submitter, version, period(world, year, kind, number), items, source="grid")
    assert result.ok, result.errors
    return result


def world_with_figures(world):
    """2025 and 2026 figures of 甲区 and 乙区: GDP 1–3月 and 1–6月, budget revenue 1–2 … 1–6月."""
    v25, v26 = scheme(world, 2025), scheme(world, 2026)
    gdp, budget = indicators(world)
    Q, M = PeriodKind.QUARTER, PeriodKind.MONTH
    put(world, v25, 2025, Q, 1, {("C-A", "gdp"): 100, ("C-B", "gdp"): 200, ("C-A", "gdp_growth"): 5, ("C-B", "gdp_growth"): 6})
    put(world, v25, 2025, Q, 2, {("C-A", "gdp"): 210, ("C-B", "gdp"): 400, ("C-A", "gdp_growth"): 5, ("C-B", "gdp_growth"): 6})
    # 2026 Q1: 甲区 110 (+10.0%), 乙区 206 (+3.0%): 全市 316 ÷ (100 + 200) − 1 = 5.3%.
    put(world, v26, 2026, Q, 1, {("C-A", "gdp"): 110, ("C-B", "gdp"): 206, ("C-A", "gdp_growth"): 10, ("C-B", "gdp_growth"): 3})
    put(world, v26, 2026, Q, 2, {("C-A", "gdp"): 231, ("C-B", "gdp"): 420, ("C-A", "gdp_growth"): 5.5, ("C-B", "gdp_growth"): 5.4})
    for m in range(1, 7):
        put(world, v25, 2025, M, m, {("C-A", "budget"): 10 * m, ("C-B", "budget"): 20 * m})
        put(world, v26, 2026, M, m, {("C-A", "budget"): 11 * m, ("C-B", "budget"): 19 * m})
    for unit, amount in ((world.district_a, 120), (world.district_b, 240)):
        MonitorTarget.objects.create(indicator=gdp, unit=unit, year=2026, growth=Decimal("5.5"))
        MonitorTarget.objects.create(indicator=budget, unit=unit, year=2026, amount=Decimal(amount), growth=Decimal("5"))
    return v25, v26, gdp, budget
