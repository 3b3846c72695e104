"""The OpenAPI document: every operation named (``<app>_<noun>_<verb>``) and summarised in Chinese and
English, the committed snapshot current, and ``kaohe token create`` issuing a working token."""

from __future__ import annotations

import difflib

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from kaohe.api import openapi
from kaohe.audit.models import AuditEntry
from kaohe.orgs.models import ApiToken


def test_every_operation_has_a_stable_operation_id_and_a_chinese_and_english_summary():
    assert openapi.operation_problems() == []


def test_a_missing_or_duplicated_operation_id_and_an_english_only_summary_are_named():
    doc = {"paths": {
        "/a": {"get": {"operationId": "kaohe_x_api_list", "summary": "List"}},
        "/b": {"get": {"operationId": "results_run_list", "summary": "考核计算 / Runs"},
               "post": {"operationId": "results_run_list", "summary": "考核计算 / Runs"}},
    }}
    problems = openapi.operation_problems(doc)
    assert len(problems) == 3
    assert "GET /a: operationId 'kaohe_x_api_list' is not <app>_<noun>_<verb>" in problems[0]
    assert "GET /a: summary 'List'" in problems[1]
    assert problems[2] == "POST /b: operationId 'results_run_list' is also used by GET /b"


def test_the_openapi_document_matches_the_committed_snapshot():
    live = openapi.render()
    committed = openapi.SNAPSHOT.read_text(encoding="utf-8")
    if live != committed:
        diff = "".join(list(difflib.unified_diff(committed.splitlines(True), live.splitlines(True), "docs/openapi.json",
                                                 "live", n=1))[:80])
        pytest.fail(f"the API changed but docs/openapi.json did not: run `{openapi.REGENERATE}`, review the diff and "
                    f"commit it\n{diff}")


def test_openapi_check_fails_with_the_command_to_run_when_the_snapshot_is_stale(tmp_path, monkeypatch):
    stale = tmp_path / "openapi.json"
    stale.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(openapi, "SNAPSHOT", stale)
    with pytest.raises(CommandError, match=r"out of date: run make openapi"):
        call_command("openapi", "--check")
    call_command("openapi", "--write")
    assert stale.read_text(encoding="utf-8") == openapi.render()
    call_command("openapi", "--check")


@pytest.mark.django_db
def test_kaohe_token_create_prints_a_token_that_authenticates_as_the_account(org_world, capsys):
    call_command("token", "create", "office_a", "--name", "统计联网直报")
    key = capsys.readouterr().out.strip()
    assert key.startswith("kh_") and len(key) > 40
    token = ApiToken.objects.get(user=org_world.office_a)
    assert token.name == "统计联网直报" and token.key_hash == ApiToken.hash(key) and key not in token.key_hash
    assert AuditEntry.objects.filter(object_id=token.pk, action="create").count() == 1
    response = Client().get("/api/orgs/units/C-A", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response.json()["code"] == "C-A"
    # 乙区 is not in 甲区's office's scope: not found.
    assert Client().get("/api/orgs/units/C-B", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 404
    call_command("token", "revoke", key[:12])
    assert Client().get("/api/orgs/units/C-A", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


@pytest.mark.django_db
def test_kaohe_token_create_refuses_an_unknown_or_inactive_account(org_world):
    with pytest.raises(CommandError, match="no account named 'nobody'"):
        call_command("token", "create", "nobody")
    org_world.office_b.is_active = False
    org_world.office_b.save()
    with pytest.raises(CommandError, match="inactive"):
        call_command("token", "create", "office_b")
    assert not ApiToken.objects.exists()


def test_no_two_schemas_share_a_name_in_the_document():
    # Two IndicatorOut (assessment's, monitor's) made the scheme API's answer "violate" the monitor's schema.
    assert openapi.schema_name_clashes() == {}
