"""The data migrations of the change log: string object keys become content types and ids,
value batches packed into JSON (lists or TSV text) become value-change rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("audit", "0001_initial"), ("assessment", "0005_apitoken_moves_to_orgs"), ("projects", "0002_warning_rank")]
AFTER = [("audit", "0002_object_content_type_parent_unit"), ("assessment", "0011_value_change_table"),
         ("projects", "0003_audit_entries_name_their_project")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest():
    """Leave the database migrated to every app's latest migration for the tests after."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_old_entries_are_converted_and_value_batches_unpacked(back_to_the_latest):
    old = _migrate(BEFORE)
    OrgUnit = old.get_model("orgs", "OrgUnit")
    Entry = old.get_model("audit", "AuditEntry")
    Scheme = old.get_model("assessment", "Scheme")
    Version = old.get_model("assessment", "SchemeVersion")
    Period = old.get_model("assessment", "Period")
    city = OrgUnit.objects.create(code="M", name="迁移市", kind="city")
    district = OrgUnit.objects.create(code="M-A", name="迁移区", kind="district", parent=city)
    scheme = Scheme.objects.create(year=2025, code="MIG", name="迁移方案", owner_unit=city)
    version = Version.objects.create(scheme=scheme, number=1, content={})
    period = Period.objects.create(year=2025, kind="month", number=3, start=dt.date(2025, 3, 1),
                                   end=dt.date(2025, 3, 31), deadline=dt.date(2025, 4, 5))
    unit_entry = Entry.objects.create(action="update", object_type="orgs.orgunit", object_id=str(district.pk),
                                      unit=city, after={"name": "迁移区"})
    small = Entry.objects.create(
        action="update", object_type="assessment.datavalue", object_id=f"{version.pk}:{period.pk}",
        object_repr="2025年3月 数据 1 项 (grid)", unit=city,
        before={"columns": ["unit", "indicator", "value", "revision"], "rows": [[district.pk, "gdp", "10", 1]]},
        after={"columns": ["unit", "indicator", "value", "revision"], "rows": [[district.pk, "gdp", "12", 2]],
               "source": "grid"})
    tsv = Entry.objects.create(
        action="import", object_type="assessment.datavalue", object_id=f"{version.pk}:{period.pk}",
        object_repr="2025年3月 数据 2 项 (api)",
        before={"columns": [], "rows": []},
        after={"columns": [], "rows_tsv": f"{district.pk}\tgdp\t13\t3\n{district.pk}\tjobs\t\t1\n", "source": "api"})
    batch = Entry.objects.create(action="update", object_type="projects.problem", object_id="batch", after={"1": 2})

    new = _migrate(AFTER)
    Entry = new.get_model("audit", "AuditEntry")
    ValueChange = new.get_model("assessment", "ValueChange")
    e = Entry.objects.get(pk=unit_entry.pk)
    assert (e.object_type.model, e.object_id, e.actor_unit_id, e.object_unit_id) == (
        "orgunit", district.pk, city.pk, district.pk)
    e = Entry.objects.get(pk=small.pk)
    assert (e.object_type.model, e.object_id, e.related_object_type.model, e.related_object_id) == (
        "datavalue", None, "schemeversion", version.pk)
    assert e.after == {"source": "grid", "values": 1, "version": version.pk, "period": period.pk}
    assert e.object_repr == "2025年3月 数据 1 项 （网格填报）" and e.object_unit_id == city.pk
    rows = sorted((v.entry_id, v.indicator, v.old, v.new, v.revision, v.source)
                  for v in ValueChange.objects.filter(version_id=version.pk, period_id=period.pk, unit_id=district.pk))
    # the small batch: gdp 10 → 12; the TSV batch: gdp → 13 (no before row kept), jobs → empty
    assert [(i, str(o) if o is not None else None, str(n) if n is not None else None, r, s)
            for _e, i, o, n, r, s in rows] == [
        ("gdp", "10.000000", "12.000000", 2, "grid"), ("gdp", None, "13.000000", 3, "api"), ("jobs", None, None, 1, "api")]
    e = Entry.objects.get(pk=tsv.pk)
    assert "rows_tsv" not in e.after and e.after["values"] == 2 and "（接口）" in e.object_repr
    e = Entry.objects.get(pk=batch.pk)
    assert (e.object_type.model, e.object_id, e.after["object_key"]) == ("problem", None, "batch")
