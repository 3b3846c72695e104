"""指标数据来源: an indicator declared ``platform: {source: projects}`` takes the projects module's figure,
stored with its provenance, and is never typed in."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kaohe.assessment import excel, schemes, services, sources
from kaohe.assessment.models import DataValue, PeriodStatus
from kaohe.assessment.services import ValueInput
from kaohe.projects import services as project_services
from tests.assessment.factories import adopted_version, periods, scheme_content
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db
D = dt.date
NOW = timezone.make_aware(dt.datetime(2025, 7, 2, 9))


def with_start_rate() -> dict:
    content = scheme_content()
    content["root"]["children"][0]["children"].append(
        {"code": "proj_start_rate", "name": "重大项目开工率", "points": 10, "method": "efficacy",
         "platform": {"unit_of_measure": "%", "frequency": "monthly", "source": "projects"}})
    return content


@pytest.fixture
def world(org_world):
    w = org_world
    # 甲区: two projects due to start by 2025-06-30 (one in its town), one started → 开工率 1/2 = 50%;
    # 乙区: one due and started → 100%.
    w.a1 = ProjectFactory(unit=w.district_a, year=2025, milestones={"started": (D(2025, 3, 1), D(2025, 3, 5))})
    w.a2 = ProjectFactory(unit=w.towns_a[0], year=2025, milestones={"started": (D(2025, 5, 1), None)})
    w.b1 = ProjectFactory(unit=w.district_b, year=2025, milestones={"started": (D(2025, 3, 1), D(2025, 4, 1))})
    w.version = adopted_version(w, with_start_rate())
    w.june = periods(2025)[6]
    return w


def stored(w, unit) -> DataValue:
    return DataValue.objects.select_related("provenance").get(version=w.version, period=w.june, unit=unit, indicator="proj_start_rate")


def test_the_projects_figure_reaches_the_schemes_value_with_its_provenance(world):
    w = world
    spec = w.version.indicators.get(code="proj_start_rate")
    assert spec.source == "projects" and spec.is_collected
    result = services.compute_sourced_values(w.version, w.june, user=w.office, now=NOW)
    assert (result.saved, result.by_source) == (2, {"projects": 2})
    a = stored(w, w.district_a)
    assert a.value == Decimal("50") and a.revision == 1
    assert a.provenance.source == "projects" and a.provenance.computed_at == NOW
    assert a.provenance.inputs["projects"] == sorted([w.a1.pk, w.a2.pk]) and a.provenance.inputs["as_of"] == "2025-06-30"
    assert len(a.provenance.inputs_hash) == 64
    assert stored(w, w.district_b).value == Decimal("100")
    # the scoring run reads it like any other value
    data = services.run_inputs(w.version, w.june)
    rows = data.values.filter(indicator="proj_start_rate").sort("unit")
    assert rows["value"].to_list() == [50.0, 100.0]


def test_recomputing_keeps_an_unchanged_figure_and_follows_a_changed_one(world):
    w = world
    services.compute_sourced_values(w.version, w.june, now=NOW)
    before = stored(w, w.district_a).provenance.inputs_hash
    again = services.compute_sourced_values(w.version, w.june, now=NOW)
    assert (again.saved, again.unchanged) == (0, 2) and stored(w, w.district_a).revision == 1
    started = w.a2.stage_set.stages.get(code="started")
    project_services.set_milestone(w.a2, started, actual_on=D(2025, 6, 20))  # now both of 甲区's started
    changed = services.compute_sourced_values(w.version, w.june, now=NOW)
    a = stored(w, w.district_a)
    assert changed.saved == 1 and a.value == Decimal("100") and a.revision == 2
    assert a.provenance.inputs_hash != before


@pytest.mark.parametrize("source", ["grid", "excel", "api"])
def test_typing_a_sourced_value_is_refused_with_a_clear_message(world, source):
    w = world
    result = services.save_values(w.office, w.version, w.june, [ValueInput(w.district_a.pk, "proj_start_rate", Decimal("60"))],
                                  source=source)
    assert [i.code for i in result.errors] == ["source"]
    assert result.errors[0].message == (
        "指标“重大项目开工率”（proj_start_rate）的数据来自重大项目模块，每期自动计算，不能填报或导入；如数据有误，请在重大项目模块中更正。")
    assert not DataValue.objects.filter(indicator="proj_start_rate").exists()
    assert "proj_start_rate" not in {s.code for s in services.due_indicators(w.version, w.june)}


def test_a_csv_import_names_the_row_and_column_of_a_sourced_indicator(world):
    csv = b"unit,indicator,value\nC-A,proj_start_rate,60\n"
    outcome = excel.import_values(csv, "values.csv", user=world.office, version=world.version, period=world.june,
                                  responsible_unit=None)
    refused = sources.entry_refused(world.version.indicators.get(code="proj_start_rate"))
    assert [(p.row, p.column, p.reason) for p in outcome.problems] == [(2, "C", refused)]  # row 2, the value column
    assert not DataValue.objects.filter(indicator="proj_start_rate").exists()


def test_a_locked_period_keeps_its_values(world):
    w = world
    w.june.status = PeriodStatus.LOCKED
    w.june.save()
    with pytest.raises(services.WorkflowError, match="已锁定"):
        services.compute_sourced_values(w.version, w.june)


def test_a_scheme_naming_an_unknown_source_or_an_indicator_the_source_does_not_compute_is_refused(org_world):
    content = with_start_rate()
    leaf = content["root"]["children"][0]["children"][-1]
    bad = copy.deepcopy(content)
    bad["root"]["children"][0]["children"][-1]["platform"]["source"] = "nosuch"
    assert any("数据来源“nosuch”不存在，可选：projects（重大项目）" in e for e in schemes.validate(bad))
    leaf["code"] = "proj_unknown"
    assert any("重大项目模块不计算该指标" in e for e in schemes.validate(content))


def test_the_daily_task_refreshes_the_values_of_the_years_open_periods(world):
    w = world
    changed = services.refresh_sourced_values(D(2025, 7, 2), source="projects")
    # the monthly periods begun by 7/2 are January–July: 7 × 2 units = 14 values computed; nothing is
    # due before March, so January and February are empty (null, with their provenance) — 10 figures
    assert changed == 14
    assert DataValue.objects.filter(indicator="proj_start_rate", value__isnull=False).count() == 10
    # 甲区 in March: only a1 due (a2 from May), started → 100; in June 1 of 2 → 50; 乙区 in March: b1 starts 4/1 → 0
    march = periods(2025)[3]
    assert DataValue.objects.get(version=w.version, period=march, unit=w.district_a, indicator="proj_start_rate").value == 100
    assert DataValue.objects.get(version=w.version, period=march, unit=w.district_b, indicator="proj_start_rate").value == 0
    assert stored(w, w.district_a).value == Decimal("50")


@pytest.mark.django_db(transaction=True)
def test_two_computations_of_one_period_at_once_store_each_value_once(org_world):
    """Real threads on PostgreSQL (the period row is locked, the second waits and finds the first's
    rows; without the lock it hits the unique constraint); SQLite's in-memory test database
    serialises writers, so there the threads run in turn."""
    import threading

    from django.db import connection

    w = org_world
    ProjectFactory(unit=w.district_a, year=2025, milestones={"started": (D(2025, 3, 1), D(2025, 3, 5))})
    version = adopted_version(w, with_start_rate())
    june = periods(2025)[6]
    barrier, failures = threading.Barrier(2), []

    def compute():
        try:
            if connection.vendor == "postgresql":
                barrier.wait(timeout=30)
            services.compute_sourced_values(version, june)
        except Exception as exc:  # noqa: BLE001 — reported below, the assertion names it
            failures.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=compute) for _ in range(2)]
    for t in threads:
        t.start()
        if connection.vendor != "postgresql":
            t.join(timeout=60)
    for t in threads:
        t.join(timeout=60)
    assert failures == []
    rows = DataValue.objects.filter(version=version, period=june, indicator="proj_start_rate")
    # 甲区 100 (its one project started), 乙区 empty (nothing due): two rows, each once, revision 1
    assert sorted((r.unit_id, r.value, r.revision) for r in rows) == [(w.district_a.pk, Decimal("100"), 1),
                                                                      (w.district_b.pk, None, 1)]


def test_the_scheme_workbook_carries_the_data_source_both_ways():
    content = with_start_rate()
    again = schemes.workbook_to_content(schemes.content_to_workbook(content))
    leaves = {lf.indicator: lf for lf in schemes.engine_scheme(again).leaves()}
    assert leaves["proj_start_rate"].platform.source == "projects" and leaves["fai"].platform.source == ""
