"""Runs from the assessment app's data: scored when a period is approved, marked stale on
corrections, and an accepted appeal corrects the stored value through the assessment service."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import TestCase

from kaohe.assessment import services as assessment
from kaohe.assessment import signals
from kaohe.assessment.models import DataValue
from kaohe.results.models import RunTotal, ScoringRun, StaleMark
from kaohe.results.runs import Inputs
from kaohe.results.services import accept_appeal, file_appeal, publish
from tests.assessment.factories import adopted_version, periods, put

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
    return ScoringRun.objects.get(scheme_version_ref=version.pk, period_ref=period.pk)


def test_an_approved_period_is_scored_in_the_background_from_the_assessment_data(march):
    version, period = march
    run = _approve(version, period)
    assert run.status == "done" and (run.year, run.kind, run.number) == (2025, "monthly", 3)
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
    pub = publish(run)
    appeal = file_appeal(pub, org_world.district_b, "fai", "漏报一个项目", org_world.assessed_b, claimed_value=150)
    with TestCase.captureOnCommitCallbacks(execute=True):
        corrected = accept_appeal(appeal, org_world.office, response="核实无误")
    value = DataValue.objects.get(version=version, period=period, unit=org_world.district_b, indicator="fai")
    assert value.value == Decimal("150")
    assert Inputs.from_bytes(corrected.inputs).value_map()[("C-B", "fai")] == 150.0
    # The corrected run already holds the new value: nothing current is stale.
    assert list(ScoringRun.objects.current()) == [corrected]
    assert not StaleMark.objects.exists()
