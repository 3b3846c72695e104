"""Projects' reports and problems through the JSON API (tokens): confirm a report, raise, resolve,
confirm, pause and resume a problem — each with the happy path, a role that sees but may not act (403)
and 乙区's same-role outsider (404)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client

from kaohe.orgs.models import ApiToken
from kaohe.projects import services
from kaohe.projects.models import MonthlyReport, Problem, ProblemStatus, ReportStatus
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(org_world):
    w = org_world
    w.project = ProjectFactory(unit=w.district_a, code="XA1")
    w.report = services.submit_report(w.project, 2026, 3, Decimal("120.5"), progress="主体施工", user=w.assessed_a)
    w.tokens = {name: ApiToken.issue(user, "t")[1] for name, user in w.users.items() if name != "anonymous"}
    return w


def call(w, role, method, path, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {w.tokens[role]}"}
    if method == "post":
        return Client().post(f"/api/projects{path}", json.dumps(body or {}), content_type="application/json", **headers)
    return Client().get(f"/api/projects{path}", body or {}, **headers)


def test_tokens_reach_the_projects_api_and_the_reports_are_listed_in_scope(w):
    reports = call(w, "assessed_a", "get", f"/{w.project.pk}/reports").json()
    assert [(r["year"], r["month"], r["invest_month"], r["status"]) for r in reports] == [(2026, 3, "120.50", "submitted")]
    assert call(w, "assessed_b", "get", f"/{w.project.pk}/reports").status_code == 404


def test_the_office_confirms_a_report_the_unit_may_not_and_another_district_does_not_find_it(w):
    url = f"/reports/{w.report.pk}/confirm"
    assert call(w, "assessed_a", "post", url, {}).status_code == 403
    assert call(w, "office_b", "post", url, {}).status_code == 404
    returned = call(w, "office_a", "post", url, {"accept": False, "reason": "投资额与台账不符"})
    assert returned.status_code == 200 and returned.json()["status"] == ReportStatus.RETURNED
    again = call(w, "office_a", "post", url, {})
    assert again.status_code == 422 and "不在待确认状态" in again.json()["detail"]


def test_a_problem_is_raised_resolved_and_closed_by_the_right_people(w):
    assert call(w, "leader_a", "post", f"/{w.project.pk}/problems", {"title": "用地指标未落实"}).status_code == 403
    assert call(w, "assessed_b", "post", f"/{w.project.pk}/problems", {"title": "用地指标未落实"}).status_code == 404
    blank = call(w, "assessed_a", "post", f"/{w.project.pk}/problems", {"title": "  "})
    assert blank.status_code == 422 and "请填写问题" in blank.json()["detail"]
    raised = call(w, "office", "post", f"/{w.project.pk}/problems", {"title": "用地指标未落实", "description": "需市自然资源局协调"})
    assert raised.status_code == 201 and raised.json()["assigned_unit"] == "C-A" and raised.json()["status"] == "open"
    pid = raised.json()["id"]
    assert [p["id"] for p in call(w, "leader_a", "get", f"/{w.project.pk}/problems").json()] == [pid]
    # 甲区's people resolve it; 乙区's office does not find it; a leader may not.
    assert call(w, "office_b", "post", f"/problems/{pid}/resolve", {"resolution": "已协调"}).status_code == 404
    assert call(w, "leader_a", "post", f"/problems/{pid}/resolve", {"resolution": "已协调"}).status_code == 403
    resolved = call(w, "assessed_a", "post", f"/problems/{pid}/resolve", {"resolution": "指标已下达"})
    assert resolved.status_code == 200 and resolved.json()["status"] == ProblemStatus.RESOLVED
    # The raiser (the city office) closes it; the assessed unit may not confirm its own answer.
    assert call(w, "assessed_a", "post", f"/problems/{pid}/confirm", {"accept": True}).status_code == 403
    closed = call(w, "office", "post", f"/problems/{pid}/confirm", {"accept": True})
    assert closed.status_code == 200 and closed.json()["status"] == ProblemStatus.CLOSED
    assert Problem.objects.get(pk=pid).status == ProblemStatus.CLOSED


def test_the_raiser_pauses_and_resumes_a_problems_clock(w):
    problem = services.raise_problem(w.project, "环评批复延迟", user=w.office_a,
                                     now=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))
    url = f"/problems/{problem.pk}"
    assert call(w, "office_b", "post", f"{url}/pause", {"reason": "等待省厅批复"}).status_code == 404
    assert call(w, "assessed_a", "post", f"{url}/pause", {"reason": "等待省厅批复"}).status_code == 403
    paused = call(w, "office_a", "post", f"{url}/pause", {"reason": "等待省厅批复"})
    assert paused.status_code == 200 and paused.json()["paused"] is True
    resumed = call(w, "office_a", "post", f"{url}/resume")
    assert resumed.status_code == 200 and resumed.json()["paused"] is False
    again = call(w, "office_a", "post", f"{url}/resume")
    assert again.status_code == 422 and "未暂停计时" in again.json()["detail"]
    assert MonthlyReport.objects.count() == 1
