"""The supervision API (/api/supervision/): scoped lists (another district's office sees nothing, a
task out of scope is 404, in scope but not allowed 403), the whole workflow through it — 立项 → 交办 →
签收 → 进展 → 延期申请/审批 → 办结报告 → 退回重办 → 办结报告 → 销号 → 回头看 — and the board's figures."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from kaohe.orgs.models import ApiToken
from kaohe.supervision import services
from kaohe.supervision.models import Task
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db

API = "/api/supervision"


def _client(user) -> Client:
    _token, key = ApiToken.issue(user, "测试")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _post(user, path, body=None):
    return _client(user).post(f"{API}{path}", json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def task(sv):
    """A task of 2025 led by 甲区 with 市统计局 co-handling."""
    return sv.make("甲区牵头：城东片区征收", co_units=[sv.stats_bureau], now=at(2025, 9, 22))


LIST = {"office": 1, "leader": 1, "office_a": 1, "leader_a": 1, "assessed_a": 1, "submitter": 1, "assessed_town_a": 0,
        "office_b": 0, "leader_b": 0, "assessed_b": 0, "district_submitter_b": 0, "assessed_town_b": 0}


@pytest.mark.parametrize("role", sorted(LIST))
def test_tasks_are_listed_and_read_within_scope_only(sv, task, role):
    client = _client(sv.users[role])
    rows = client.get(f"{API}/tasks").json()
    assert len(rows) == LIST[role], role
    detail = client.get(f"{API}/tasks/{task.pk}")
    assert detail.status_code == (200 if LIST[role] else 404), role
    if LIST[role]:
        body = detail.json()
        assert body["number"] == "督〔2025〕1号" and body["lead_unit"] == "C-A" and body["co_units"] == ["C-TJJ"]
        assert [e["kind"] for e in body["timeline"]] == ["create", "assign"]
        assert body["documents"][0]["number"] == "督交〔2025〕1号"


def test_anonymous_gets_401(task):
    assert Client().get(f"{API}/tasks").status_code == 401


def test_the_whole_workflow_through_the_api(sv):
    created = _post(sv.office, "/tasks", {"title": "推进城西安置房建设", "source_kind": "instruction", "urgency": "normal",
                                          "source_ref": "李市长批示〔2026〕7号", "lead_unit": "C-A", "co_units": ["C-TJJ"],
                                          "leader_name": "周副市长"})
    assert created.status_code == 201, created.content
    body = created.json()
    pk = body["id"]
    # 批示 非急件: 15 working days by default; 交办 at once (交办单 numbered), waiting for 签收
    assert body["limit_workdays"] == 15 and body["state"] == "assigned" and body["documents"][0]["kind"] == "assign"
    # 签收: the lead unit only — its leader sees the task but may not sign (403), another district's unit: 404
    assert _post(sv.leader_a, f"/tasks/{pk}/sign").status_code == 403
    assert _post(sv.assessed_b, f"/tasks/{pk}/sign").status_code == 404
    signed = _post(sv.assessed_a, f"/tasks/{pk}/sign")
    assert signed.status_code == 200 and signed.json()["state"] == "in_progress"
    # progress by the lead or a co-handling unit
    progress = _post(sv.submitter, f"/tasks/{pk}/progress", {"text": "已完成统计摸底", "percent": 40})
    assert progress.status_code == 200 and progress.json()["progress"] == 40
    # an extension asked before the deadline, to a later working day; decided by the office, with a reason
    due = timezone.localtime(dt.datetime.fromisoformat(signed.json()["due_at"])).date()
    later = due + dt.timedelta(days=7)
    while later.weekday() >= 5:
        later += dt.timedelta(days=1)
    asked = _post(sv.assessed_a, f"/tasks/{pk}/extensions", {"reason": "征收补偿方案待区政府常务会审议", "proposed_on": later.isoformat()})
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    ext = asked.json()["id"]
    assert _post(sv.office_b, f"/extensions/{ext}/decision", {"approve": True, "reason": "同意"}).status_code == 404
    assert _post(sv.assessed_a, f"/extensions/{ext}/decision", {"approve": True, "reason": "同意"}).status_code == 403
    decided = _post(sv.office, f"/extensions/{ext}/decision", {"approve": True, "reason": "同意延期至会后"})
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert timezone.localtime(dt.datetime.fromisoformat(decided.json()["new_due_at"])).date() == later
    # 办结报告 → 退回重办 (a reason is required) → 办结报告 → 销号
    assert _post(sv.assessed_a, f"/tasks/{pk}/report", {"text": "已完成"}).json()["state"] == "reported"
    refused = _post(sv.office, f"/tasks/{pk}/review", {"accept": False})
    assert refused.status_code == 422 and "退回重办须说明理由" in refused.json()["detail"]
    returned = _post(sv.office, f"/tasks/{pk}/review", {"accept": False, "reason": "安置房未交付，证据不足"})
    assert returned.json()["state"] == "in_progress" and returned.json()["returned_count"] == 1
    _post(sv.assessed_a, f"/tasks/{pk}/report", {"text": "已交付，附交付清单"})
    assert _post(sv.office_a, f"/tasks/{pk}/review", {"accept": True}).status_code == 403  # 甲区's office did not set it up
    closed = _post(sv.office, f"/tasks/{pk}/review", {"accept": True, "checks": list(services.CHECKLIST)})
    assert closed.json()["state"] == "closed" and closed.json()["on_time"] is True
    # 回头看 reopens it
    reopened = _post(sv.office, f"/tasks/{pk}/reopen", {"reason": "回头看：部分住户未入住"})
    body = reopened.json()
    assert body["state"] == "in_progress" and body["reopened_count"] == 1
    assert [e["kind"] for e in body["timeline"]] == [
        "create", "assign", "sign", "progress", "ext_ask", "ext_ok", "report", "return", "report", "close", "reopen"]
    assert Task.objects.get(pk=pk).events.count() == 11


def test_only_offices_set_up_tasks_and_only_for_units_in_their_scope(sv):
    body = {"title": "事项", "source_kind": "meeting", "lead_unit": "C-A"}
    assert _post(sv.assessed_a, "/tasks", body).status_code == 403
    assert _post(sv.leader, "/tasks", body).status_code == 403
    outside = _post(sv.office_b, "/tasks", body)
    assert outside.status_code == 422 and "C-A" in outside.json()["detail"]
    assert _post(sv.office_a, "/tasks", body).status_code == 201
    assert _post(sv.office, "/tasks", {**body, "source_kind": "gossip"}).status_code == 422


def test_one_click_through_the_api_from_a_problem(sv):
    from kaohe.projects import services as project_services

    project = project_services.create_project({"code": "XM-8", "name": "甲区装备园", "unit": sv.district_a, "total_investment": 10000,
                                               "year": 2025, "year_plan": 5000, "leader_name": "周副市长"}, user=sv.office)
    problem = project_services.raise_problem(project, "施工用电未接入", user=sv.assessed_a, now=at(2025, 9, 22, 9))
    spec = f"projects.problem:{problem.pk}"
    assert _post(sv.office_b, "/tasks", {"source": spec}).status_code == 404
    made = _post(sv.office_a, "/tasks", {"source": spec})
    assert made.status_code == 201
    body = made.json()
    assert body["source_kind"] == "project" and body["limit_workdays"] == 10 and body["lead_unit"] == "C-A"
    assert body["source"]["link"] == f"/projects/{project.pk}/"
    assert _post(sv.office, "/tasks", {"source": spec}).json()["id"] == body["id"]  # one task per source
    assert _post(sv.office, "/tasks", {"source": "projects.problem:99999"}).status_code == 404


def test_the_burden_ceiling_asks_for_confirmation(sv, settings):
    settings.KAOHE_SUPERVISION = {**settings.KAOHE_SUPERVISION, "report_ceiling": 1}
    body = {"title": "第一件", "source_kind": "meeting", "lead_unit": "C-A"}
    assert _post(sv.office, "/tasks", body).status_code == 201
    again = _post(sv.office, "/tasks", {**body, "title": "第二件"})
    assert again.status_code == 409 and "已达上限1次" in again.json()["detail"]
    assert _post(sv.office, "/tasks", {**body, "title": "第二件", "confirm_burden": True}).status_code == 201


def test_the_board_figures_are_the_offices_and_leaders(sv):
    # this year's tasks (the board counts the current year): one for 甲区, one for 乙区
    sv.make("甲区事项", now=timezone.now())
    sv.make("乙区事项", lead=sv.district_b, now=timezone.now())
    figures = _client(sv.office).get(f"{API}/board").json()
    assert figures["year"] == timezone.localdate().year
    assert figures["counts"]["total"] == 2 and figures["counts"]["open"] == 2 and figures["counts"]["red"] == 0
    assert {u["unit"]: u["open"] for u in figures["by_lead_unit"]} == {"C-A": 1, "C-B": 1}
    # 交办 this month counts toward each unit's burden meter
    assert {u["unit"]: u["reports_this_month"] for u in figures["by_lead_unit"]} == {"C-A": 1, "C-B": 1}
    assert {s["source_kind"]: s["tasks"] for s in figures["by_source"]}["meeting"] == 2
    assert _client(sv.assessed_a).get(f"{API}/board").status_code == 403
    # another district's office: only its own district's task
    mine = _client(sv.office_b).get(f"{API}/board").json()
    assert mine["counts"]["total"] == 1 and [u["unit"] for u in mine["by_lead_unit"]] == ["C-B"]
