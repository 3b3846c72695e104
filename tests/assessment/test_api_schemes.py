"""Scheme versions through the JSON API (tokens): import (YAML and Excel), adopt a draft, edit a draft
(with the scheme editor's refusal of a stale edit) and the targets beside a version — each with the
happy path, a role that sees but may not act (403), 乙区's same-role outsider (404) and a refusal in
the scheme pages' Chinese (422)."""

from __future__ import annotations

import copy

import pytest
from django.test import Client

from kaohe.assessment import schemes
from kaohe.assessment.models import SchemeVersion, Target, VersionStatus
from kaohe.audit.models import AuditEntry
from kaohe.orgs.models import ApiToken
from tests.assessment.factories import district_version, scheme_content
from tests.assessment.test_api_workflow import call
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(org_world):
    w = org_world
    w.dv = district_version(w)
    w.draft = schemes.new_version(w.dv, reason="调整分值", user=w.office_a)
    w.users["norole"] = UserFactory(username="norole")  # signed in, without a role
    w.tokens = {name: ApiToken.issue(user, "t")[1] for name, user in w.users.items() if name != "anonymous"}
    return w


def upload(w, role, data: dict, files: dict | None = None):
    return Client().post("/api/assessment/schemes", {**data, **(files or {})},
                         HTTP_AUTHORIZATION=f"Bearer {w.tokens[role]}")


def _yaml(**changes) -> str:
    return schemes.to_yaml(scheme_content(name="2025年度甲区镇街考核（修订）", **changes))


# ---- import -------------------------------------------------------------------------------------


def test_the_office_imports_a_yaml_scheme_as_a_draft_of_its_own_unit(w):
    assert upload(w, "leader_a", {"yaml_text": _yaml(), "code": "JQ"}).status_code == 403
    assert upload(w, "district_submitter_a", {"yaml_text": _yaml(), "code": "JQ"}).status_code == 403
    made = upload(w, "office_a", {"yaml_text": _yaml(), "code": "JQ", "reason": "年中修订"})
    assert made.status_code == 201, made.json()
    version = SchemeVersion.objects.get(pk=made.json()["id"])
    # A third version of 甲区's JQ scheme (v1 adopted, v2 the fixture's draft), a draft, audited.
    assert (made.json()["status"], made.json()["number"], version.scheme.owner_unit) == ("draft", 3, w.district_a)
    assert made.json()["content_hash"] == version.content_hash()
    assert AuditEntry.objects.filter(object_id=version.pk, action="import", username="office_a").count() == 1


def test_an_imported_excel_scheme_is_read_as_the_import_page_reads_it(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    book = schemes.content_to_workbook(scheme_content(name="2025年度甲区镇街考核（Excel）"))
    made = upload(w, "office_b", {"code": "YQ"}, {"file": SimpleUploadedFile("方案.xlsx", book)})
    assert made.status_code == 201, made.json()
    assert SchemeVersion.objects.get(pk=made.json()["id"]).scheme.owner_unit == w.district_b  # its own unit's


def test_an_import_the_engine_refuses_saves_nothing_and_says_why_in_chinese(w):
    content = scheme_content()
    content["root"]["children"][0]["children"][0]["params"] = {"nonsense": 1}
    before = SchemeVersion.objects.count()
    refused = upload(w, "office_a", {"yaml_text": schemes.to_yaml(content), "code": "JQ"})
    assert refused.status_code == 422
    assert "没有参数“nonsense”" in refused.json()["detail"], refused.json()
    assert refused.json()["errors"]["__all__"]
    empty = upload(w, "office_a", {"code": "JQ"})
    assert empty.status_code == 422 and empty.json()["detail"] == "请选择文件或粘贴 YAML"
    assert SchemeVersion.objects.count() == before


# ---- adopt --------------------------------------------------------------------------------------


def test_the_office_adopts_its_draft_and_the_adopted_version_before_it_is_superseded(w):
    url = f"/schemes/{w.draft.pk}/adopt"
    assert call(w, "leader_a", "post", url).status_code == 403
    assert call(w, "office_b", "post", url).status_code == 404
    adopted = call(w, "office_a", "post", url)
    assert adopted.status_code == 200 and adopted.json()["status"] == "adopted"
    assert SchemeVersion.objects.get(pk=w.dv.pk).status == VersionStatus.SUPERSEDED
    again = call(w, "office_a", "post", url)
    assert again.status_code == 422 and again.json()["detail"] == "只有草稿可以发布"


# ---- edit a draft -------------------------------------------------------------------------------


def _edited(w, **changes) -> dict:
    content = copy.deepcopy(w.draft.content)
    content.update(changes)
    return content


def test_the_office_replaces_its_drafts_content_based_on_the_version_it_read(w):
    url = f"/schemes/{w.draft.pk}/draft"
    body = {"content": _edited(w, name="2025年度甲区镇街考核（修订）"), "base_hash": w.draft.content_hash(), "reason": "更名"}
    assert call(w, "leader_a", "post", url, body).status_code == 403
    assert call(w, "office_b", "post", url, body).status_code == 404
    saved = call(w, "office_a", "post", url, body)
    assert saved.status_code == 200, saved.json()
    w.draft.refresh_from_db()
    assert w.draft.content["name"] == "2025年度甲区镇街考核（修订）" and saved.json()["content_hash"] == w.draft.content_hash()
    assert AuditEntry.objects.filter(object_id=w.draft.pk, action="update", reason="更名").count() == 1
    # The same edit again, on the hash it started from: someone (itself) saved since — refused, nothing saved.
    stale = call(w, "office_a", "post", url, {**body, "content": _edited(w, name="别的名称")})
    assert stale.status_code == 409 and "此草稿在您打开后已被他人保存" in stale.json()["detail"]
    w.draft.refresh_from_db()
    assert w.draft.content["name"] == "2025年度甲区镇街考核（修订）"


def test_a_draft_edit_the_engine_refuses_is_said_in_chinese_and_an_adopted_version_refuses_any(w):
    content = copy.deepcopy(w.draft.content)
    content["root"]["children"][0]["children"][0]["params"] = {"nonsense": 1}
    refused = call(w, "office_a", "post", f"/schemes/{w.draft.pk}/draft", {"content": content, "base_hash": w.draft.content_hash()})
    assert refused.status_code == 422 and "没有参数“nonsense”" in refused.json()["detail"]
    as_yaml = call(w, "office_a", "post", f"/schemes/{w.draft.pk}/draft", {"yaml_text": "name: [", "base_hash": w.draft.content_hash()})
    assert as_yaml.status_code == 422 and "YAML 格式错误" in as_yaml.json()["detail"]
    adopted = call(w, "office_a", "post", f"/schemes/{w.dv.pk}/draft", {"content": w.dv.content, "base_hash": w.dv.content_hash()})
    assert adopted.status_code == 422 and "已发布的方案版本不可修改" in adopted.json()["detail"]


# ---- targets ------------------------------------------------------------------------------------


def test_the_targets_of_a_version_are_read_with_their_columns(w):
    Target.objects.create(version=w.draft, unit=w.towns_a[0], indicator="jobs", target=120)
    got = call(w, "leader_a", "get", f"/schemes/{w.draft.pk}/targets")
    assert got.status_code == 200
    assert [(c["indicator"], c["count"], c["missing"]) for c in got.json()["columns"]] == [("jobs", 1, False)]
    assert got.json()["targets"] == [{"unit": "C-A-01", "unit_name": "甲一街道", "indicator": "jobs", "target": "120"}]
    assert call(w, "office_b", "get", f"/schemes/{w.draft.pk}/targets").status_code == 404
    assert call(w, "norole", "get", f"/schemes/{w.draft.pk}/targets").status_code == 403


def test_the_office_sets_targets_all_or_nothing(w):
    url = f"/schemes/{w.draft.pk}/targets"
    body = {"targets": [{"unit": "C-A-01", "indicator": "jobs", "target": "120"}, {"unit": "C-A-02", "indicator": "jobs", "target": 80}]}
    assert call(w, "leader_a", "post", url, body).status_code == 403
    assert call(w, "office_b", "post", url, body).status_code == 404
    bad = {"targets": [*body["targets"], {"unit": "C-A-01", "indicator": "gdp_yoy", "target": "abc"}]}
    refused = call(w, "office_a", "post", url, {"targets": [body["targets"][0], {"unit": "C-A-02", "indicator": "jobs", "target": "八十"}]})
    assert refused.status_code == 422 and "甲二镇 · 城镇新增就业：“八十”" in refused.json()["detail"], refused.json()
    assert "gdp_yoy 不是本方案按目标完成计分的指标" in call(w, "office_a", "post", url, bad).json()["detail"]
    assert not Target.objects.filter(version=w.draft).exists()
    saved = call(w, "office_a", "post", url, body)
    assert saved.status_code == 200 and saved.json() == {"changed": 2}
    assert dict(Target.objects.filter(version=w.draft).values_list("unit__code", "target")) == {"C-A-01": 120, "C-A-02": 80}
    assert call(w, "office_a", "post", url, body).json() == {"changed": 0}
    cleared = call(w, "office_a", "post", url, {"targets": [{"unit": "C-A-01", "indicator": "jobs", "target": None}]})
    assert cleared.json() == {"changed": 1} and Target.objects.filter(version=w.draft).count() == 1
