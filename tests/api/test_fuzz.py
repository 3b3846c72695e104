"""schemathesis over the whole JSON API: every operation of the OpenAPI document, called with
generated parameters and bodies as the city office (a token) on the test world — no 5xx, and every
answer as the document declares it (status code, content type, schema).

Bounded: ``FUZZ_EXAMPLES`` examples per operation (env ``KAOHE_FUZZ_EXAMPLES``), so the whole API
runs in a few minutes on two cores; a finding prints the request to reproduce it."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings

from kaohe.api import openapi
from kaohe.orgs.models import ApiToken
from tests.assessment.factories import city_version, periods, put

FUZZ_EXAMPLES = int(os.environ.get("KAOHE_FUZZ_EXAMPLES", "12"))
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


SCHEMA = schemathesis.openapi.from_dict(openapi.document())
OPERATIONS = [(method, path) for method, path, _op in openapi.operations()]


@pytest.fixture
def world(org_world, settings):
    settings.ALLOWED_HOSTS = ["*"]
    w = org_world
    w.city_v = city_version(w)
    w.march = periods(2025)[3]
    put(w, w.city_v, w.march, {("C-A", "fai"): 10, ("C-B", "fai"): 20})
    w.key = ApiToken.issue(w.office, "fuzz")[1]
    return w


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_operation_answers_generated_requests_without_5xx_and_as_documented(world, method, path):
    SCHEMA.app = get_wsgi_application()
    operation = SCHEMA[path][method]
    headers = {"Authorization": f"Bearer {world.key}"}

    @given(case=operation.as_strategy())
    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def call(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    call()
