"""The org_world city with four districts scored for two months and a year (``build_scored``)."""

from __future__ import annotations

from types import SimpleNamespace

from tests.results.world import BASE, scored_run


def build_scored(org_world):
    """Months 1 and 2 of 2025 and the 2025 annual run of the four districts (甲乙丙丁)."""
    from kaohe.orgs.models import UnitKind
    from tests import factories as f

    f.OrgUnitFactory(code="C-C", name="丙区", kind=UnitKind.DISTRICT, parent=org_world.city)
    f.OrgUnitFactory(code="C-D", name="丁区", kind=UnitKind.DISTRICT, parent=org_world.city)
    jan = scored_run(number=1, owner=org_world.city)
    feb_values = {u: dict(v) for u, v in BASE.items()}
    feb_values["C-D"]["GDP"] = 9.0  # 丁区 jumps to first on 争先榜 in February
    feb = scored_run(feb_values, number=2, owner=org_world.city)
    annual = scored_run(kind="year", number=1, owner=org_world.city)
    return SimpleNamespace(w=org_world, jan=jan, feb=feb, annual=annual)
