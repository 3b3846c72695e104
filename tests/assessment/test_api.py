"""The assessment API: token auth, the same permissions and validation as the web, no 5xx."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kaohe.assessment.models import DataValue
from kaohe.orgs.models import ApiToken
from tests.assessment.factories import adopted_version, periods

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_world):
    version = adopted_version(org_world)
    periods(2025)
    tokens = {name: ApiToken.issue(org_world.users[name], "t")[1] for name in ("submitter", "submitter_b", "office", "assessed_a")}
    return org_world, version, tokens


def _post(token, body):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return Client().post("/api/assessment/values", data=data, content_type="application/json", **headers)


def _body(version, values, **kw):
    return {"version": version.pk, "period": "2025-03", "values": values, **kw}


def test_a_submitter_pushes_its_indicators_with_a_token(world):
    w, version, tokens = world
    r = _post(tokens["submitter"], _body(version, [{"unit": "C-A", "indicator": "fai", "value": 12.5}, {"unit": "C-B", "indicator": "fai", "value": "8"}]))
    assert r.status_code == 200, r.content
    assert r.json()["saved"] == 2
    assert DataValue.objects.filter(indicator="fai").count() == 2


def test_an_indicator_owned_by_another_unit_is_refused_and_nothing_is_saved(world):
    w, version, tokens = world
    r = _post(tokens["submitter_b"], _body(version, [{"unit": "C-A", "indicator": "trade", "value": 100}, {"unit": "C-A", "indicator": "fai", "value": 1}]))
    assert r.status_code == 400
    assert r.json()["errors"][0]["message"] == "values[1].indicator: 'fai' is not an indicator your unit submits"
    assert not DataValue.objects.exists()


def test_every_bad_value_is_listed_with_its_index(world):
    w, version, tokens = world
    r = _post(tokens["submitter"], _body(version, [
        {"unit": "NOPE", "indicator": "fai", "value": 1},
        {"unit": "C-A", "indicator": "fai", "value": "abc"},
        {"unit": "C-B", "indicator": "fai", "value": -5},
    ]))
    errors = r.json()["errors"]
    assert [e["index"] for e in errors[:2]] == [0, 1]
    assert any("为负数" in e["message"] and e["unit"] == "C-B" for e in errors)


def test_partial_saves_the_clean_values(world):
    w, version, tokens = world
    r = _post(tokens["submitter"], _body(version, [{"unit": "NOPE", "indicator": "fai", "value": 1}, {"unit": "C-A", "indicator": "fai", "value": 3}], partial=True))
    assert r.json()["saved"] == 1


def test_reading_values_shows_a_submitter_only_its_own_indicators(world):
    w, version, tokens = world
    _post(tokens["submitter"], _body(version, [{"unit": "C-A", "indicator": "fai", "value": 1}]))
    _post(tokens["submitter_b"], _body(version, [{"unit": "C-A", "indicator": "trade", "value": 2}]))
    own = Client().get("/api/assessment/values", {"version": version.pk, "period": "2025-03"}, HTTP_AUTHORIZATION=f"Bearer {tokens['submitter']}")
    assert [v["indicator"] for v in own.json()] == ["fai"]
    office = Client().get("/api/assessment/values", {"version": version.pk, "period": "2025-03"}, HTTP_AUTHORIZATION=f"Bearer {tokens['office']}")
    assert sorted(v["indicator"] for v in office.json()) == ["fai", "trade"]
    assessed = Client().get("/api/assessment/values", {"version": version.pk, "period": "2025-03"}, HTTP_AUTHORIZATION=f"Bearer {tokens['assessed_a']}")
    assert assessed.status_code == 403


def test_schemes_are_readable_with_a_token(world):
    w, version, tokens = world
    listing = Client().get("/api/assessment/schemes", HTTP_AUTHORIZATION=f"Bearer {tokens['assessed_a']}")
    assert listing.json()[0]["id"] == version.pk
    detail = Client().get(f"/api/assessment/schemes/{version.pk}", HTTP_AUTHORIZATION=f"Bearer {tokens['submitter']}").json()
    assert {i["code"] for i in detail["indicators"]} >= {"fai", "gdp", "gdp_yoy"}


@pytest.mark.parametrize("token", [None, "kh_wrong", ""])
def test_no_token_or_a_wrong_one_is_401(world, token):
    w, version, tokens = world
    assert Client().get("/api/assessment/schemes", **({"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {})).status_code == 401


def test_a_revoked_token_is_refused(world):
    w, version, tokens = world
    ApiToken.objects.filter(user=w.submitter).update(revoked=True)
    assert Client().get("/api/assessment/schemes", HTTP_AUTHORIZATION=f"Bearer {tokens['submitter']}").status_code == 401


@pytest.mark.parametrize("body", [
    "", "null", "[]", "{", '{"version": "x"}', '{"version": 1, "period": "2025-13", "values": []}',
    '{"version": 999, "period": "2025-03", "values": []}', '{"version": 1, "period": "nope", "values": []}',
    '{"version": 1, "period": "2025-03", "values": [{"unit": 1}]}', '{"version": 1, "period": "2025-03", "values": [{"unit": "C-A", "indicator": "fai", "value": {"a": 1}}]}',
    '{"version": 1, "period": "2025-03", "values": [{"unit": "C-A", "indicator": "fai", "value": "1e400"}]}',
    '{"version": 1, "period": "2025-03", "values": [{"unit": "C-A", "indicator": "fai", "value": "NaN"}]}',
])
def test_malformed_payloads_never_cause_a_server_error(world, body):
    w, version, tokens = world
    r = _post(tokens["submitter"], body.replace('"version": 1', f'"version": {version.pk}'))
    assert r.status_code < 500 and r.status_code != 200


def test_the_openapi_schema_documents_the_bulk_body(world):
    schema = Client().get("/api/openapi.json").json()
    body = schema["paths"]["/api/assessment/values"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["required"]) == {"version", "period", "values"}
