"""招商引资的指标 (the figures of 赛马榜): counts by band, conversion rates, investment landed,
events held against plan, bundle completion — per unit (with the units below it) as at a day.

Only counted milestones (:mod:`kaohe.attraction.recognition`) enter. Definitions:

- ``signed_projects`` / ``signed_<band>``: projects signed from 1 January to the day, at least
  the band's lower bound (亿元以上 = 10,000万元 …);
- ``zs_signed_amount``: their planned total investment (万元);
- conversion (签约→落地, 落地→开工, 开工→入统): of the projects that reached the first stage in
  the recognition window (``window_years`` back from the day), the share (%) that reached the
  second by the day;
- ``zs_landed_amount``: planned total investment of the projects landed this year (万元);
- ``zs_events_held``: events held this year; ``zs_events_rate``: 综合性 and 专题 events held ÷
  their yearly targets (%);
- ``zs_bundle_rate``: the unit's target bundles of the year: Σ min(actual, target) ÷ Σ target (%).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.utils.translation import gettext_noop

from kaohe.attraction import config
from kaohe.attraction.models import (
    BundleItem,
    Event,
    EventKind,
    EventStatus,
    EventTarget,
    Milestone,
    SizeBand,
    Stage,
    TargetBundle,
)
from kaohe.attraction.recognition import add_years
from kaohe.orgs.scope import subtree_ids

BAND_CODES = {"1e8": 10_000, "1e9": 100_000, "5e9": 500_000, "1e10": 1_000_000}
CONVERSIONS = {"zs_land_rate": (Stage.SIGNED, Stage.LANDED), "zs_start_rate": (Stage.LANDED, Stage.STARTED),
               "zs_stats_rate": (Stage.STARTED, Stage.IN_STATS)}

#: code → (Chinese name, unit of measure); the names are msgids (the board says them in English)
INDICATORS: dict[str, tuple[str, str]] = {
    "signed_projects": (gettext_noop("招商引资签约项目数"), "个"),
    "signed_1e8": (gettext_noop("亿元以上签约项目数"), "个"),
    "signed_1e9": (gettext_noop("10亿元以上签约项目数"), "个"),
    "signed_5e9": (gettext_noop("50亿元以上签约项目数"), "个"),
    "signed_1e10": (gettext_noop("100亿元以上签约项目数"), "个"),
    "zs_signed_amount": (gettext_noop("签约项目计划总投资"), "万元"),
    "zs_land_rate": (gettext_noop("签约项目落地率"), "%"),
    "zs_start_rate": (gettext_noop("落地项目开工率"), "%"),
    "zs_stats_rate": (gettext_noop("开工项目入统率"), "%"),
    "zs_landed_amount": (gettext_noop("落地项目计划总投资"), "万元"),
    "zs_events_held": (gettext_noop("招商活动举办场次"), "场"),
    "zs_events_rate": (gettext_noop("招商活动计划完成率"), "%"),
    "zs_bundle_rate": (gettext_noop("目标任务包完成率"), "%"),
}
CENT = Decimal("0.01")


def pct(part: int | Decimal, whole: int | Decimal) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(CENT, ROUND_HALF_UP))


def band_bounds(city=None) -> dict[str, Decimal]:
    """The lower bound (万元) of each band code: the configured bands, else the defaults."""
    out = {code: Decimal(v) for code, v in BAND_CODES.items()}
    out.update({b.code: b.min_amount for b in SizeBand.objects.filter(city=city)})
    return out


@dataclass(frozen=True)
class Mile:
    project_id: int
    unit_id: int
    stage: str
    on: dt.date
    amount: Decimal


def counted_milestones(until: dt.date, since: dt.date) -> list[Mile]:
    """Counted milestones dated in [since, until], one query."""
    rows = Milestone.objects.filter(counted=True, on__gte=since, on__lte=until).values_list(
        "project_id", "project__unit_id", "stage", "on", "project__amount")
    return [Mile(*r) for r in rows]


def event_target(unit_id: int, year: int, kind: str, targets: dict) -> int:
    found = targets.get((unit_id, kind))
    return found if found is not None else int(config.get("event_targets").get(kind, 0))


def compute(unit_ids: dict[str, int], year: int, day: dt.date, indicators=None) -> dict[tuple[str, str], float | None]:
    """(unit code, indicator) → value as at ``day`` for each unit (code → id) with its subtree."""
    wanted = set(indicators or INDICATORS)
    trees = {code: subtree_ids(pk) for code, pk in unit_ids.items()}
    start = dt.date(year, 1, 1)
    window_start = add_years(day, -int(config.get("window_years")))
    miles = counted_milestones(day, min(start, window_start))
    bounds = band_bounds()
    by_stage: dict[str, list[Mile]] = defaultdict(list)
    for m in miles:
        by_stage[m.stage].append(m)
    reached: dict[str, set[int]] = {s: {m.project_id for m in ms} for s, ms in by_stage.items()}
    events = list(Event.objects.filter(year=year, status=EventStatus.HELD, held_on__lte=day)
                  .values_list("unit_id", "kind"))
    targets = {(u, k): t for u, k, t in EventTarget.objects.filter(year=year).values_list("unit_id", "kind", "target")}
    bundles = bundle_progress_all(year, day, unit_ids) if "zs_bundle_rate" in wanted else {}
    out: dict[tuple[str, str], float | None] = {}
    for code, tree in trees.items():
        signed = [m for m in by_stage[Stage.SIGNED] if m.unit_id in tree and m.on >= start]
        values: dict[str, float | None] = {
            "signed_projects": len(signed),
            "zs_signed_amount": float(sum((m.amount for m in signed), Decimal(0))),
            "zs_landed_amount": float(sum((m.amount for m in by_stage[Stage.LANDED]
                                           if m.unit_id in tree and m.on >= start), Decimal(0))),
        }
        for band, low in bounds.items():
            if f"signed_{band}" in INDICATORS:
                values[f"signed_{band}"] = sum(1 for m in signed if m.amount >= low)
        for key, (first, second) in CONVERSIONS.items():
            cohort = {m.project_id for m in by_stage[first] if m.unit_id in tree and m.on >= window_start}
            values[key] = pct(len(cohort & reached.get(second, set())), len(cohort))
        held = [k for u, k in events if u in tree]
        values["zs_events_held"] = len(held)
        main = (EventKind.COMPREHENSIVE, EventKind.THEMATIC)
        target = sum(event_target(unit_ids[code], year, k, targets) for k in main)
        values["zs_events_rate"] = pct(sum(1 for k in held if k in main), target)
        items = bundles.get(code)
        values["zs_bundle_rate"] = pct(sum(min(a, t) for a, t in items), sum(t for _a, t in items)) if items else None
        for key in wanted:
            out[(code, key)] = values.get(key)
    return out


def bundle_progress_all(year: int, day: dt.date, unit_ids: dict[str, int]) -> dict[str, list[tuple[int, int]]]:
    """unit code → [(actual, target)] over the items of the unit's own bundles of ``year``."""
    codes = {pk: code for code, pk in unit_ids.items()}
    out: dict[str, list[tuple[int, int]]] = {}
    items = BundleItem.objects.filter(bundle__year=year, bundle__unit_id__in=codes).select_related("band", "bundle")
    for item in items:
        got = actual(item.bundle.unit_id, item.stage, item.band.min_amount, year, day)
        out.setdefault(codes[item.bundle.unit_id], []).append((got, item.target))
    return out


def actual(unit_id: int, stage: str, low: Decimal, year: int, day: dt.date) -> int:
    """Projects of the unit (and below) with a counted ``stage`` milestone this year, at least ``low``."""
    tree = subtree_ids(unit_id)
    return Milestone.objects.filter(counted=True, stage=stage, on__gte=dt.date(year, 1, 1), on__lte=day,
                                    project__unit_id__in=tree, project__amount__gte=low).count()


def schedule_share(day: dt.date, year: int) -> Decimal:
    """序时进度: the share of the year gone by at the end of ``day``'s month (months/12)."""
    if day.year < year:
        return Decimal(0)
    if day.year > year:
        return Decimal(1)
    return Decimal(day.month) / Decimal(12)


@dataclass
class ItemProgress:
    item: BundleItem
    actual: int
    rate: float | None  # actual / target (%)
    schedule: float  # 序时进度 (%)
    behind: bool  # below the time-proportional target


def bundle_progress(bundle: TargetBundle, day: dt.date) -> list[ItemProgress]:
    share = schedule_share(day, bundle.year)
    rows = []
    for item in bundle.items.select_related("band"):
        got = actual(bundle.unit_id, item.stage, item.band.min_amount, bundle.year, day)
        rows.append(ItemProgress(item, got, pct(got, item.target),
                                 float((share * 100).quantize(CENT, ROUND_HALF_UP)),
                                 Decimal(got) < share * item.target))
    return rows


def stage_counts(qs) -> dict[str, int]:
    """Projects per current stage of a queryset."""
    return dict(qs.order_by().values_list("stage").annotate(n=Count("pk")))
