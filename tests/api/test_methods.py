"""A wrong method on any API path is answered as JSON with a message (405 ``{"detail": …}`` and the
``Allow`` header), like every other API error — django-ninja's own answer is a text "Method not
allowed", which a client parsing JSON chokes on. Every path of the OpenAPI document is tried, signed
in (a token) and anonymous: the method is refused before authentication."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kaohe.api import openapi
from kaohe.orgs.models import ApiToken

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


def _wrong_methods() -> list[tuple[str, str]]:
    """(a method the path does not take, the path with each parameter filled in) for every path."""
    out = []
    for path, ops in openapi.document()["paths"].items():
        url = re.sub(r"\{[^}]+\}", "1", path)
        out.extend((m, url) for m in METHODS if m not in ops)
    return out


def test_every_api_path_answers_a_wrong_method_with_json_naming_the_methods_it_takes(org_world):
    token = ApiToken.issue(org_world.office, "methods")[1]
    tried = 0
    for client, auth in ((Client(), {}), (Client(), {"HTTP_AUTHORIZATION": f"Bearer {token}"})):
        for method, url in _wrong_methods():
            r = getattr(client, method)(url, **auth)
            where = f"{method.upper()} {url}"
            assert r.status_code == 405, (where, r.status_code)
            assert r["Content-Type"].startswith("application/json"), (where, r["Content-Type"], r.content[:80])
            detail = r.json()["detail"]
            assert detail.startswith(f"method not allowed: {method.upper()}"), (where, detail)
            assert r["Allow"] and r["Allow"] in detail, (where, r["Allow"], detail)
            tried += 1
    assert tried > 100  # every path, not a handful


def test_a_wrong_method_on_a_page_still_gets_the_shells_page_not_json(org_world, client_for):
    r = client_for(org_world.office).get("/results/runs/new/")  # POST only
    assert r.status_code == 405 and r["Content-Type"].startswith("text/html")
    assert "此地址不能直接打开" in r.content.decode()
