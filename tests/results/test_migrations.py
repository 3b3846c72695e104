"""The migration that turns a run's plain period/version ids into foreign keys keeps existing runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("results", "0003_units_not_assessed"), ("assessment", "0010_period_kind_labels")]
AFTER = [("results", "0006_run_drops_plain_period_ids")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_runs_point_at_their_period_and_version_and_take_the_one_kind_vocabulary():
    apps = _migrate(BEFORE)
    Scheme, SchemeVersion = apps.get_model("assessment", "Scheme"), apps.get_model("assessment", "SchemeVersion")
    Period, ScoringRun = apps.get_model("assessment", "Period"), apps.get_model("results", "ScoringRun")
    city = apps.get_model("orgs", "OrgUnit").objects.create(code="C", name="测试市", kind="city")
    version = SchemeVersion.objects.create(scheme=Scheme.objects.create(owner_unit=city, year=2025, code="HQD", name="测试"),
                                           number=1)
    half = Period.objects.create(owner_unit=city, year=2025, kind="half", number=1, start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30),
                                 deadline=dt.date(2025, 7, 5))
    common = {"scheme_code": "HQD", "scheme_name": "测试", "year": 2025, "inputs": b"", "inputs_hash": "x"}
    linked = ScoringRun.objects.create(kind="half_yearly", number=1, label="2025年上半年", period_ref=half.pk,
                                       scheme_version_ref=version.pk, **common)
    dangling = ScoringRun.objects.create(kind="annual", number=1, label="2025年度", period_ref=half.pk + 99,
                                         scheme_version_ref=version.pk + 99, **common)
    from_file = ScoringRun.objects.create(kind="monthly", number=3, label="2025年3月", **common)

    apps = _migrate(AFTER)
    ScoringRun = apps.get_model("results", "ScoringRun")
    got = {r.pk: (r.kind, r.period_id, r.scheme_version_id) for r in ScoringRun.objects.all()}
    assert got == {
        linked.pk: ("half", half.pk, version.pk),
        dangling.pk: ("year", None, None),  # the ids named rows that no longer exist
        from_file.pk: ("month", None, None),
    }
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
