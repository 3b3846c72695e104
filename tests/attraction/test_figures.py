"""The 赛马榜 figures, hand-worked on a small city, and the indicator source."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaohe.assessment import sources
from kaohe.assessment.sources import SourceRequest
from kaohe.attraction import figures, services
from kaohe.attraction.models import EventKind, SizeBand, Stage
from tests.attraction.factories import D, lead, walk

pytestmark = pytest.mark.django_db
DAY = D(2026, 10, 31)


@pytest.fixture
def city(org_world):
    w = org_world
    a, b, town = w.district_a, w.district_b, w.towns_a[0]
    walk(lead(unit=a, amount=Decimal(50000)), Stage.IN_STATS)  # p1: signed 2026-02-10 … in stats 2026-06-01
    walk(lead(unit=town, amount=Decimal(8000)), Stage.LANDED,  # p2: below 1亿
         dates={Stage.SIGNED: D(2026, 3, 5), Stage.REGISTERED: D(2026, 3, 10), Stage.LANDED: D(2026, 7, 1)})
    walk(lead(unit=a, amount=Decimal(150000)), Stage.LANDED,  # p3: signed last year, landed this year
         dates={Stage.TALKS: D(2025, 5, 1), Stage.SIGNED: D(2025, 6, 1), Stage.REGISTERED: D(2025, 7, 1),
                Stage.LANDED: D(2026, 2, 1)})
    walk(lead(unit=a, amount=Decimal(600000)), Stage.SIGNED, dates={Stage.SIGNED: D(2026, 8, 1)})  # p4: 60亿
    walk(lead(unit=b, amount=Decimal(20000)), Stage.SIGNED, dates={Stage.SIGNED: D(2026, 4, 1)})  # p5: 乙区
    for i, kind in enumerate([EventKind.COMPREHENSIVE] * 2 + [EventKind.THEMATIC] * 3):
        e = services.create_event({"unit": a, "kind": kind, "name": f"活动{i}", "planned_on": D(2026, 3, 1 + i)})
        services.hold_event(e, held_on=D(2026, 3, 1 + i))
    services.create_event({"unit": a, "kind": EventKind.THEMATIC, "name": "计划中", "planned_on": D(2026, 11, 20)})
    cancelled = services.create_event({"unit": a, "kind": EventKind.COMPREHENSIVE, "name": "取消", "planned_on": D(2026, 5, 1)})
    services.cancel_event(cancelled, reason="台风")
    town_event = services.create_event({"unit": town, "kind": EventKind.THEMATIC, "name": "街道专题", "planned_on": D(2026, 6, 1)})
    services.hold_event(town_event, held_on=D(2026, 6, 2))
    bands = {band.code: band for band in services.ensure_bands()}
    w.bundle = services.create_bundle(a, 2026, "1145", "项目招引“1145”工程", [
        (bands["1e10"], Stage.SIGNED, 1), (bands["5e9"], Stage.SIGNED, 1), (bands["1e9"], Stage.SIGNED, 4),
        (bands["1e8"], Stage.SIGNED, 5)])
    return w


def test_the_figures_of_a_district_and_its_towns(city):
    got = figures.compute({"C-A": city.district_a.pk, "C-B": city.district_b.pk}, 2026, DAY)
    a = {k: v for (u, k), v in got.items() if u == "C-A"}
    assert a == {
        "signed_projects": 3,  # p1, p2, p4 (p3 was signed in 2025: counted then, not again)
        "signed_1e8": 2, "signed_1e9": 1, "signed_5e9": 1, "signed_1e10": 0,
        "zs_signed_amount": 658000.0,  # 50,000 + 8,000 + 600,000
        "zs_land_rate": 75.0,  # signed within two years: p1–p4; landed p1–p3
        "zs_start_rate": 33.33,  # landed p1–p3; started p1
        "zs_stats_rate": 100.0,  # started p1, in stats p1
        "zs_landed_amount": 208000.0,  # p1 + p2 + p3
        "zs_events_held": 6,  # 2 综合性 + 3 专题 + the street's 专题
        "zs_events_rate": 40.0,  # 6 of 5 + 10
        "zs_bundle_rate": 36.36,  # min(0,1) + min(1,1) + min(1,4) + min(2,5) = 4 of 11
    }
    b = {k: v for (u, k), v in got.items() if u == "C-B"}
    assert (b["signed_projects"], b["signed_1e8"], b["zs_land_rate"], b["zs_start_rate"], b["zs_events_rate"],
            b["zs_bundle_rate"]) == (1, 1, 0.0, None, 0.0, None)


def test_a_configured_band_changes_the_count(city):
    SizeBand.objects.filter(code="1e9").update(min_amount=Decimal(40000))
    got = figures.compute({"C-A": city.district_a.pk}, 2026, DAY, ["signed_1e9"])
    assert got[("C-A", "signed_1e9")] == 2


def test_figures_as_at_an_earlier_day_see_only_what_happened_by_then(city):
    got = figures.compute({"C-A": city.district_a.pk}, 2026, D(2026, 3, 31), ["signed_projects", "zs_land_rate"])
    # by 31 March: p1 (Feb) and p2 (5 Mar) signed; within the window p1, p2, p3 signed, p3 landed
    assert (got[("C-A", "signed_projects")], got[("C-A", "zs_land_rate")]) == (2, 33.33)


def test_bundle_progress_against_the_time_schedule(city):
    rows = {r.item.band.code: r for r in figures.bundle_progress(city.bundle, DAY)}
    assert rows["1e8"].actual == 2 and rows["1e8"].rate == 40.0 and rows["1e8"].schedule == 83.33
    assert rows["1e8"].behind  # 2 < 5 × 10/12
    assert rows["5e9"].actual == 1 and not rows["5e9"].behind


def test_the_indicator_source_is_registered_and_records_its_inputs(city):
    source = sources.get("attraction")
    assert source is not None and "signed_projects" in source.indicators and "zs_land_rate" in source.indicators
    out = source.compute(SourceRequest(2026, DAY, ("C-A",), ("signed_projects", "zs_bundle_rate")))
    values = {f.indicator: f.value for f in out}
    assert values == {"signed_projects": 3, "zs_bundle_rate": 36.36}
    assert len(out[0].inputs["milestones"]) > 0 and out[0].inputs["as_of"] == "2026-10-31"


def test_hold_and_cancel_refusals(city):
    e = services.create_event({"unit": city.district_a, "kind": EventKind.THEMATIC, "name": "x", "planned_on": D(2026, 5, 1)})
    with pytest.raises(services.AttractionError, match="应在2026年内"):
        services.hold_event(e, held_on=D(2025, 12, 30))
    with pytest.raises(services.AttractionError, match="取消原因"):
        services.cancel_event(e, reason="")
    services.hold_event(e, held_on=D(2026, 5, 1))
    with pytest.raises(services.AttractionError, match="已举办"):
        services.hold_event(e, held_on=D(2026, 5, 2))
    with pytest.raises(services.AttractionError, match="只有计划中"):
        services.cancel_event(e, reason="x")
    with pytest.raises(services.AttractionError, match="已有目标任务包"):
        services.create_bundle(city.district_a, 2026, "1145", "重复", [(SizeBand.objects.first(), Stage.SIGNED, 1)])
