"""The assessment's workflows through the JSON API (tokens): periods, submissions and their
transitions, value history, corrections and the 409 of a stale revision — each with the happy path,
a role that sees but may not act (403) and 乙区's same-role outsider (404)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kaohe.assessment.models import (
    DataValue,
    Period,
    PeriodStatus,
    QualityFinding,
    Submission,
    SubmissionStatus,
)
from kaohe.audit.models import AuditEntry
from kaohe.notifications.models import Notification
from kaohe.orgs.models import ApiToken
from tests.assessment.factories import district_version, periods, put

pytestmark = pytest.mark.django_db

MONTHLY = {"fai": 10, "export": 5, "trade": 8, "jobs": 100, "gdp": 50}


@pytest.fixture
def w(org_world):
    w = org_world
    w.dv = district_version(w)
    w.a_march = periods(2025, w.district_a)[3]
    w.tokens = {name: ApiToken.issue(user, "t")[1] for name, user in w.users.items() if name != "anonymous"}
    return w


def call(w, role, method, path, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {w.tokens[role]}"}
    if method == "post":
        return Client().post(f"/api/assessment{path}", json.dumps(body or {}), content_type="application/json", **headers)
    return Client().get(f"/api/assessment{path}", body or {}, **headers)


def fill(w, values=MONTHLY):
    put(w, w.dv, w.a_march, {(t.code, code): v for t in w.towns_a for code, v in values.items()}, user=w.district_submitter_a)


def submit_body(w):
    return {"version": w.dv.pk, "period": "2025-03", "unit": "C-A-TJJ"}


def submitted(w) -> Submission:
    fill(w)
    assert call(w, "district_submitter_a", "post", "/submissions/submit", submit_body(w)).status_code == 200
    return Submission.objects.get(version=w.dv, period=w.a_march)


# ---- periods ------------------------------------------------------------------------------------


def test_the_period_list_holds_the_callers_assessment_and_not_another_districts(w):
    periods(2025)  # the city's too
    mine = call(w, "office_a", "get", "/periods", {"year": 2025, "owner": "C-A"}).json()
    # 12 months, 4 quarters, 2 halves, 1 year of 甲区.
    assert len(mine) == 19 and {p["owner_unit"] for p in mine} == {"C-A"}
    assert [p["code"] for p in mine[:3]] == ["2025-01", "2025-02", "2025-03"]
    assert call(w, "office_b", "get", "/periods", {"year": 2025, "owner": "C-A"}).json() == []
    assert call(w, "office_b", "get", "/periods", {"year": 2025, "owner": "C"}).status_code == 200


def test_the_office_closes_and_reopens_its_period_a_leader_may_not_and_another_district_does_not_find_it(w):
    url = f"/periods/{w.a_march.pk}"
    assert call(w, "leader_a", "post", f"{url}/close").status_code == 403
    assert call(w, "office_b", "post", f"{url}/close").status_code == 404
    closed = call(w, "office_a", "post", f"{url}/close", {"deadline": "2025-04-20"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["deadline"] == "2025-04-20"
    assert Period.objects.get(pk=w.a_march.pk).status == PeriodStatus.CLOSED
    reopened = call(w, "office_a", "post", f"{url}/open")
    assert reopened.json()["status"] == "open" and reopened.json()["status_label"] == "填报中"
    assert AuditEntry.objects.filter(object_id=w.a_march.pk, action="update").count() == 2


def test_the_office_generates_a_years_periods_a_submitter_may_not(w):
    assert call(w, "district_submitter_a", "post", "/periods", {"year": 2026}).status_code == 403
    made = call(w, "office_a", "post", "/periods", {"year": 2026, "deadline_day": 5})
    assert made.status_code == 200 and len(made.json()) == 19
    assert Period.objects.filter(owner_unit=w.district_a, year=2026).count() == 19
    assert call(w, "office_a", "post", "/periods", {"year": 2026, "deadline_day": 40}).status_code == 422


# ---- submissions --------------------------------------------------------------------------------


def test_a_submitter_submits_its_units_data_only_when_complete(w):
    refused = call(w, "district_submitter_a", "post", "/submissions/submit", submit_body(w))
    # Nothing entered: every due value of both towns is named.
    assert refused.status_code == 422 and "甲一街道" in refused.json()["detail"]
    assert call(w, "leader_a", "post", "/submissions/submit", submit_body(w)).status_code == 403
    assert call(w, "district_submitter_b", "post", "/submissions/submit", submit_body(w)).status_code == 404
    fill(w)
    done = call(w, "district_submitter_a", "post", "/submissions/submit", submit_body(w))
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "submitted" and done.json()["responsible_unit"] == "C-A-TJJ"
    assert Submission.objects.get(version=w.dv, period=w.a_march).status == SubmissionStatus.SUBMITTED


def test_the_submission_list_shows_the_completion_board_to_the_office_and_nothing_to_the_outsider(w):
    fill(w)
    rows = call(w, "office_a", "get", "/submissions", {"version": w.dv.pk, "period": "2025-03"}).json()
    # One responsible unit (甲区统计局) with 5 monthly indicators × 2 towns = 10 values expected, all filled.
    assert [(r["responsible_unit"], r["status"], r["expected"], r["filled"]) for r in rows] == [("C-A-TJJ", "draft", 10, 10)]
    assert call(w, "district_submitter_a", "get", "/submissions", {"version": w.dv.pk, "period": "2025-03"}).json()[0]["status_label"] == "填报中"
    assert call(w, "office_b", "get", "/submissions", {"version": w.dv.pk, "period": "2025-03"}).status_code == 404
    assert call(w, "office_a", "get", "/submissions", {"version": w.dv.pk, "period": "2025-13"}).status_code == 422


def test_the_office_approves_a_submission_a_leader_may_not_and_the_outsider_does_not_find_it(w):
    sub = submitted(w)
    url = f"/submissions/{sub.pk}/approve"
    assert call(w, "leader_a", "post", url).status_code == 403
    assert call(w, "district_submitter_a", "post", url).status_code == 403
    assert call(w, "office_b", "post", url).status_code == 404
    assert call(w, "office_b", "get", f"/submissions/{sub.pk}").status_code == 404
    approved = call(w, "office_a", "post", url)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = call(w, "office_a", "post", url)
    assert again.status_code == 422 and "只有已提交的数据可以审核通过" in again.json()["detail"]


def test_the_office_returns_a_submission_only_with_a_reason(w):
    sub = submitted(w)
    url = f"/submissions/{sub.pk}/return"
    assert call(w, "office_b", "post", url, {"reason": "数据有误"}).status_code == 404
    assert call(w, "leader_a", "post", url, {"reason": "数据有误"}).status_code == 403
    blank = call(w, "office_a", "post", url, {"reason": "  "})
    assert blank.status_code == 422 and "退回须说明原因" in blank.json()["detail"]
    missing = call(w, "office_a", "post", url, {})
    assert missing.status_code == 422 and "reason" in missing.json()["detail"]
    back = call(w, "office_a", "post", url, {"reason": "甲一街道就业人数与上月不符"})
    assert back.status_code == 200 and back.json()["status"] == "returned"
    assert back.json()["reason"] == "甲一街道就业人数与上月不符"


def test_the_office_locks_a_period_once_every_submission_is_approved(w):
    sub = submitted(w)
    url = f"/periods/{w.a_march.pk}/lock"
    early = call(w, "office_a", "post", url, {"version": w.dv.pk})
    assert early.status_code == 422 and "尚有单位未审核通过" in early.json()["detail"]
    call(w, "office_a", "post", f"/submissions/{sub.pk}/approve")
    assert call(w, "leader_a", "post", url, {"version": w.dv.pk}).status_code == 403
    assert call(w, "office_b", "post", url, {"version": w.dv.pk}).status_code == 404
    locked = call(w, "office_a", "post", url, {"version": w.dv.pk})
    assert locked.status_code == 200 and locked.json()["status"] == "locked"
    assert Submission.objects.get(pk=sub.pk).status == SubmissionStatus.LOCKED


def test_the_office_reminds_a_unit_and_its_submitter_is_told(w):
    fill(w)
    sub = Submission.objects.get(version=w.dv, period=w.a_march)
    url = f"/submissions/{sub.pk}/remind"
    assert call(w, "office_b", "post", url, {}).status_code == 404
    assert call(w, "leader_a", "post", url, {}).status_code == 403
    sent = call(w, "office_a", "post", url, {"message": "请今天完成报送"})
    assert sent.status_code == 200 and sent.json()["message"] == "请今天完成报送"
    assert Notification.objects.filter(recipient=w.district_submitter_a, body="请今天完成报送").count() == 1


# ---- values: history, corrections, conflicts ----------------------------------------------------


def test_the_history_of_a_value_lists_every_change_newest_first(w):
    fill(w)
    put(w, w.dv, w.a_march, {("C-A-01", "fai"): 12}, user=w.district_submitter_a)
    query = {"version": w.dv.pk, "period": "2025-03", "unit": "C-A-01", "indicator": "fai"}
    history = call(w, "office_a", "get", "/values/history", query).json()
    assert [(h["before"], h["after"], h["revision"]) for h in history] == [("10", "12", 2), (None, "10", 1)]
    assert call(w, "leader_a", "get", "/values/history", query).status_code == 200
    assert call(w, "office_b", "get", "/values/history", query).status_code == 404
    assert call(w, "assessed_town_a", "get", "/values/history", query).status_code == 403


def test_the_office_corrects_a_submitted_value_with_a_reason(w):
    submitted(w)
    body = {"version": w.dv.pk, "period": "2025-03", "unit": "C-A-01", "indicator": "fai", "value": "11.5",
            "reason": "统计局复核"}
    assert call(w, "office_b", "post", "/values/correct", body).status_code == 404
    assert call(w, "leader_a", "post", "/values/correct", body).status_code == 403
    no_reason = call(w, "office_a", "post", "/values/correct", {**body, "reason": ""})
    assert no_reason.status_code == 422 and "更正须说明原因" in no_reason.json()["detail"]
    bad = call(w, "office_a", "post", "/values/correct", {**body, "value": "十一"})
    assert bad.status_code == 422 and "value" in bad.json()["detail"]
    done = call(w, "office_a", "post", "/values/correct", body)
    assert done.status_code == 200 and done.json() == {"saved": 1, "unchanged": 0, "revision": 2, "value": "11.5"}
    entry = AuditEntry.objects.filter(reason="统计局复核").get()
    assert entry.username == "office_a"


def test_a_write_based_on_a_stale_revision_is_a_409_with_both_values(w):
    fill(w)
    put(w, w.dv, w.a_march, {("C-A-01", "fai"): 12}, user=w.district_submitter_a)  # revision 2 now
    body = {"version": w.dv.pk, "period": "2025-03",
            "values": [{"unit": "C-A-01", "indicator": "fai", "value": "15", "revision": 1}]}
    response = call(w, "district_submitter_a", "post", "/values", body)
    assert response.status_code == 409
    conflict = response.json()["conflicts"][0]
    assert (conflict["yours"], conflict["theirs"], conflict["revision"]) == ("15", "12", 2)
    assert DataValue.objects.get(version=w.dv, unit=w.towns_a[0], indicator="fai").value == 12


# ---- bulk approval and quality findings ---------------------------------------------------------


def test_the_office_approves_a_periods_submissions_at_once_as_the_review_pages_bulk_approval(w):
    sub = submitted(w)
    body = {"version": w.dv.pk, "period": "2025-03", "ids": [sub.pk]}
    assert call(w, "leader_a", "post", "/submissions/approve", body).status_code == 403
    assert call(w, "district_submitter_a", "post", "/submissions/approve", body).status_code == 403
    assert call(w, "office_b", "post", "/submissions/approve", body).status_code == 404
    done = call(w, "office_a", "post", "/submissions/approve", body)
    assert done.status_code == 200, done.json()
    assert done.json()["approved"] == 1 and [s["status"] for s in done.json()["submissions"]] == ["approved"]
    assert Submission.objects.get(pk=sub.pk).status == SubmissionStatus.APPROVED
    assert AuditEntry.objects.filter(object_id=sub.pk, action="approve", username="office_a").count() == 1
    # Nothing left waiting for review: refused, in the page's words.
    again = call(w, "office_a", "post", "/submissions/approve", body)
    assert again.status_code == 422 and again.json()["detail"] == "所选单位中没有已提交待审核的数据"
    assert again.json()["errors"] == {"__all__": ["所选单位中没有已提交待审核的数据"]}


def test_bulk_approval_leaves_out_a_submission_of_another_period_or_another_districts(w):
    sub = submitted(w)
    b_sub = Submission.objects.create(version=sub.version, period=sub.period, responsible_unit=w.stats_b,
                                      status=SubmissionStatus.SUBMITTED)
    done = call(w, "office_a", "post", "/submissions/approve", {"version": w.dv.pk, "period": "2025-03", "ids": [sub.pk, b_sub.pk]})
    assert [s["id"] for s in done.json()["submissions"]] == [sub.pk]
    assert Submission.objects.get(pk=b_sub.pk).status == SubmissionStatus.SUBMITTED


def _finding(w):
    sub = submitted(w)
    return QualityFinding.objects.create(submission=sub, unit=w.towns_a[0], indicator="fai", code="jump",
                                         message="固定资产投资较上月变动过大")


def test_the_office_lists_its_periods_quality_findings_with_names(w):
    finding = _finding(w)
    query = {"version": w.dv.pk, "period": "2025-03"}
    rows = call(w, "office_a", "get", "/findings", query).json()
    assert [(r["id"], r["unit_name"], r["responsible_unit"], r["message"]) for r in rows] == [
        (finding.pk, "甲一街道", "C-A-TJJ", "固定资产投资较上月变动过大")]
    assert rows[0]["indicator_name"] != "fai"  # the indicator by its name, not its code
    assert call(w, "district_submitter_a", "get", "/findings", query).status_code == 403
    assert call(w, "office_b", "get", "/findings", query).status_code == 404
    assert call(w, "office_a", "get", "/findings", {**query, "resolved": True}).json() == []


def test_the_office_marks_a_finding_checked_once(w):
    finding = _finding(w)
    url = f"/findings/{finding.pk}/resolve"
    assert call(w, "leader_a", "post", url).status_code == 403
    assert call(w, "district_submitter_a", "post", url).status_code == 403
    assert call(w, "office_b", "post", url).status_code == 404
    done = call(w, "office_a", "post", url)
    assert done.status_code == 200 and done.json()["resolved"] is True
    assert QualityFinding.objects.get(pk=finding.pk).resolved
    assert AuditEntry.objects.filter(object_id=finding.pk, action="update", username="office_a").count() == 1
    again = call(w, "office_a", "post", url)
    assert again.status_code == 422 and again.json()["detail"] == "该质量筛查发现已核实处理"
    assert AuditEntry.objects.filter(object_id=finding.pk, action="update").count() == 1
