"""The assessment demo: a valid ~90-indicator scheme in ten areas, 2025 locked, 2026 to October, scorable."""

from __future__ import annotations

import pytest

from kaohe.assessment import demo, services
from kaohe.assessment.models import DataValue, Period, Scheme, SchemeVersion, Submission, Target
from kaohe.orgs import demo as orgs_demo
from kaohe.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    ctx = orgs_demo.DemoContext(verbose=False)
    orgs_demo.load(ctx)
    ctx.city = OrgUnit.objects.get(code="SFS")
    demo.load(ctx)
    return ctx


def test_the_demo_loads_a_scorable_year_and_a_year_in_progress(loaded):
    """One test (the demo takes a while): the scheme, the periods, idempotence, scoring."""
    _scheme_covers_the_ten_areas_with_five_boards(loaded)
    _2025_is_locked_and_2026_october_is_in_progress(loaded)
    _idempotent_and_scorable(loaded)


def _scheme_covers_the_ten_areas_with_five_boards(loaded):
    version = SchemeVersion.objects.get(scheme__year=2025, status="adopted", scheme__owner_unit__code="SFS")
    areas = [c["name"] for c in version.content["root"]["children"]]
    assert len(areas) == 10 and "党的建设" in areas and "生态文明" in areas
    scored = version.indicators.filter(is_scored=True).count()
    assert 80 <= scored <= 95
    assert [b["name"] for b in version.content["boards"]] == ["争先榜", "龙虎榜", "赛马榜", "活力榜", "效能榜"]
    assert "proj_start_rate" in version.content["boards"][1]["indicators"]
    assert Target.objects.filter(version=version).exists()


def _2025_is_locked_and_2026_october_is_in_progress(loaded):
    assert set(Period.objects.filter(owner_unit__code="SFS", year=2025).values_list("status", flat=True)) == {"locked"}
    october = Period.objects.get(owner_unit__code="SFS", year=2026, kind="month", number=10)
    assert october.status == "open"
    statuses = set(Submission.objects.filter(period=october).values_list("status", flat=True))
    assert {"approved", "submitted", "returned", "draft"} <= statuses
    assert DataValue.objects.filter(version__scheme__year=2026, period__number=12, period__kind="month").count() == 0


def _idempotent_and_scorable(loaded):
    before = DataValue.objects.count()
    demo.load(loaded)
    assert DataValue.objects.count() == before and Scheme.objects.filter(year=2025, owner_unit__code="SFS").count() == 1
    from kaohe.engine import load_scheme, score

    version = SchemeVersion.objects.get(scheme__year=2025, status="adopted", scheme__owner_unit__code="SFS")
    data = services.run_inputs(version, Period.objects.get(owner_unit__code="SFS", year=2025, kind="month", number=12))
    result = score(load_scheme(data.scheme), data.values, units=data.units, targets=data.targets, period=data.period_code)
    assert result.totals.height == 12 and set(result.totals["group"].to_list()) == {"ZCQ", "JQ", "GNQ"}
