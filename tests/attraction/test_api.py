"""The attraction API (token auth): scoped lists and pages (outsiders 404), the milestone rules, figures."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kaohe.attraction.models import Stage
from kaohe.orgs.models import ApiToken
from tests.attraction.factories import admit, lead, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(org_world):
    w = org_world
    w.project = walk(lead(unit=w.district_a, name="甲区电池项目"), Stage.TALKS)
    w.other = lead(unit=w.district_b, name="乙区物流项目")
    return w


def call(w, who, method, path, body=None):
    headers = {}
    if who != "anonymous":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(w.users[who], 't')[1]}"
    client = Client()
    if method == "post":
        return client.post(f"/api/attraction{path}", json.dumps(body), content_type="application/json", **headers)
    return client.get(f"/api/attraction{path}", **headers)


def test_the_list_is_scoped_and_anonymous_is_refused(w):
    names = {p["name"] for p in call(w, "assessed_a", "get", "/projects").json()}
    assert names == {"甲区电池项目"}
    assert {p["name"] for p in call(w, "office", "get", "/projects?unit=C-B").json()} == {"乙区物流项目"}
    assert call(w, "anonymous", "get", "/projects").status_code == 401
    assert call(w, "office", "get", "/projects?stage=nope").status_code == 422


@pytest.mark.parametrize(("who", "status"), [("office", 200), ("assessed_a", 200), ("leader_a", 200),
                                             ("assessed_b", 404), ("office_b", 404), ("assessed_town_a", 404)])
def test_a_project_is_found_only_in_scope(w, who, status):
    r = call(w, who, "get", f"/projects/{w.project.pk}")
    assert r.status_code == status
    if status == 200:
        assert [m["stage"] for m in r.json()["milestones"]] == ["talks"]


def test_a_milestone_through_the_api_follows_the_same_rules(w):
    path = f"/projects/{w.project.pk}/milestones"
    r = call(w, "assessed_a", "post", path, {"stage": "signed", "on": "2026-02-10", "evidence": "合同"})
    assert r.status_code == 422 and "准入评估" in r.json()["detail"]
    admit(w.project)
    assert call(w, "leader_a", "post", path, {"stage": "signed", "on": "2026-02-10", "evidence": "合同"}).status_code == 403
    assert call(w, "office_b", "post", path, {"stage": "signed", "on": "2026-02-10", "evidence": "合同"}).status_code == 404
    r = call(w, "assessed_a", "post", path, {"stage": "signed", "on": "2026-02-10", "evidence": "合同"})
    assert r.status_code == 201 and r.json()["counted"] is True


def test_figures_of_a_unit(w):
    walk(w.project, Stage.SIGNED)
    r = call(w, "office_a", "get", "/units/C-A/figures?year=2026")
    assert r.json()["figures"]["signed_projects"]["value"] == 1
    assert call(w, "office_b", "get", "/units/C-A/figures").status_code == 404
