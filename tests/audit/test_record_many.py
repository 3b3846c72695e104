"""``record_many``: several entries of one action by one actor through the one writer, in one INSERT."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaohe.audit.context import RequestContext, current
from kaohe.audit.models import AuditEntry
from kaohe.audit.services import record, record_many

pytestmark = pytest.mark.django_db


def test_many_entries_carry_what_record_would_write_each(org_world):
    w = org_world
    token = current.set(RequestContext(user_id=w.office.pk, request_id="req-7", ip="10.0.0.9"))
    try:
        one = record("update", None, object_type="orgs.orgunit", parent=w.district_a, object_repr="一项",
                     after={"n": 1}, reason="月末报送")
        with CaptureQueriesContext(connection) as queries:
            many = record_many("update", [
                {"object_type": "orgs.orgunit", "parent": w.district_a, "object_repr": "一项", "after": {"n": 1}},
                {"object_type": "orgs.orgunit", "parent": w.district_b, "unit": None, "object_repr": "两项", "after": {"n": 2}},
            ], reason="月末报送")
    finally:
        current.reset(token)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert [e.pk is not None for e in many] == [True, True]
    first, second = (AuditEntry.objects.get(pk=e.pk) for e in many)
    fields = ("user_id", "username", "actor_unit_id", "action", "object_type_id", "object_repr", "related_object_type_id",
              "related_object_id", "object_unit_id", "after", "reason", "request_id", "ip")
    assert [getattr(first, f) for f in fields] == [getattr(one, f) for f in fields]
    assert first.object_unit_id == w.district_a.pk  # from the parent, as record does
    assert second.related_object_id == w.district_b.pk and second.object_unit_id is None  # unit given: none
    assert second.username == w.office.get_username() and second.ip == "10.0.0.9"


def test_nothing_to_write_writes_nothing(org_world):
    assert record_many("update", []) == []
    assert not AuditEntry.objects.exists()
