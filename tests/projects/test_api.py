"""The projects API as owner, member, office, leader and outsider (session auth)."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest

from kaohe.projects import services
from kaohe.projects.models import MonthlyReport
from tests.projects.factories import ProjectFactory

D = dt.date


@pytest.fixture
def w(org_world):
    org_world.project = ProjectFactory(unit=org_world.district_a, code="XA1", milestones={"started": (D(2026, 6, 1), None)})
    org_world.other = ProjectFactory(unit=org_world.district_b, code="XB1", year_plan=Decimal(0))
    services.run_warnings(D(2026, 11, 10))
    return org_world


def test_the_list_is_scoped_and_needs_a_login(w, client_for):
    assert client_for(w.anonymous).get("/api/projects/").status_code == 401
    codes = [p["code"] for p in client_for(w.assessed_a).get("/api/projects/").json()]
    assert codes == ["XA1"]
    codes = [p["code"] for p in client_for(w.office).get("/api/projects/").json()]
    assert codes == ["XA1", "XB1"]


def test_a_project_is_readable_by_its_unit_and_the_office_only_and_not_found_by_another_unit(w, client_for):
    url = f"/api/projects/{w.project.pk}"
    assert client_for(w.assessed_a).get(url).json()["warning_level"] == "red"
    assert client_for(w.office).get(url).status_code == 200
    assert client_for(w.assessed_b).get(url).status_code == 404
    assert client_for(w.anonymous).get(url).status_code == 401


def test_the_owner_submits_a_report_through_the_api(w, client_for):
    url = f"/api/projects/{w.project.pk}/reports"
    body = json.dumps({"year": 2026, "month": 10, "invest_month": "250.5", "progress": "基础施工"})
    assert client_for(w.assessed_b).post(url, body, content_type="application/json").status_code == 404
    assert client_for(w.leader).post(url, body, content_type="application/json").status_code == 403
    response = client_for(w.assessed_a).post(url, body, content_type="application/json")
    assert response.status_code == 201
    assert Decimal(response.json()["invest_ytd"]) == Decimal("250.5")
    bad = json.dumps({"year": 2026, "month": 0, "invest_month": "1"})
    response = client_for(w.assessed_a).post(url, bad, content_type="application/json")
    assert response.status_code == 422 and "月份" in response.json()["detail"]
    assert MonthlyReport.objects.count() == 1


def test_warnings_and_figures_are_for_leaders_and_the_office(w, client_for):
    data = client_for(w.leader).get("/api/projects/warnings").json()
    assert [(x["code"], x["level"]) for x in data] == [("XA1", "red")]
    assert data[0]["reasons"][0]["code"] == "start"
    assert client_for(w.assessed_a).get("/api/projects/warnings").status_code == 403
    figures = client_for(w.office).get("/api/projects/figures?year=2026&month=10").json()
    got = {(f["unit"], f["indicator"]): f["value"] for f in figures}
    assert got[("C-A", "proj_count")] == 1 and got[("C-A", "proj_start_rate")] == 0.0
    assert client_for(w.assessed_b).get("/api/projects/figures?year=2026&month=10").status_code == 403


def test_the_import_endpoint_is_for_the_office_and_names_bad_rows(w, client_for):
    from tests.projects.test_excel import row, xlsx

    def upload():
        f = io.BytesIO(xlsx([row(**{"属地单位代码": "NOPE"})]))
        f.name = "list.xlsx"
        return {"file": f}

    assert client_for(w.assessed_a).post("/api/projects/import", upload()).status_code == 403
    assert client_for(w.anonymous).post("/api/projects/import", upload()).status_code == 401
    response = client_for(w.office).post("/api/projects/import", upload())
    assert response.status_code == 422
    assert "工作表“Sheet”第2行D列“属地单位代码”：单位代码“NOPE”不存在" in response.json()["detail"]


def test_the_openapi_schema_lists_the_project_endpoints(client_for, db):
    paths = client_for(None).get("/api/openapi.json").json()["paths"]
    assert {"/api/projects/", "/api/projects/{project_id}/reports", "/api/projects/warnings"} <= set(paths)
