"""The enterprise API (/api/enterprise/, token auth): scoped lists and pages with 乙区's same-role
outsiders (404), every workflow step with its refusals (422) and roles (403), the figures, and the
enterprise's own link (its verified session sees only its own requests)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kaohe.enterprise import services
from kaohe.enterprise.models import EnterpriseRequest, Status
from kaohe.orgs.models import ApiToken
from tests.enterprise.factories import EnterpriseFactory
from tests.enterprise.test_views import _enter

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(org_world, work_calendar):
    w = org_world
    w.ent = EnterpriseFactory(unit=w.towns_a[0], specialist=w.assessed_town_a, name="甲一精密制造有限公司")
    w.ent2 = EnterpriseFactory(unit=w.towns_a[1], name="甲二食品有限公司")
    w.ent_b = EnterpriseFactory(unit=w.towns_b[0], name="乙一物流有限公司")
    w.req = services.receive(w.ent, rtype="finance", title="贷款贴息", channel="office", first_unit=w.district_a, user=w.office_a)
    w.req2 = services.receive(w.ent2, rtype="land", title="厂房用地", channel="office", first_unit=w.district_a, user=w.office_a)
    w.req_b = services.receive(w.ent_b, rtype="policy", title="人才政策", channel="office", first_unit=w.district_b, user=w.office_b)
    return w


def call(w, who, method, path, body=None):
    headers = {}
    if who != "anonymous":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(w.users[who], 't')[1]}"
    client = Client()
    if method == "post":
        return client.post(f"/api/enterprise{path}", json.dumps(body or {}), content_type="application/json", **headers)
    return client.get(f"/api/enterprise{path}", **headers)


def test_lists_are_scoped_and_anonymous_is_refused(w):
    assert {r["title"] for r in call(w, "office_a", "get", "/requests").json()} == {"贷款贴息", "厂房用地"}
    assert {r["title"] for r in call(w, "office_b", "get", "/requests").json()} == {"人才政策"}
    assert {r["title"] for r in call(w, "office", "get", "/requests?unit=C-B").json()} == {"人才政策"}
    # the 服务专员 of 甲一 sees the requests of the enterprise he serves
    assert "贷款贴息" in {r["title"] for r in call(w, "assessed_town_a", "get", "/requests").json()}
    assert {e["name"] for e in call(w, "office_b", "get", "/enterprises").json()} == {"乙一物流有限公司"}
    assert call(w, "anonymous", "get", "/requests").status_code == 401
    assert call(w, "office", "get", "/requests?status=nope").status_code == 422


@pytest.mark.parametrize(("who", "status"), [
    ("office", 200), ("office_a", 200), ("leader_a", 200), ("assessed_a", 200), ("assessed_town_a", 200),
    ("office_b", 404), ("leader_b", 404), ("assessed_b", 404), ("assessed_town_b", 404)])
def test_a_request_and_its_enterprise_are_found_only_in_scope(w, who, status):
    r = call(w, who, "get", f"/requests/{w.req.pk}")
    assert r.status_code == status, r.content
    if status == 200:
        body = r.json()
        assert [s["kind"] for s in body["timeline"]] == ["receive"] and body["clocks"]["response"]["status"] == "normal"
        assert body["clocks"]["sign"] is None
    assert call(w, who, "get", f"/enterprises/{w.ent.pk}").status_code == status


def test_the_whole_workflow_through_the_api(w):
    r = call(w, "office_a", "post", f"/enterprises/{w.ent2.pk}/requests", {"rtype": "permits", "title": "消防验收"})
    assert r.status_code == 201 and r.json()["status"] == "received" and r.json()["first_unit"] == "C-A"
    pk = r.json()["id"]
    assert call(w, "office_a", "post", f"/requests/{pk}/assign", {"handler_unit": "C-B-TJJ"}).status_code == 422
    r = call(w, "office_a", "post", f"/requests/{pk}/assign", {"handler_unit": "C-A-TJJ"})
    assert r.json()["status"] == "assigned" and r.json()["clocks"]["sign"]["status"] == "normal"
    r = call(w, "district_submitter_a", "post", f"/requests/{pk}/reply", {"text": "已办理完毕"})
    assert r.status_code == 422  # before 签收
    assert call(w, "district_submitter_a", "post", f"/requests/{pk}/sign").json()["status"] == "handling"
    assert call(w, "district_submitter_a", "post", f"/requests/{pk}/respond", {"text": "已电话联系企业，明日上门"}).status_code == 200
    assert call(w, "district_submitter_a", "post", f"/requests/{pk}/notes", {"text": "现场查看"}).status_code == 200
    r = call(w, "district_submitter_a", "post", f"/requests/{pk}/hand-back", {"basis": "无"})
    assert r.status_code == 422 and "法定依据" in r.json()["detail"]
    r = call(w, "district_submitter_a", "post", f"/requests/{pk}/hand-back",
             {"basis": "《消防法》第十三条：消防验收由住建部门负责", "reason": "非本单位职责"})
    assert r.json()["status"] == "received" and r.json()["handbacks"] == 1 and r.json()["handler_unit"] is None
    call(w, "office_a", "post", f"/requests/{pk}/assign", {"handler_unit": "C-A-TJJ"})
    call(w, "district_submitter_a", "post", f"/requests/{pk}/sign")
    r = call(w, "district_submitter_a", "post", f"/requests/{pk}/reply", {"text": "已协调住建部门完成验收"})
    assert r.json()["status"] == "replied" and r.json()["clocks"]["resolve"]["finished_at"] is not None
    r = call(w, "office_a", "post", f"/requests/{pk}/visit", {"answer": "unsatisfied", "comment": "仍未出具意见书"})
    assert r.json()["status"] == "assigned" and r.json()["round"] == 2  # 二次办理: sent out again
    assert r.json()["clocks"]["resolve"]["finished_at"] is None
    call(w, "district_submitter_a", "post", f"/requests/{pk}/sign")
    call(w, "district_submitter_a", "post", f"/requests/{pk}/reply", {"text": "意见书已出具"})
    assert call(w, "office_a", "post", f"/requests/{pk}/visit", {"answer": "great"}).status_code == 422
    r = call(w, "office_a", "post", f"/requests/{pk}/visit", {"answer": "satisfied"})
    body = r.json()
    assert body["status"] == "closed" and body["satisfaction"] == "satisfied" and body["closed_at"]
    assert [s["kind"] for s in body["timeline"]] == [
        "receive", "assign", "sign", "respond", "note", "hand_back", "assign", "sign", "reply", "visit", "reopen", "sign",
        "reply", "visit", "close"]
    basis = next(s for s in body["timeline"] if s["kind"] == "hand_back")
    assert basis["basis"].startswith("《消防法》") and basis["unit"] == "C-A-TJJ"
    assert call(w, "office_a", "post", f"/requests/{pk}/sign").status_code == 422  # closed


def test_an_immediate_answer_at_intake_is_ji_ban(w):
    r = call(w, "assessed_town_a", "post", f"/enterprises/{w.ent.pk}/requests",
             {"rtype": "policy", "title": "研发费用加计扣除", "answer": "按100%加计扣除，附政策原文"})
    body = r.json()
    assert r.status_code == 201 and body["tier"] == "immediate" and body["status"] == "replied"
    assert body["channel"] == "specialist" and body["first_unit"] == "C-A-01"


@pytest.mark.parametrize(("who", "status"), [
    ("office_a", 200), ("assessed_a", 200), ("leader_a", 403), ("district_submitter_a", 403),
    ("office_b", 404), ("leader_b", 404), ("assessed_b", 404)])
def test_routing_is_for_the_first_contact_side_and_outsiders_do_not_find_it(w, who, status):
    r = call(w, who, "post", f"/requests/{w.req.pk}/assign", {"handler_unit": "C-A-TJJ"})
    assert r.status_code == status, (who, r.content)
    w.req.refresh_from_db()
    assert (w.req.status == Status.ASSIGNED) == (status == 200)


def test_an_outsider_cannot_take_in_a_request_for_another_district_s_enterprise(w):
    before = EnterpriseRequest.objects.count()
    assert call(w, "office_b", "post", f"/enterprises/{w.ent.pk}/requests", {"rtype": "land", "title": "x"}).status_code == 404
    assert call(w, "leader_a", "post", f"/enterprises/{w.ent.pk}/requests", {"rtype": "land", "title": "x"}).status_code == 403
    assert call(w, "office_a", "post", f"/enterprises/{w.ent.pk}/requests", {"rtype": "nope", "title": "x"}).status_code == 422
    assert EnterpriseRequest.objects.count() == before


def test_figures_of_a_unit(w):
    services.assign(w.req, w.stats_a)
    services.sign(w.req)
    services.reply(w.req, "贴息已拨付到账")
    services.visit(w.req, "satisfied")
    r = call(w, "office_a", "get", "/units/C-A/figures?year=" + str(w.req.received_at.year))
    figures = r.json()["figures"]
    # 甲区: 2 requests (贷款贴息 closed satisfied, 厂房用地 open); one 回访 answer, 满意 → 100 %
    assert figures["ent_requests"]["value"] == 2 and figures["ent_requests"]["unit"] == "件"
    assert figures["ent_satisfied_rate"]["value"] == 100.0 and figures["enterprise_satisfaction"]["value"] == 100.0
    assert call(w, "office_b", "get", "/units/C-A/figures").status_code == 404


def test_the_enterprise_s_link_sees_only_its_own_requests(w, client):
    other = services.receive(w.ent2, rtype="talent", title="人才公寓", channel="office", first_unit=w.district_a)
    assert client.get(f"/api/enterprise/link/{w.ent.link_key}/requests").status_code == 401  # not verified yet
    _enter(client, w.ent)
    r = client.get(f"/api/enterprise/link/{w.ent.link_key}/requests")
    assert r.status_code == 200 and [x["title"] for x in r.json()] == ["贷款贴息"]
    assert client.get(f"/api/enterprise/link/{w.ent.link_key}/requests/{w.req.number}").json()["title"] == "贷款贴息"
    assert client.get(f"/api/enterprise/link/{w.ent.link_key}/requests/{other.number}").status_code == 404
    # another enterprise's link is not opened by this session
    assert client.get(f"/api/enterprise/link/{w.ent2.link_key}/requests").status_code == 401
    assert client.get("/api/enterprise/link/no-such-key/requests").status_code == 404
