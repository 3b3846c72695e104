"""Runs from the assessment app's data: scored when a period is approved, marked stale on
corrections, and an accepted appeal corrects the stored value through the assessment service."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import TestCase

from kaohe.assessment import services as assessment
from kaohe.assessment import signals
from kaohe.assessment.models import DataValue, PeriodKind
from kaohe.results.models import RunTotal, ScoringRun, StaleMark
from kaohe.results.runs import Inputs
from kaohe.results.services import accept_appeal, file_appeal, publish
from tests.assessment.factories import adopted_version, periods, put, scheme_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(org_world):
    version = adopted_version(org_world)
    period = periods(2025)[3]
    values = {("C-A", "fai"): "120", ("C-B", "fai"): "100", ("C-A", "export"): "30", ("C-B", "export"): "40",
              ("C-A", "trade"): "50", ("C-B", "trade"): "60", ("C-A", "gdp"): "300", ("C-B", "gdp"): "280",
              ("C-A", "jobs"): "900", ("C-B", "jobs"): "800"}
    result = put(org_world, version, period, values)
    assert result.ok, result.errors
    return version, period


def _approve(version, period):
    with TestCase.captureOnCommitCallbacks(execute=True):
        signals.period_approved.send(sender=None, version=version, period=period)
    return ScoringRun.objects.get(scheme_version=version, period=period)


def test_an_approved_period_is_scored_in_the_background_from_the_assessment_data(march):
    version, period = march
    run = _approve(version, period)
    assert run.status == "done" and (run.year, run.kind, run.number, run.label) == (2025, "month", 3, "2025年3月")
    assert run.scheme_code == "HQD" and run.source_hash
    assert Inputs.from_bytes(run.inputs).value_map()[("C-A", "fai")] == 120.0
    assert RunTotal.objects.filter(run=run).count() == 2


def test_a_correction_marks_the_periods_runs_stale(march, org_world):
    version, period = march
    run = _approve(version, period)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assessment.correct_value(org_world.office, version, period, org_world.district_b, "fai", Decimal("130"), reason="统计局更正")
    mark = StaleMark.objects.get(run=run)
    assert mark.units == [org_world.district_b.pk] and mark.indicators == ["fai"]


def test_an_accepted_appeal_corrects_the_stored_value_and_the_new_run_is_not_stale(march, org_world):
    version, period = march
    run = _approve(version, period)
    pub = publish(run, override_reason="测试：只看申诉")
    appeal = file_appeal(pub, org_world.district_b, "fai", "漏报一个项目", org_world.assessed_b, claimed_value=150)
    with TestCase.captureOnCommitCallbacks(execute=True):
        corrected = accept_appeal(appeal, org_world.office, response="核实无误")
    value = DataValue.objects.get(version=version, period=period, unit=org_world.district_b, indicator="fai")
    assert value.value == Decimal("150")
    assert Inputs.from_bytes(corrected.inputs).value_map()[("C-B", "fai")] == 150.0
    # The corrected run already holds the new value: nothing current is stale.
    assert list(ScoringRun.objects.current()) == [corrected]
    assert not StaleMark.objects.exists()


def test_a_half_year_is_scored_end_to_end_with_tongbi_against_the_first_half_of_last_year(org_world):
    last_year = adopted_version(org_world, scheme_content(year=2024, name="2024年度测试考核"))
    version = adopted_version(org_world)
    june_2024, june_2025 = periods(2024)[6], periods(2025)[6]
    assert put(org_world, last_year, june_2024, {("C-A", "gdp"): "250", ("C-B", "gdp"): "280"}).ok
    values = {("C-A", "fai"): "120", ("C-B", "fai"): "100", ("C-A", "gdp"): "300", ("C-B", "gdp"): "294",
              ("C-A", "jobs"): "900", ("C-B", "jobs"): "800"}
    assert put(org_world, version, june_2025, values).ok
    first_half = assessment.periods_of(version.scheme.owner_unit, 2025).get(kind=PeriodKind.HALF, number=1)
    assert first_half.code == "2025-H1"

    run = _approve(version, first_half)

    assert run.status == "done", run.error
    assert (run.kind, run.year, run.number, run.label) == ("half", 2025, 1, "2025年上半年")
    assert run.period_value == first_half.value and run.scheme_version == version
    # a half-year takes each monthly indicator's value at the half's last month (June), and
    # 2024-H1 (June 2024, from the 2024 scheme) for 同比:
    # gdp_yoy  甲 300 / 250 − 1 = 20 %,  乙 294 / 280 − 1 = 5 %;  rank_points (10, step 1) → 10 and 9
    rows = {r.unit_code: r for r in run.indicator_rows.filter(indicator="gdp_yoy")}
    assert (rows["C-A"].value, rows["C-A"].score) == (pytest.approx(20.0), 10)
    assert (rows["C-B"].value, rows["C-B"].score) == (pytest.approx(5.0), 9)
    table = Inputs.from_bytes(run.inputs).values
    assert {row[table["columns"].index("period")] for row in table["rows"]} == {"2024-H1", "2025-H1"}
