"""Publishing shows how complete the data is and refuses incomplete data unless the office
overrides it explicitly, with a reason that is written to the audit log."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaohe.assessment import services as assessment
from kaohe.audit.models import AuditEntry
from kaohe.results import queries
from kaohe.results.models import Publication
from kaohe.results.receivers import run_for_period
from kaohe.results.services import completeness, publish
from tests.assessment.factories import adopted_version, periods, put

pytestmark = pytest.mark.django_db


@pytest.fixture
def march_run(org_world):
    w = org_world
    version = adopted_version(w)
    period = periods(2025)[3]
    values = {("C-A", "fai"): "120", ("C-B", "fai"): "100", ("C-A", "export"): "30", ("C-B", "export"): "40",
              ("C-A", "trade"): "50", ("C-B", "trade"): "60", ("C-A", "gdp"): "300", ("C-B", "gdp"): "280",
              ("C-A", "jobs"): "900", ("C-B", "jobs"): "800"}
    assert put(w, version, period, values).ok
    # 统计局 is submitted and approved; 商务局 has not even submitted
    sub = assessment.submission_for(version, w.stats_bureau, period)
    assessment.submit(sub, user=w.submitter)
    assessment.approve(sub, user=w.office)
    run = run_for_period(version, period, background=False)
    assert run.status == "done", run.error
    return version, period, run


def test_one_of_two_responsible_units_approved_is_incomplete_and_publishing_is_refused(march_run, org_world):
    _version, _period, run = march_run
    state = completeness(run)
    assert (state.approved, state.due, state.checked, state.complete) == (1, 2, True, False)
    assert state.pending == ("市商务局",)
    with pytest.raises(ValidationError) as exc:
        publish(run, org_world.office)
    assert "已审核通过的责任单位 1/2 家" in exc.value.messages[0] and "市商务局" in exc.value.messages[0]
    assert not Publication.objects.exists()


def test_the_override_publishes_and_the_audit_log_keeps_the_reason_and_the_state(march_run, org_world):
    _version, _period, run = march_run
    pub = publish(run, org_world.office, override_reason="市委要求先行公示，商务局数据下周补审")
    entry = AuditEntry.objects.of_type("results.publication").filter(action="publish", object_id=pub.pk).get()
    assert "数据不完整仍公示" in entry.reason and "商务局数据下周补审" in entry.reason and "1/2" in entry.reason
    # the warnings the office was shown (a quarterly indicator of the monthly run is one line, its
    # per-unit missing values not counted again)
    shown = queries.warning_count(queries.warning_groups(run))
    assert 0 < shown <= len(run.warnings)
    assert entry.after["completeness"] == {"approved": 1, "due": 2, "warnings": shown, "complete": False}


def test_the_run_page_shows_completeness_and_the_form_needs_the_checkbox_and_a_reason(march_run, org_world, client_for):
    _version, _period, run = march_run
    office = client_for(org_world.office)
    page = office.get(reverse("results:run_detail", args=[run.pk])).content.decode()
    assert "已审核通过的责任单位 1/2 家" in page and "数据不完整仍公示" in page
    url = reverse("results:publish", args=[run.pk])
    office.post(url, {"notice_days": 7, "override_reason": "理由但未勾选"})
    assert not Publication.objects.exists()
    office.post(url, {"notice_days": 7, "override": "1", "override_reason": ""})
    assert not Publication.objects.exists()
    office.post(url, {"notice_days": 7, "override": "1", "override_reason": "领导同意"})
    assert Publication.objects.filter(run=run).exists()


def test_complete_data_publishes_without_an_override(march_run, org_world):
    version, period, run = march_run
    sub = assessment.submission_for(version, org_world.commerce_bureau, period)
    assessment.submit(sub, user=org_world.submitter_b)
    assessment.approve(sub, user=org_world.office)
    assert completeness(run).complete
    pub = publish(run, org_world.office)
    assert AuditEntry.objects.of_type("results.publication").filter(action="publish", object_id=pub.pk).get().reason == ""



def test_the_run_diff_names_collected_inputs_too(march_run, org_world, client_for):
    """gdp (an input of the derived gdp_yoy, not a scored leaf) is named 地区生产总值, not gdp."""
    version, period, run = march_run
    from decimal import Decimal

    from kaohe.assessment import services as a

    a.correct_value(org_world.office, version, period, org_world.district_b, "gdp", Decimal("290"), reason="更正")
    second = run_for_period(version, period, background=False)
    html = client_for(org_world.office).get(reverse("results:run_diff", args=[second.pk, run.pk])).content.decode()
    assert "地区生产总值：280.00 → 290.00亿元" in html and ">gdp" not in html and " gdp：" not in html
