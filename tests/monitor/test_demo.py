"""The monitor demo: the usual indicators over the figures the demo scheme collected (2025-01 to
2026-10), a 2026 Q1 where some units miss 开门红 and an H1 where some miss 双过半."""

from __future__ import annotations

import pytest

from kaohe.assessment import demo as assessment_demo
from kaohe.monitor import demo, services
from kaohe.monitor.models import MonitorIndicator, MonitorTarget
from kaohe.orgs import demo as orgs_demo
from kaohe.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    ctx = orgs_demo.DemoContext(verbose=False)
    orgs_demo.load(ctx)
    ctx.city = OrgUnit.objects.get(code="SFS")
    assessment_demo.load(ctx)
    demo.load(ctx)
    return ctx


def test_the_demo_monitor(loaded):
    city = loaded.city
    assert MonitorIndicator.objects.filter(owner_unit=city).count() == len(demo.INDICATORS) == 11
    units = services.monitored_units(city, 2026)
    assert len(units) == 12
    gdp = MonitorIndicator.objects.get(owner_unit=city, code="gdp")
    ev = services.evaluate(gdp, 2026, units)
    # Every district has published GDP growth for every quarter of 2025 and 2026 Q1–Q3.
    assert ev.releases() == [(2025, 3), (2025, 6), (2025, 9), (2025, 12), (2026, 3), (2026, 6), (2026, 9)]
    assert ev.frame["growth"].null_count() == 0 and not ev.frame["growth_derived"].any()
    kmh = [r["kaimenhong"] for r in ev.at(2026, 3).values()]
    assert True in kmh and False in kmh  # some units miss 开门红
    fai = services.evaluate(MonitorIndicator.objects.get(owner_unit=city, code="fai"), 2026, units)
    assert len(fai.releases()) == 11 + 9  # 1–2月 … 1–12月 2025, 1–2月 … 1–10月 2026: no January release
    budget = services.evaluate(MonitorIndicator.objects.get(owner_unit=city, code="budget_rev"), 2026, units)
    sgb = [r["shuangguoban"] for r in budget.at(2026, 6).values()]
    assert True in sgb and False in sgb  # some units miss 双过半
    assert not any(r["growth_derived"] for r in budget.at(2026, 6).values())  # published rates, collected once
    assert budget.frame.filter(budget.frame["year"] == 2025)["growth"].null_count() == 0
    targets = MonitorTarget.objects.count()
    demo.load(loaded)
    assert MonitorTarget.objects.count() == targets  # a second load changes nothing
