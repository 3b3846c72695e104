"""``kaohe backup`` / ``kaohe restore``: a round trip on this database (SQLite's backup API, or
pg_dump/pg_restore when the suite runs on PostgreSQL) gives back every row of every table, and
``kaohe verify`` passes on the restored database."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from kaohe.orgs.models import OrgUnit
from kaohe.results.models import Publication, RunTotal
from kaohe.results.services import file_appeal, publish
from tests.results.fixtures import build_scored

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads committed rows from its own connection


def _rows() -> dict[str, list]:
    """Every row of every table (auto-created join tables too), in primary-key order."""
    out = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        rows = []
        for row in model._base_manager.order_by("pk").values():
            rows.append({k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()})
        out[model._meta.db_table] = rows
    return out


@pytest.fixture
def published(org_world):
    scored = build_scored(org_world)
    with transaction.atomic():  # as the publish view does (publish locks the chain's last row)
        pub = publish(scored.annual, org_world.office)
        file_appeal(pub, org_world.district_a, "INV", "漏报", org_world.assessed_a)
    return scored


def test_a_backup_restored_gives_back_every_row_and_verifies(published, tmp_path):
    before = _rows()
    assert sum(len(rows) for rows in before.values()) > 100
    out = StringIO()
    call_command("backup", str(tmp_path / "kaohe.backup"), stdout=out)
    assert f" bytes, {connection.vendor})" in out.getvalue()
    # What a bad day does: results deleted behind the models' back, a unit added.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {RunTotal._meta.db_table} WHERE run_id = %s", [published.annual.pk])
    OrgUnit.objects.create(code="C-X", name="多出来的区", kind="district", parent=published.w.city)
    assert _rows() != before
    out = StringIO()
    call_command("restore", str(tmp_path / "kaohe.backup"), "--replace", "--no-verify", stdout=out)
    assert _rows() == before
    call_command("verify")  # a full recomputation passes on the restored database
    out = StringIO()
    call_command("restore", str(tmp_path / "kaohe.backup"), "--replace", stdout=out)
    assert "hashes and publication chain intact" in out.getvalue()  # restore runs kaohe verify itself
    assert Publication.objects.get(run=published.annual).seal_hash


def test_restore_refuses_to_replace_data_unless_told(published, tmp_path):
    call_command("backup", str(tmp_path / "kaohe.backup"), stdout=StringIO())
    with pytest.raises(CommandError, match="--replace"):
        call_command("restore", str(tmp_path / "kaohe.backup"), stdout=StringIO())


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_kind_of_database(published, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("不是备份", encoding="utf-8")
    with pytest.raises(CommandError, match="不是"):
        call_command("restore", str(bogus), "--replace", stdout=StringIO())
    assert RunTotal.objects.filter(run=published.annual).exists()  # nothing was touched


def test_a_backup_file_is_whole_or_absent(published, tmp_path):
    call_command("backup", str(tmp_path / "kaohe.backup"), stdout=StringIO())
    assert [p.name for p in tmp_path.iterdir()] == ["kaohe.backup"]
