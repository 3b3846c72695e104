"""Concurrent registrations on PostgreSQL: the same project entered by two units at once is saved
once (the other is refused with the reason), and projects of one unit get distinct codes.

Real threads with their own connections, started together at a barrier. SQLite's test database
serialises writers, so this proves something only on PostgreSQL; it runs in both partitions.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaohe.attraction import services
from kaohe.attraction.models import AttractionProject
from tests.threads import together

pytestmark = pytest.mark.django_db(transaction=True)


def _data(unit, name, investor):
    return {"name": name, "investor": investor, "unit": unit, "amount": Decimal(20000)}


def test_the_same_project_from_two_units_at_once_is_entered_once(org_world):
    a, b = org_world.district_a, org_world.district_b
    for round_ in range(5):
        name = f"新能源电池项目{round_}"
        results = together([lambda u=u, n=name: services.create_project(_data(u, n, "某集团")) for u in (a, b, a, b)])
        saved = [r for r in results if isinstance(r, AttractionProject)]
        refused = [r for r in results if isinstance(r, services.AttractionError)]
        assert len(saved) == 1 and len(refused) == 3, results
        assert all("同一项目只登记、只计一次" in str(r) for r in refused)
        assert AttractionProject.objects.filter(name=name).count() == 1


def test_projects_of_one_unit_registered_at_once_get_distinct_codes(org_world):
    a = org_world.district_a
    results = together([lambda i=i: services.create_project(_data(a, f"项目{i}", f"投资方{i}")) for i in range(6)])
    assert all(isinstance(r, AttractionProject) for r in results), results
    codes = sorted(r.code for r in results)
    assert len(set(codes)) == 6 and codes[0].startswith(f"ZS{services.today().year}-C-A-")
