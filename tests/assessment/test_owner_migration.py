"""Migrating to owned schemes and periods: what existed before belongs to the top unit (the city)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("assessment", "0005_apitoken_moves_to_orgs")]
AFTER = [("assessment", "0008_scheme_derived_from")]


@pytest.mark.django_db(transaction=True)
def test_existing_periods_and_ownerless_schemes_go_to_the_city():
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        OrgUnit = old.get_model("orgs", "OrgUnit")
        city = OrgUnit.objects.create(code="C", name="测试市", kind="city", sort_order=0)
        OrgUnit.objects.create(code="C-A", name="甲区", kind="district", parent=city)
        old.get_model("assessment", "Scheme").objects.create(year=2025, code="HQD", name="综合考核")
        old.get_model("assessment", "Period").objects.create(
            year=2025, kind="month", number=3, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31),
            deadline=dt.date(2025, 4, 5))

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        scheme = new.get_model("assessment", "Scheme").objects.get()
        period = new.get_model("assessment", "Period").objects.get()
        assert scheme.owner_unit_id == city.pk and period.owner_unit_id == city.pk
    finally:
        # Back to the newest state for the tests that follow (later migrations included).
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
