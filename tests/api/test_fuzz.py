"""schemathesis over the whole JSON API: every operation of the OpenAPI document, called with
generated parameters and bodies as the city office (a token) on the test world — no 5xx, and every
answer as the document declares it (status code, content type, schema).

Bounded: ``FUZZ_EXAMPLES`` examples per operation (env ``KAOHE_FUZZ_EXAMPLES``), so the whole API
runs in a few minutes on two cores; a finding prints the request to reproduce it."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings

from kaohe.api import openapi
from kaohe.orgs.models import ApiToken
from kaohe.projects import services as project_services
from kaohe.results.models import AwardKind
from kaohe.results.services import file_appeal, nominate, publish
from tests.assessment.factories import city_version, periods, put
from tests.projects.factories import ProjectFactory
from tests.results.world import scored_run

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
    # Objects with small ids for the generated paths to find: a sealed run and its publication,
    # an appeal, a nomination, a project with a report and a problem.
    run = scored_run(owner=w.city)
    pub = publish(run)
    file_appeal(pub, w.district_a, "GDP", "数据有误", w.assessed_a)
    nominate(2025, AwardKind.SPECIAL, w.district_a, "抢险", w.assessed_a)
    project = ProjectFactory(unit=w.district_a, code="XA1")
    project_services.submit_report(project, 2026, 3, Decimal("12.5"), user=w.assessed_a)
    project_services.raise_problem(project, "用地未落实", user=w.office)
    w.key = ApiToken.issue(w.office, "fuzz")[1]
    # The WSGI app is called directly (not through Django's test Client): like the Client, keep the
    # test's database connection open across requests (request_finished would close it; on
    # PostgreSQL every later query then failed with "the connection is closed").
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield w
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


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
