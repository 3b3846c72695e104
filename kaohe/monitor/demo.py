"""Demo of the economic monitor for 示范市: the usual key indicators, read from the figures the
city's 高质量发展 scheme already collects (2025 January – 2026 October), and annual targets.

Nothing is typed twice: GDP, investment, retail sales, trade, FDI, budget revenue and their
published growth rates are the scheme's values (``kaohe.assessment.demo``, which loads first;
budget revenue's and FDI's rates are collected there for the monitor, ``MONITOR_RATES``). 税收占比
is a share: no growth rate, its gap to the city is in percentage points. The annual targets of budget revenue and
FDI are the scheme's own (``assessment.Target``); the monitor adds growth targets and the amount
targets of retail sales and trade, set so that in 2026 some units miss 开门红 (their Q1 growth is
below target or below the city) and some miss 双过半 (their 1–6月 amount is below half their
annual target).
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from kaohe.assessment.models import DataValue, Target, VersionStatus
from kaohe.monitor import services
from kaohe.monitor.models import MonitorIndicator, MonitorTarget
from kaohe.orgs.models import OrgUnit

CITY = "SFS"
SCHEME = "HQD"
Y, Q = "ytd", "quarterly"
# code, name, unit, price basis, frequency, judged on, summable, amount code, growth code, key, growth target
INDICATORS = [
    ("gdp", "地区生产总值", "亿元", "comparable", Q, "growth", True, "gdp", "gdp_growth", True, 5.5),
    ("budget_rev", "一般公共预算收入", "亿元", "current", "monthly", "both", True, "budget_rev", "budget_rev_growth", True, 3.0),
    ("tax_share", "税收占比", "%", "current", "monthly", "amount", False, "tax_share", "", False, None),
    ("fai", "固定资产投资", "亿元", "current", "monthly", "growth", True, "fai", "fai_growth", True, 4.0),
    ("ind_inv", "工业投资", "亿元", "current", "monthly", "growth", True, "", "ind_inv_growth", True, 8.0),
    ("ind_va", "规上工业增加值", "亿元", "comparable", "monthly", "growth", True, "", "ind_va_growth", True, 6.8),
    ("retail", "社会消费品零售总额", "亿元", "current", "monthly", "both", True, "retail", "retail_growth", True, 5.2),
    ("trade", "外贸进出口", "亿元", "current", "monthly", "both", True, "trade", "trade_growth", True, 3.5),
    ("fdi", "实际使用外资", "万美元", "current", "monthly", "both", True, "fdi", "fdi_growth", True, 3.0),
    ("services", "规上服务业营业收入", "亿元", "current", "monthly", "growth", True, "", "services_growth", False, 7.5),
    ("income", "城乡居民人均可支配收入", "元", "current", Q, "growth", False, "", "income_growth", False, 5.4),
]
YEARS = (2025, 2026)


def load(ctx) -> None:
    city = OrgUnit.objects.filter(code=CITY).first()
    if city is None:
        return
    if MonitorIndicator.objects.filter(owner_unit=city).exists():
        ctx.log("  monitor: already loaded")
        return
    with transaction.atomic():
        _load(ctx, city)


def _load(ctx, city: OrgUnit) -> None:
    made = MonitorIndicator.objects.bulk_create([
        MonitorIndicator(owner_unit=city, code=code, name=name, unit_of_measure=uom, form=Y, price_basis=price,
                         frequency=freq, judged_on=judged, summable=summable, amount_code=amount, growth_code=growth,
                         is_key=key, sort_order=i + 1, top_n=3 if code == "gdp" else 1)
        for i, (code, name, uom, price, freq, judged, summable, amount, growth, key, _t) in enumerate(INDICATORS)
    ])
    by_code = {m.code: m for m in made}
    # The scheme already sets these units' annual targets of budget revenue and FDI (assessment.Target):
    # the monitor takes them from there and sets only the ones the scheme has not.
    set_by_scheme = set(Target.objects.filter(version__scheme__owner_unit=city, version__scheme__code=SCHEME)
                        .values_list("version__scheme__year", "indicator").distinct())
    rng = random.Random("monitor-targets")
    targets = []
    for year in YEARS:
        units = services.monitored_units(city, year)
        h1 = _h1_amounts(city, year, [i[7] for i in INDICATORS if i[7] and i[6]])
        for code, _n, _u, _p, _f, judged, summable, amount_code, _g, _k, growth_target in INDICATORS:
            for index, unit in enumerate(units):
                growth = None if growth_target is None else round(growth_target + rng.choice((-0.5, 0, 0, 0.5, 1.0)), 1)
                amount = None
                base = h1.get((unit.pk, amount_code))
                if summable and judged != "growth" and base is not None and (year, amount_code) not in set_by_scheme:
                    # Every third unit set itself a target its first half does not reach half of (双过半 missed).
                    factor = 1.06 if index % 3 == 0 else rng.uniform(0.9, 0.98)
                    amount = Decimal(str(round(float(base) * 2 * factor, 2)))
                if growth is None and amount is None:
                    continue
                targets.append(MonitorTarget(indicator=by_code[code], unit=unit, year=year, amount=amount,
                                             growth=None if growth is None else Decimal(str(growth))))
    MonitorTarget.objects.bulk_create(targets)
    ctx.log(f"  monitor: {len(made)} indicators of {city.name}, {len(targets)} annual targets")


def _h1_amounts(city: OrgUnit, year: int, codes: list[str]) -> dict[tuple[int, str], Decimal]:
    """The 1–6月 amounts the scheme collected (month 6, or Q2 for quarterly figures)."""
    rows = DataValue.objects.filter(version__scheme__owner_unit=city, version__scheme__code=SCHEME,
                                    version__scheme__year=year, version__status=VersionStatus.ADOPTED,
                                    indicator__in=codes, value__isnull=False, period__year=year)
    found = {}
    for unit_id, code, kind, number, value in rows.values_list("unit_id", "indicator", "period__kind", "period__number", "value"):
        if (kind == "month" and number == 6) or (kind == "quarter" and number == 2):
            found[(unit_id, code)] = value
    return found
