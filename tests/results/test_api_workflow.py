"""The results' workflows through the JSON API (tokens): runs started and followed, boards, flags,
publication with its completeness check, appeals and their answers, awards — each with the happy path,
a role that sees but may not act (403) and 乙区's same-role outsider (404)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kaohe.orgs.models import ApiToken
from kaohe.results.models import Appeal, AppealStatus, Award, AwardStatus, Publication, RunStatus
from tests.assessment.factories import district_version, periods, put
from tests.results.test_scope import rw  # noqa: F401 — the fixture: the city's runs and 甲区's own

pytestmark = pytest.mark.django_db


@pytest.fixture
def t(rw):  # noqa: F811
    rw.tokens = {name: ApiToken.issue(user, "t")[1] for name, user in rw.w.users.items() if name != "anonymous"}
    return rw


def call(t, role, method, path, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {t.tokens[role]}"}
    if method == "post":
        return Client().post(f"/api/results{path}", json.dumps(body or {}), content_type="application/json", **headers)
    return Client().get(f"/api/results{path}", body or {}, **headers)


def district_data(t):
    """甲区's adopted scheme with March entered for both towns (not submitted, so not approved)."""
    w = t.w
    version = district_version(w)
    periods(2025, w.district_a)
    values = {"fai": 10, "export": 5, "trade": 8, "jobs": 100, "gdp": 50}
    put(w, version, periods(2025, w.district_a)[3], {(town.code, k): v for town in w.towns_a for k, v in values.items()},
        user=w.district_submitter_a)
    return version


# ---- runs ---------------------------------------------------------------------------------------


def test_the_office_starts_a_run_of_its_scheme_and_follows_it_to_done(t, django_capture_on_commit_callbacks):
    version = district_data(t)
    body = {"version": version.pk, "period": "2025-03"}
    assert call(t, "leader_a", "post", "/runs", body).status_code == 403
    assert call(t, "office_b", "post", "/runs", body).status_code == 404
    assert call(t, "office_a", "post", "/runs", {**body, "period": "2025-13"}).status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        started = call(t, "office_a", "post", "/runs", body)
    assert started.status_code == 202, started.json()
    assert started.json()["status"] == RunStatus.QUEUED
    run_id = started.json()["id"]
    # The run is enqueued on commit; under KAOHE_ENV=test the task then runs at once.
    progress = call(t, "office_a", "get", f"/runs/{run_id}/progress").json()
    assert (progress["status"], progress["progress"], progress["running"]) == (RunStatus.DONE, 100, False)
    assert call(t, "office_b", "get", f"/runs/{run_id}/progress").status_code == 404
    detail = call(t, "office_a", "get", f"/runs/{run_id}").json()
    assert detail["content_hash"] and detail["publication_id"] is None
    # Nothing was submitted: 0 of 1 responsible unit approved, 甲区统计局 pending.
    assert detail["completeness"] == {"approved": 0, "due": 1, "warnings": detail["completeness"]["warnings"],
                                      "complete": False, "pending": ["甲区统计局"]}
    assert call(t, "leader_a", "get", f"/runs/{run_id}").json()["completeness"] is None


def test_the_boards_and_flags_of_a_run_are_found_in_scope_only(t):
    boards = call(t, "leader_a", "get", f"/runs/{t.da.pk}/boards").json()
    assert [(b["code"], b["name"], b["indicators"]) for b in boards] == [("ZX", "争先榜", ["GDP"]), ("LH", "龙虎榜", ["INV"])]
    assert call(t, "office_b", "get", f"/runs/{t.da.pk}/boards").status_code == 404
    flags = call(t, "office", "get", f"/runs/{t.feb.pk}/flags")
    assert flags.status_code == 200 and all(f["kind"] in ("red", "yellow") for f in flags.json())
    assert call(t, "office_b", "get", f"/runs/{t.dm.pk}/flags").status_code == 404
    assert call(t, "office", "get", f"/runs/{t.feb.pk}/flags", {"kind": "green"}).status_code == 422


# ---- publication --------------------------------------------------------------------------------


def test_the_office_publishes_its_run_once(t):
    url = f"/runs/{t.dm.pk}/publish"
    assert call(t, "leader_a", "post", url, {}).status_code == 403
    assert call(t, "office_b", "post", url, {}).status_code == 404
    published = call(t, "office_a", "post", url, {"notice_days": 5})
    assert published.status_code == 201 and published.json()["run_id"] == t.dm.pk
    assert Publication.objects.filter(run=t.dm).count() == 1
    again = call(t, "office_a", "post", url, {})
    assert again.status_code == 422 and "该计分批次已经公示" in again.json()["detail"]


def test_incomplete_data_is_published_only_with_a_reason(t, django_capture_on_commit_callbacks):
    version = district_data(t)
    with django_capture_on_commit_callbacks(execute=True):
        run_id = call(t, "office_a", "post", "/runs", {"version": version.pk, "period": "2025-03"}).json()["id"]
    refused = call(t, "office_a", "post", f"/runs/{run_id}/publish", {})
    assert refused.status_code == 422 and "数据尚不完整" in refused.json()["detail"] and "甲区统计局" in refused.json()["detail"]
    done = call(t, "office_a", "post", f"/runs/{run_id}/publish", {"override_reason": "市委要求按时公示"})
    assert done.status_code == 201


# ---- appeals ------------------------------------------------------------------------------------


def test_appeals_are_listed_by_scope_and_an_outsider_does_not_find_another_districts(t):
    mine = {a["id"] for a in call(t, "assessed_a", "get", "/appeals").json()}
    assert mine == {t.appeal_a.pk}
    assert {a["id"] for a in call(t, "office", "get", "/appeals").json()} >= {t.appeal_a.pk, t.appeal_b.pk}
    assert call(t, "office_b", "get", f"/appeals/{t.appeal_a.pk}").status_code == 404
    detail = call(t, "leader_a", "get", f"/appeals/{t.appeal_a.pk}").json()
    assert detail["indicator_name"] == "地区生产总值增速" and detail["status"] == AppealStatus.FILED


def test_an_assessed_unit_files_an_appeal_about_its_own_results(t):
    url = f"/publications/{t.city_pub.pk}/appeals"
    body = {"indicator": "INV", "reason": "投资数据漏报一个项目", "claimed_value": 6.5}
    assert call(t, "leader_a", "post", url, body).status_code == 403
    assert call(t, "assessed_b", "post", f"/publications/{t.district_pub.pk}/appeals", body).status_code == 404
    filed = call(t, "assessed_a", "post", url, body)
    assert filed.status_code == 201 and filed.json()["unit"] == "C-A" and filed.json()["claimed_value"] == 6.5
    unknown = call(t, "assessed_a", "post", url, {**body, "indicator": "NOPE"})
    assert unknown.status_code == 422 and "不在本单位的考核结果中" in unknown.json()["detail"]


def test_the_office_rejects_an_appeal_with_a_reason(t):
    url = f"/appeals/{t.appeal_town.pk}/reject"
    assert call(t, "office_b", "post", url, {"response": "经核实无误"}).status_code == 404
    assert call(t, "leader_a", "post", url, {"response": "经核实无误"}).status_code == 403
    blank = call(t, "office_a", "post", url, {"response": " "})
    assert blank.status_code == 422 and "驳回申诉须说明理由" in blank.json()["detail"]
    done = call(t, "office_a", "post", url, {"response": "经核实无误"})
    assert done.status_code == 200 and done.json()["status"] == AppealStatus.REJECTED
    again = call(t, "office_a", "post", url, {"response": "经核实无误"})
    assert again.status_code == 422 and "该申诉已处理" in again.json()["detail"]


def test_the_office_accepts_an_appeal_and_a_corrected_run_is_published(t):
    url = f"/appeals/{t.appeal_a.pk}/accept"
    assert call(t, "office_a", "post", url, {"response": "采纳", "value": 9}).status_code == 403
    assert call(t, "office_b", "post", url, {"response": "采纳", "value": 9}).status_code == 404
    done = call(t, "office", "post", url, {"response": "经核实采纳", "value": 9})
    assert done.status_code == 200, done.json()
    appeal = Appeal.objects.get(pk=t.appeal_a.pk)
    assert appeal.status == AppealStatus.ACCEPTED and appeal.corrected_run_id == done.json()["corrected_run_id"]
    assert Publication.objects.filter(run_id=appeal.corrected_run_id).exists()


# ---- awards -------------------------------------------------------------------------------------


def test_awards_of_a_year_are_listed_by_scope(t):
    everyone = {a["id"] for a in call(t, "office", "get", "/awards", {"year": 2025}).json()}
    assert {t.award_a.pk, t.award_b.pk} <= everyone
    # An assessed unit sees the approved awards and its own nominations: 甲区 not 乙区's.
    assert {a["id"] for a in call(t, "assessed_a", "get", "/awards", {"year": 2025}).json()} == {t.award_a.pk}
    assert call(t, "office", "get", "/awards", {"year": 99999}).status_code == 422


def test_an_assessed_unit_nominates_itself_and_the_city_office_decides(t):
    body = {"year": 2025, "kind": "special", "unit": "C-A", "reason": "抢险救灾"}
    assert call(t, "district_submitter_a", "post", "/awards", body).status_code == 403
    assert call(t, "assessed_town_b", "post", "/awards", body).status_code == 404
    assert call(t, "assessed_a", "post", "/awards", {**body, "kind": "first_prize"}).status_code == 422
    made = call(t, "assessed_a", "post", "/awards", body)
    assert made.status_code == 201 and made.json()["status"] == AwardStatus.NOMINATED
    url = f"/awards/{made.json()['id']}/decide"
    assert call(t, "office_b", "post", url, {"approve": True}).status_code == 404
    assert call(t, "leader", "post", url, {"approve": True}).status_code == 403
    decided = call(t, "office", "post", url, {"approve": True, "note": "同意"})
    assert decided.status_code == 200 and decided.json()["status"] == AwardStatus.APPROVED
    assert call(t, "office", "post", url, {"approve": True}).status_code == 422


def test_the_district_office_grants_its_first_prizes_from_its_annual_run(t):
    url = f"/runs/{t.da.pk}/first-prizes"
    assert call(t, "leader_a", "post", url, {"by": "tier"}).status_code == 403
    assert call(t, "office_b", "post", url, {"by": "tier"}).status_code == 404
    granted = call(t, "office_a", "post", url, {"by": "quota", "count": 1})
    assert granted.status_code == 200 and [a["unit"] for a in granted.json()] == ["C-A-01"]
    assert Award.objects.filter(run=t.da, kind="first_prize").count() == 1
    monthly = call(t, "office_a", "post", f"/runs/{t.dm.pk}/first-prizes", {"by": "tier"})
    assert monthly.status_code == 422 and "年度计分批次" in monthly.json()["detail"]
