"""Bad input never gives a 5xx: numbers beyond their field (1e20, 1e308, inf, nan, 2**63) are
refused with a reason on every database, unit ids outside the version's scope are refused, and
every error on an API path is JSON with a message."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from kaohe.assessment.models import DataValue
from kaohe.orgs.models import ApiToken
from kaohe.results.models import Appeal
from kaohe.results.services import publish
from tests.assessment.factories import adopted_version, periods
from tests.results.fixtures import build_scored

pytestmark = pytest.mark.django_db

HUGE = ["1e20", "1e308", "inf", "-inf", "nan", "NaN", str(2**63), "Infinity"]


@pytest.fixture
def grid(org_world):
    version = adopted_version(org_world)
    return org_world, version, periods(2025)[3]


@pytest.mark.parametrize("raw", HUGE)
def test_the_grid_refuses_a_number_beyond_the_fields_bound(grid, client_for, raw):
    w, version, march = grid
    url = reverse("assessment:grid_save", args=[version.pk, march.pk, w.stats_bureau.pk])
    body = {"items": [{"unit": w.district_a.pk, "indicator": "fai", "value": raw}]}
    r = client_for(w.submitter).post(url, json.dumps(body), content_type="application/json")
    assert r.status_code == 200
    assert r.json()["results"][0]["status"] == "error" and r.json()["saved"] == 0
    assert not DataValue.objects.exists()


def test_the_grid_refuses_unit_ids_outside_the_versions_assessed_units(grid, client_for):
    """The city, a bureau, 0, a unit that does not exist and one beyond any integer column."""
    w, version, march = grid
    url = reverse("assessment:grid_save", args=[version.pk, march.pk, w.stats_bureau.pk])
    ids = [w.city.pk, w.stats_bureau.pk, 0, 99999, 2**63, -1]
    body = {"items": [{"unit": uid, "indicator": "fai", "value": "1", "revision": 2**63} for uid in ids]}
    for client in (client_for(w.submitter), client_for(w.office)):
        r = client.post(url, json.dumps(body), content_type="application/json")
        assert r.status_code == 200
        assert [x["status"] for x in r.json()["results"]] == ["error"] * len(ids)
    assert not DataValue.objects.exists()


@pytest.mark.parametrize("raw", [*HUGE, 1e20, 1e308, 2**63])
def test_the_api_refuses_a_number_beyond_the_fields_bound_with_its_index(grid, raw):
    w, version, march = grid
    token = ApiToken.issue(w.submitter, "t")[1]
    body = {"version": version.pk, "period": "2025-03", "values": [{"unit": "C-A", "indicator": "fai", "value": raw}]}
    r = Client().post("/api/assessment/values", json.dumps(body), content_type="application/json",
                      HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 400 and r["Content-Type"].startswith("application/json")
    assert r.json()["errors"][0]["index"] == 0 and r.json()["errors"][0]["message"].startswith("values[0].value")
    assert not DataValue.objects.exists()


def test_an_api_body_beyond_its_bound_is_refused_as_json_before_it_is_read(grid, settings):
    w, version, march = grid
    settings.API_MAX_BODY_BYTES = 4096
    token = ApiToken.issue(w.submitter, "t")[1]
    values = [{"unit": "C-A", "indicator": "fai", "value": 1}] * 200
    body = json.dumps({"version": version.pk, "period": "2025-03", "values": values})
    r = Client().post("/api/assessment/values", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    assert not DataValue.objects.exists()


def test_every_error_on_an_api_path_is_json_with_a_message(grid, monkeypatch):
    w, version, march = grid
    token = ApiToken.issue(w.submitter, "t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    missing = Client().get("/api/no/such/path", **auth)
    assert missing.status_code == 404 and missing.json()["detail"]

    from kaohe.assessment import services

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "save_values", broken)
    body = {"version": version.pk, "period": "2025-03", "values": [{"unit": "C-A", "indicator": "fai", "value": 1}]}
    r = Client(raise_request_exception=False).post("/api/assessment/values", json.dumps(body),
                                                   content_type="application/json", **auth)
    assert r.status_code == 500 and r["Content-Type"].startswith("application/json")
    assert r.json()["detail"] and "database went away" not in r.content.decode()


@pytest.fixture
def scored(org_world):
    return build_scored(org_world)


@pytest.mark.parametrize("raw", HUGE)
def test_what_if_with_a_number_beyond_any_bound_says_so(scored, client_for, raw):
    r = client_for(scored.w.assessed_a).post(f"/results/units/C-A/what-if/?run={scored.jan.pk}", {"v_INV": raw})
    assert r.status_code == 200 and "不是数字" in r.content.decode()


@pytest.mark.parametrize("raw", HUGE)
def test_an_appeals_claimed_value_must_be_a_finite_number(scored, client_for, raw):
    pub = publish(scored.annual, scored.w.office)
    r = client_for(scored.w.assessed_a).post(reverse("results:appeal_new", args=[pub.pk]),
                                             {"indicator": "INV", "reason": "漏报", "claimed_value": raw})
    assert r.status_code == 200 and "不是数字" in r.content.decode()
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("query", ["?version=abc", f"?version={2**63}", "?version=-1", "?version=1e308"])
def test_a_malformed_query_parameter_is_a_404_not_a_500(grid, client_for, query):
    w = grid[0]
    r = client_for(w.submitter).get(reverse("assessment:data_entry") + query)
    assert r.status_code in (200, 404)


@pytest.mark.parametrize("query", ["?run=abc", f"?run={2**63}", "?run=-1", "?run=1e308"])
def test_a_malformed_run_is_a_404_not_a_500(scored, client_for, query):
    r = client_for(scored.w.office).get("/results/units/C-A/" + query)
    assert r.status_code == 404


@pytest.mark.parametrize("points", [1e7, 1e20, 1e308, 2**63])
def test_a_schemes_points_beyond_their_field_are_refused_by_name(org_world, points):
    """IndicatorSpec.points is DecimalField(10, 3): 10^7 and above is a named error, not a 500 on PostgreSQL
    and not a silently stored REAL on SQLite."""
    from kaohe.assessment import schemes
    from kaohe.assessment.models import IndicatorSpec
    from tests.assessment.factories import scheme_content

    content = scheme_content()
    content["root"]["children"][0]["children"][1]["points"] = points
    with pytest.raises(schemes.SchemeInvalid) as caught:
        schemes.import_scheme(content, user=org_world.office, code="HQD", peer_groups=[org_world.peer_group])
    assert any("fai.points" in e and "超出允许范围" in e for e in caught.value.errors)
    assert not IndicatorSpec.objects.exists()
