"""The monitor reads the assessment's one collection: figures entered through the grid (or Excel,
or the API — all through ``save_values``) are its figures; it never asks for a value again."""

from __future__ import annotations

import pytest

from kaohe.assessment import services as collection
from kaohe.assessment.models import DataValue, PeriodKind
from kaohe.monitor import services
from kaohe.monitor.models import MonitorIndicator
from tests.monitor.factories import indicators, put, scheme, world_with_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(org_world):
    org_world.v25, org_world.v26, org_world.gdp, org_world.budget = world_with_figures(org_world)
    return org_world


def test_figures_come_from_the_collection(w):
    ev = services.evaluate(w.gdp, 2026)
    q1 = ev.at(2026, 3)
    assert q1["C-A"]["amount"] == 110 and q1["C-A"]["growth"] == 10.0 and not q1["C-A"]["growth_derived"]
    assert q1["C-A"]["city_growth"] == pytest.approx(316 / 300 * 100 - 100)  # 5.33 % from the published rates
    assert q1["C-A"]["gap_pp"] == pytest.approx(4.7)  # 10.0 − 5.3 个百分点
    # 开门红: 甲区 10.0 ≥ target 5.5 and ≥ 全市 5.3; 乙区 3.0 misses both.
    assert (q1["C-A"]["kaimenhong"], q1["C-B"]["kaimenhong"]) == (True, False)


def test_gdp_is_read_at_quarter_ends_and_shown_at_its_latest_release(w):
    ev = services.evaluate(w.gdp, 2026)
    assert ev.releases() == [(2025, 3), (2025, 6), (2026, 3), (2026, 6)]
    assert ev.at(2026, 5)["C-A"]["month"] == 3  # in May the latest GDP is 1–3月
    assert ev.at(2026, 2) == {}  # no GDP before 1–3月


def test_no_january_release_and_derived_growth_said_so(w):
    ev = services.evaluate(w.budget, 2026)
    assert ev.at(2026, 1) == {}  # the January value was entered, but the first release is 1–2月
    row = ev.at(2026, 2)["C-A"]
    assert row["growth"] == pytest.approx(10.0) and row["growth_derived"] is True  # 22 ÷ 20 − 1, no rate published
    h1 = ev.at(2026, 6)
    # 双过半: 甲区 66 ≥ 120 × 50 %; 乙区 114 < 240 × 50 %.
    assert (h1["C-A"]["shuangguoban"], h1["C-B"]["shuangguoban"]) == (True, False)
    assert h1["C-A"]["progress"] == pytest.approx(55.0) and h1["C-A"]["schedule"] == pytest.approx(50.0)


def test_a_published_city_figure_is_the_owners_own_value(w):
    put(w, w.v26, 2026, PeriodKind.QUARTER, 1, {("C", "gdp_growth"): 5.0})
    row = services.evaluate(w.gdp, 2026).at(2026, 3)["C-A"]
    assert row["city_growth"] == 5.0 and row["city_basis"] == "published" and row["gap_pp"] == pytest.approx(5.0)


def test_the_monitor_asks_for_nothing_the_scheme_collects(w):
    codes = [c for ind in MonitorIndicator.objects.all() for c in ind.codes]
    found = services.collected_in(w.city, 2026, codes)
    assert found == {"gdp": ["测试市高质量发展考核"], "gdp_growth": ["测试市高质量发展考核"], "budget": ["测试市高质量发展考核"]}
    assert not DataValue.objects.exclude(indicator__in=codes).exists()  # no value of its own


def test_monitored_units_are_the_schemes_peers(w):
    assert [u.code for u in services.monitored_units(w.city, 2026)] == ["C-A", "C-B"]
    assert services.latest_month(w.city, 2026) == 6 and services.monitor_owner(w.office_a) == w.city


def test_monitor_figures_feed_a_scheme_as_an_indicator_source(org_world):
    w = org_world
    indicators(w)  # the source's codes exist once the monitor has its indicators
    leaf = {"code": "mon_gdp_gap", "name": "地区生产总值增速与全市差距", "points": 5, "method": "rank_points",
            "params": {"step": 1}, "platform": {"unit_of_measure": "个百分点", "frequency": "quarterly", "source": "monitor"}}
    v26 = scheme(w, 2026, [leaf])
    put(w, v26, 2026, PeriodKind.QUARTER, 1, {("C-A", "gdp"): 110, ("C-B", "gdp"): 206, ("C-A", "gdp_growth"): 10,
                                              ("C-B", "gdp_growth"): 3})
    q1 = collection.periods_of(w.city, 2026).get(kind=PeriodKind.QUARTER, number=1)
    result = collection.compute_sourced_values(v26, q1)
    assert result.by_source == {"monitor": 2}
    stored = DataValue.objects.filter(version=v26, indicator="mon_gdp_gap").select_related("provenance")
    values = {v.unit.code: v for v in stored}
    # 全市 = (110 + 206) ÷ (110 ÷ 1.10 + 206 ÷ 1.03) − 1 = 316 ÷ 300 − 1 = 5.3 %
    assert float(values["C-A"].value) == pytest.approx(4.7) and float(values["C-B"].value) == pytest.approx(-2.3)
    assert values["C-A"].provenance.source == "monitor" and values["C-A"].provenance.inputs["release"] == "2026-03"
    refused = collection.save_values(w.submitter, v26, q1, [collection.ValueInput(w.district_a.pk, "mon_gdp_gap", None)],
                                     source="grid")
    assert not refused.ok and "经济运行监测" in refused.errors[0].message  # never typed


def test_targets_come_from_the_scheme_unless_the_monitor_sets_its_own(w):
    from decimal import Decimal

    from kaohe.assessment.models import Target
    from kaohe.monitor.models import MonitorTarget

    MonitorTarget.objects.filter(indicator=w.budget, unit=w.district_a).delete()
    Target.objects.create(version=w.v26, unit=w.district_a, indicator="budget", target=Decimal(132))
    Target.objects.create(version=w.v26, unit=w.district_b, indicator="budget", target=Decimal(999))
    h1 = services.evaluate(w.budget, 2026).at(2026, 6)
    assert h1["C-A"]["target_amount"] == 132 and h1["C-A"]["progress"] == pytest.approx(50.0)  # 66 ÷ 132: the scheme's
    assert h1["C-A"]["shuangguoban"] is True  # exactly half: met
    assert h1["C-B"]["target_amount"] == 240  # the monitor's own target wins over the scheme's 999


def test_a_figure_imported_from_excel_or_csv_is_the_monitors_at_once(w):
    from kaohe.assessment import excel

    q3 = collection.periods_of(w.city, 2026).get(kind=PeriodKind.QUARTER, number=3)
    csv = b"unit,indicator,value\nC-A,gdp,350\nC-A,gdp_growth,6.2\nC-B,gdp,640\nC-B,gdp_growth,5.8\n"
    outcome = excel.import_values(csv, "gdp-2026Q3.csv", user=w.submitter, version=w.v26, period=q3,
                                  responsible_unit=w.stats_bureau)
    assert outcome.ok, outcome.problems
    row = services.evaluate(w.gdp, 2026).at(2026, 9)["C-A"]
    assert (row["amount"], row["growth"], row["growth_rank"]) == (350, 6.2, 1)
    assert services.evaluate(w.gdp, 2026).at(2026, 9)["C-A"]["prev_growth_rank"] == 1  # 1–6月: 5.5 vs 5.4


def test_a_next_years_draft_scheme_does_not_move_the_default_year(w):
    from kaohe.assessment import schemes
    from tests.monitor.factories import CONTENT

    schemes.import_scheme({**CONTENT, "year": 2027}, user=w.office, code="HQD", owner_unit=w.city)  # a draft
    assert services.latest_year(w.city) == 2026
