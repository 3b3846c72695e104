"""The audit log is hash-chained: deleting (in the middle or at the end) or editing an entry is detected."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from kaohe.audit import chain
from kaohe.audit.models import AuditEntry
from kaohe.audit.services import record

pytestmark = pytest.mark.django_db
LATER = dt.timedelta(minutes=5)


@pytest.fixture
def sealed(org_world):
    for n in range(80):
        record("update", None, object_type="assessment.datavalue", user=org_world.office, reason=f"第{n}次", after={"n": n})
    assert chain.seal(now=timezone.now() + LATER) == AuditEntry.objects.count()
    assert chain.verify()[0] == []
    return org_world


def _sql(statement: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("{T}", AuditEntry._meta.db_table), params)


def test_an_intact_log_verifies_and_later_entries_join_the_chain(sealed):
    record("update", None, object_type="assessment.datavalue", user=sealed.office, reason="之后")
    assert chain.seal(now=timezone.now()) == 0  # too fresh: a slower transaction may still commit below it
    assert chain.seal(now=timezone.now() + LATER) == 1
    problems, head = chain.verify()
    assert problems == [] and head.seq == AuditEntry.objects.count()


def test_fifty_deleted_entries_are_detected(sealed):
    ids = list(AuditEntry.objects.order_by("seq").values_list("id", flat=True)[10:60])
    _sql("DELETE FROM {T} WHERE id IN (" + ",".join(map(str, ids)) + ")")
    problems, _head = chain.verify()
    assert any("50 条记录（被删除）" in p for p in problems), problems


def test_one_deleted_entry_in_the_middle_is_detected(sealed):
    victim = AuditEntry.objects.order_by("seq")[40]
    _sql("DELETE FROM {T} WHERE id = %s", [victim.pk])
    assert any("被删除" in p for p in chain.verify()[0])


def test_deleted_entries_at_the_end_are_detected(sealed):
    last = AuditEntry.objects.order_by("-seq")[:3]
    _sql("DELETE FROM {T} WHERE id IN (" + ",".join(str(e.pk) for e in last) + ")")
    assert any("末尾记录被删除" in p for p in chain.verify()[0])


@pytest.mark.parametrize("column, value", [("reason", "改过的原因"), ("username", "leader"), ("action", "delete")])
def test_an_edited_entry_is_detected(sealed, column, value):
    victim = AuditEntry.objects.order_by("seq")[20]
    _sql(f"UPDATE {{T}} SET {column} = %s WHERE id = %s", [value, victim.pk])
    assert any("被改动" in p for p in chain.verify()[0])


def test_kaohe_verify_fails_on_a_broken_audit_chain(sealed):
    call_command("verify", "--no-recompute")
    _sql("DELETE FROM {T} WHERE id = %s", [AuditEntry.objects.order_by("seq")[5].pk])
    with pytest.raises(CommandError):
        call_command("verify", "--no-recompute")


def test_the_seal_command_prints_the_head(org_world):
    from io import StringIO

    record("update", None, object_type="assessment.datavalue", user=org_world.office, reason="x")
    AuditEntry.objects.update(at=timezone.now() - LATER)
    out = StringIO()
    call_command("audit_seal", stdout=out)
    assert "entries sealed; head" in out.getvalue() and chain.verify()[0] == []
