"""The JSON API (token auth) × every role, on 甲区's own scheme and the city's — and issue 9's API defects.

Outside the caller's scope is 404 (the object is not found), a role that sees an object but
may not act on it gets 403, and a call without a token gets 401.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from kaohe.assessment.models import DataValue
from kaohe.audit.services import record
from kaohe.orgs.models import ApiToken
from tests.assessment.factories import city_version, district_version, periods, put

pytestmark = pytest.mark.django_db

ROLES = [
    "office", "leader", "submitter", "submitter_b", "assessed_a", "assessed_b",
    "office_a", "leader_a", "district_submitter_a", "assessed_town_a",
    "office_b", "leader_b", "district_submitter_b", "assessed_town_b", "anonymous",
]
CITY = {"office", "leader", "submitter", "submitter_b"}
A = {"office_a", "leader_a", "district_submitter_a", "assessed_a"}
SEE_SCHEME = CITY | A | {"assessed_town_a"}
API_USERS = {"office", "leader", "submitter", "submitter_b", "office_a", "leader_a", "district_submitter_a",
             "office_b", "leader_b", "district_submitter_b"}
OFFICES = {"office", "office_a", "office_b"}


@pytest.fixture
def w(org_world):
    w = org_world
    w.city_v, w.district_v = city_version(w), district_version(w)
    w.march, w.a_march = periods(2025)[3], periods(2025, w.district_a)[3]
    # City scheme: 2 values per district; 甲区's scheme: 1 per town.
    put(w, w.city_v, w.march, {("C-A", "fai"): 10, ("C-B", "fai"): 20, ("C-A", "jobs"): 5, ("C-B", "jobs"): 6})
    put(w, w.district_v, w.a_march, {("C-A-01", "fai"): 1, ("C-A-02", "fai"): 2}, user=w.district_submitter_a)
    w.tokens = {name: ApiToken.issue(user, "t")[1] for name, user in w.users.items() if name != "anonymous"}
    return w


def _call(w, role, method, path, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {w.tokens[role]}"} if role != "anonymous" else {}
    if method == "post":
        return Client().post(path, json.dumps(body), content_type="application/json", **headers)
    return Client().get(path, **headers)


def _values_body(w, version, unit, value):
    return {"version": version.pk, "period": "2025-03", "values": [{"unit": unit, "indicator": "fai", "value": value}]}


# (method, path, body, who may (2xx or a 400 naming the problem), who sees but may not (403)); others 404
ROUTES = [
    ("get", "/api/assessment/schemes", None, API_USERS | {"assessed_a", "assessed_b", "assessed_town_a", "assessed_town_b"}, set()),
    ("get", "/api/assessment/schemes/{dv}", None, SEE_SCHEME, set()),
    ("get", "/api/assessment/values?version={dv}&period=2025-03", None,
     {"office", "leader", "submitter", "submitter_b", "office_a", "leader_a", "district_submitter_a"},
     {"assessed_a", "assessed_town_a"}),
    ("post", "/api/assessment/values", "district", {"office", "office_a", "district_submitter_a", "submitter", "submitter_b"},
     {"leader", "leader_a", "assessed_a", "assessed_town_a"}),
    ("get", "/api/orgs/units/C-A-01", None, SEE_SCHEME, set()),
    ("get", "/api/orgs/units", None, API_USERS | {"assessed_a", "assessed_b", "assessed_town_a", "assessed_town_b"}, set()),
    ("get", "/api/audit/entries", None, OFFICES, (API_USERS | {"assessed_a", "assessed_b", "assessed_town_a", "assessed_town_b"}) - OFFICES),
]


@pytest.mark.parametrize(("method", "path", "body", "allowed", "forbidden"), ROUTES, ids=[f"{r[0]}-{r[1]}" for r in ROUTES])
def test_every_api_endpoint_as_every_role_including_the_same_role_outsider(w, method, path, body, allowed, forbidden):
    path = path.replace("{dv}", str(w.district_v.pk))
    if body == "district":
        body = _values_body(w, w.district_v, "C-A-01", "1.2")
    for role in ROLES:
        code = _call(w, role, method, path, body).status_code
        if role == "anonymous":
            expected = {401}
        elif role in allowed:
            # A city bureau's submitter owns no indicator of 甲区's scheme: 400 naming the indicator.
            expected = {200, 400} if method == "post" else {200}
        elif role in forbidden:
            expected = {403}
        else:
            expected = {404}
        assert code in expected, (role, method, path, code)


def test_the_values_api_returns_only_rows_in_the_callers_scope(w):
    # The issue measured 516 rows (all 12 districts) for one district office; here 甲区's office
    # reads 甲区's 2 rows of the city's scheme and 乙区's leader 乙区's 2, the city office all 4.
    def rows(role):
        data = _call(w, role, "get", f"/api/assessment/values?version={w.city_v.pk}&period=2025-03").json()
        return sorted((r["unit"], r["indicator"]) for r in data)

    assert rows("office_a") == [("C-A", "fai"), ("C-A", "jobs")]
    assert rows("leader_b") == [("C-B", "fai"), ("C-B", "jobs")]
    assert len(rows("office")) == 4
    # The city statistics bureau's submitter reads the indicators it owns (fai, jobs) for all districts.
    assert len(rows("submitter")) == 4


def test_a_district_office_cannot_write_another_districts_values_through_the_api(w):
    response = _call(w, "office_a", "post", "/api/assessment/values", _values_body(w, w.city_v, "C-B", 99))
    assert response.status_code == 403
    response = _call(w, "office_a", "post", "/api/assessment/values", _values_body(w, w.district_v, "C-B-01", 99))
    assert response.status_code == 400 and "C-B-01" in response.json()["errors"][0]["message"]
    assert DataValue.objects.get(version=w.city_v, unit=w.district_b, indicator="fai").value == 20
    assert not DataValue.objects.filter(unit=w.towns_b[0]).exists()


def test_the_same_role_outsider_cannot_write_a_districts_scheme_through_the_api(w):
    for role in ("office_b", "district_submitter_b"):
        response = _call(w, role, "post", "/api/assessment/values", _values_body(w, w.district_v, "C-A-01", 99))
        assert response.status_code == 404, role
    assert DataValue.objects.get(version=w.district_v, unit=w.towns_a[0], indicator="fai").value == 1


def test_the_district_office_writes_its_own_schemes_values_through_the_api(w):
    response = _call(w, "office_a", "post", "/api/assessment/values", _values_body(w, w.district_v, "C-A-02", "2.5"))
    assert response.status_code == 200 and response.json()["saved"] == 1
    assert DataValue.objects.get(version=w.district_v, unit=w.towns_a[1], indicator="fai").value == 2.5


def test_the_audit_api_gives_each_office_only_its_own_units_entries(w):
    record("update", w.towns_a[0], user=w.assessed_town_a, reason="甲一街道的修改")
    record("update", w.towns_b[0], user=w.assessed_town_b, reason="乙一街道的修改")

    def reasons(role):
        return {e["reason"] for e in _call(w, role, "get", "/api/audit/entries?limit=1000").json()}

    assert "甲一街道的修改" in reasons("office_a") and "乙一街道的修改" not in reasons("office_a")
    assert "乙一街道的修改" in reasons("office_b") and "甲一街道的修改" not in reasons("office_b")
    assert {"甲一街道的修改", "乙一街道的修改"} <= reasons("office")


@pytest.mark.parametrize("role", ROLES)
def test_the_token_page_as_every_role_shows_only_the_users_own_tokens(w, client_for, role):
    response = client_for(w.users[role]).get(reverse("api_tokens"))
    if role == "anonymous":
        assert response.status_code == 302
    elif role in API_USERS:
        page = response.content.decode()
        mine = ApiToken.objects.get(user=w.users[role])
        others = ApiToken.objects.exclude(user=w.users[role]).values_list("prefix", flat=True)
        assert response.status_code == 200 and mine.prefix in page and not any(p in page for p in others)
    else:
        assert response.status_code == 403


def test_a_token_cannot_be_revoked_by_another_user(w, client_for):
    theirs = ApiToken.objects.get(user=w.office_b)
    assert client_for(w.office_a).post(reverse("api_tokens"), {"revoke": theirs.pk}).status_code == 404
    assert not ApiToken.objects.get(pk=theirs.pk).revoked
