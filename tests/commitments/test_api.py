"""The commitments API: scoped lists (outsiders see nothing, a detail out of scope is 404) and
progress reported by the item's unit with a token."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from kaohe.orgs.models import ApiToken

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    _token, key = ApiToken.issue(user, "测试")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.mark.parametrize("role,seen", [("office_a", 1), ("assessed_town_a", 1), ("leader", 1), ("office_b", 0), ("assessed_town_b", 0)])
def test_items_are_listed_within_scope(item, org_world, role, seen):
    rows = _client(org_world.users[role]).get("/api/commitments/items").json()
    assert len(rows) == seen
    detail = _client(org_world.users[role]).get(f"/api/commitments/items/{item.pk}")
    assert detail.status_code == (200 if seen else 404)
    if seen:
        assert [m["seq"] for m in detail.json()["milestones"]] == [1, 2, 3]


def test_the_unit_reports_progress_through_the_api(item, org_world):
    m = item.milestones.get(seq=2)
    url = f"/api/commitments/milestones/{m.pk}/progress"
    body = json.dumps({"progress": 40, "note": "完成设计招标"})
    response = _client(org_world.assessed_town_a).post(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["progress"] == 40
    back = _client(org_world.assessed_town_a).post(url, json.dumps({"progress": 10, "note": "倒退"}), content_type="application/json")
    assert back.status_code == 422 and "不能低于上次报告的40%" in back.json()["detail"]
    assert _client(org_world.leader_a).post(url, body, content_type="application/json").status_code == 403
    assert _client(org_world.assessed_town_b).post(url, body, content_type="application/json").status_code == 404
    assert Client().get("/api/commitments/items").status_code == 401


def test_the_workflow_runs_through_the_api_with_the_pages_rules(campaign, org_world):
    from tests.commitments.conftest import claim

    item = claim(campaign, org_world.towns_a[0])
    unit, office = _client(org_world.assessed_town_a), _client(org_world.office_a)
    post = lambda c, step, body=None: c.post(f"/api/commitments/items/{item.pk}/{step}", json.dumps(body or {}),  # noqa: E731
                                             content_type="application/json")
    assert post(_client(org_world.office_b), "submit").status_code == 404  # another district's office: not found
    assert post(unit, "approve").status_code == 403  # the unit may not approve its own item
    assert post(unit, "submit").json()["status"] == "submitted"
    returned = post(office, "return", {"reason": "节点不够具体"})
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert post(office, "return", {"reason": " "}).status_code == 422  # a return needs its reason
    post(unit, "submit")
    assert post(office, "publish").status_code == 422  # not approved yet: the service's refusal, with its reason
    assert post(office, "approve").json()["status"] == "approved"
    assert post(office, "publish").json()["status"] == "published"
    refused = post(office, "close", {"fulfilled": True, "note": "完成"})
    assert refused.status_code == 422 and "尚有节点未完成" in refused.json()["detail"]
    assert post(office, "close", {"fulfilled": False, "note": "资金未落实"}).json()["status"] == "not_fulfilled"
    assert post(office, "score", {"score": 101}).status_code == 422
    assert post(office, "score", {"score": "88.5", "note": "群众认可"}).status_code == 200
    item.refresh_from_db()
    assert item.close_note == "资金未落实" and item.office_score == Decimal("88.5")
