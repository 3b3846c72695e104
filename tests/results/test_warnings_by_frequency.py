"""A monthly run's scoring notes: an indicator reported once a year has no data in a month by design —
one line for all of them (in Chinese, for the office), not a missing value per unit."""

from __future__ import annotations

import copy

import pytest
from django.test import Client
from django.urls import reverse

from kaohe.assessment import services as assessment
from kaohe.results import queries
from kaohe.results.receivers import run_for_period
from kaohe.results.services import completeness
from tests.assessment.factories import SMALL_SCHEME, adopted_version, periods, put

pytestmark = pytest.mark.django_db


def _scheme_with_a_yearly_safety_indicator():
    content = copy.deepcopy(SMALL_SCHEME)
    safety = content["root"]["children"][1]["children"][1]
    safety["platform"]["frequency"] = "yearly"
    return content


def test_yearly_indicators_in_a_monthly_run_are_one_line_not_missing_values(org_world):
    w = org_world
    version = adopted_version(w, _scheme_with_a_yearly_safety_indicator())
    march = periods(2025)[3]
    values = {("C-A", "fai"): "120", ("C-B", "fai"): "100", ("C-A", "export"): "30", ("C-B", "export"): "40",
              ("C-A", "trade"): "50", ("C-B", "trade"): "60", ("C-A", "gdp"): "300", ("C-B", "gdp"): "280",
              ("C-A", "jobs"): "900", ("C-B", "jobs"): "800"}
    assert put(w, version, march, values).ok
    for ru, who in ((w.stats_bureau, w.submitter), (w.commerce_bureau, w.submitter_b)):
        sub = assessment.submission_for(version, ru, march)
        assessment.submit(sub, user=who)
        assessment.approve(sub, user=w.office)
    run = run_for_period(version, march, background=False)
    assert run.status == "done", run.error
    raw = [(x.get("code"), x.get("indicator")) for x in run.warnings]
    assert ("indicator_absent", "safety") in raw  # the engine: no values at all for 'safety'
    groups = queries.warning_groups(run)
    titles = [g["title"] for g in groups]
    assert titles[0] == "1项年度指标不能按月计分（按缺失规则计分）"
    assert groups[0]["items"] == ["安全事故"]
    # neither as an absent indicator nor as per-unit missing values (a monthly one still is)
    assert not any("安全事故" in line for g in groups[1:] for line in g["items"])
    assert queries.warning_count(groups) == sum(g["count"] for g in groups)
    assert completeness(run).warnings == queries.warning_count(groups)

    c = Client()
    c.force_login(w.office)
    page = c.get(reverse("results:run_detail", args=[run.pk])).content.decode()
    assert "1项年度指标不能按月计分" in page and f"计分提示（{queries.warning_count(groups)}）" in page
    profile = c.get(reverse("results:unit_profile", args=["C-A"]) + f"?run={run.pk}").content.decode()
    assert 'data-testid="trend-note"' in profile and "年度指标12月计入" in profile and "季度指标" not in profile
    c.force_login(w.assessed_a)
    assert "不能按月计分" not in c.get(reverse("results:run_detail", args=[run.pk])).content.decode()
    # the unit profile explains the step its monthly totals take in December
    assert queries.trend_note(run) == "月度总分：年度指标12月计入，其余月份按缺失规则计分，故总分在这些月份上升。"
