"""经济运行监测: the figures read from the one collection, evaluated, and laid out for the pages.

The figures of an indicator are the assessment's values (``DataValue``) of its ``amount_code``
and ``growth_code`` in the adopted scheme versions of the monitor's owner (考核主体) — whatever
scheme collects them that year (the 高质量发展 scheme collects GDP, investment, retail sales …).
Monthly indicators are read from the months, quarterly ones from the quarters (1–3月 = Q1 …);
the owner's own value, where entered, is the published city figure (全市). Nothing here is
typed in: the monitor has no data entry of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import polars as pl
from django.db.models import Q

from kaohe.assessment.models import (
    DataValue,
    PeriodKind,
    Scheme,
    SchemeVersion,
    Target,
    VersionStatus,
)
from kaohe.monitor import compute
from kaohe.monitor.models import MonitorIndicator, MonitorTarget
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.scope import person_of, scope_root, scope_unit_ids


def owners() -> set[int]:
    return set(MonitorIndicator.objects.values_list("owner_unit_id", flat=True).distinct())


def monitor_owner(user) -> OrgUnit | None:
    """The monitor a user reads: the nearest unit at or above their scope root that has one
    (a district office reads the city's monitor unless the district runs its own)."""
    with_monitor = owners()
    if not with_monitor:
        return None
    person = person_of(user)
    unit = scope_root(person) if person is not None else None
    while unit is not None:
        if unit.pk in with_monitor:
            return unit
        unit = unit.parent
    if getattr(user, "is_superuser", False) or person is not None:
        return OrgUnit.objects.filter(pk__in=with_monitor, parent__isnull=True).first() or \
            OrgUnit.objects.filter(pk__in=with_monitor).order_by("pk").first()
    return None


def indicators(owner: OrgUnit, *, key_only: bool = False) -> list[MonitorIndicator]:
    qs = MonitorIndicator.objects.filter(owner_unit=owner)
    if key_only:
        qs = qs.filter(is_key=True)
    return list(qs.order_by("sort_order", "code"))


def adopted_versions(owner: OrgUnit | int, years) -> list[SchemeVersion]:
    return list(SchemeVersion.objects.filter(scheme__owner_unit=owner, scheme__year__in=list(years),
                                             status=VersionStatus.ADOPTED).select_related("scheme"))


def monitored_units(owner: OrgUnit, year: int) -> list[OrgUnit]:
    """The units compared: the members of the peer groups of the owner's adopted schemes of the
    year (else of the latest year before that has any)."""
    years = sorted(set(Scheme.objects.filter(owner_unit=owner, year__lte=year).values_list("year", flat=True)))
    for y in reversed(years):
        versions = adopted_versions(owner, [y])
        units = OrgUnit.objects.filter(peer_groups__scheme_versions__in=versions).distinct()
        found = list(units.order_by("sort_order", "code"))
        if found:
            return found
    return []


def collected_in(owner: OrgUnit, year: int, codes: list[str]) -> dict[str, list[str]]:
    """{code: [names of the schemes collecting it in ``year``]} — one each, or the figure is
    asked twice (the settings page shows it)."""
    out: dict[str, list[str]] = defaultdict(list)
    for version in adopted_versions(owner, [year]):
        for code in version.indicators.filter(code__in=codes, is_collected=True).values_list("code", flat=True):
            out[code].append(version.scheme.name)
    return dict(out)


def _month_of(kind: str, number: int) -> int | None:
    if kind == PeriodKind.MONTH:
        return number
    if kind == PeriodKind.QUARTER:
        return number * 3
    return None


@dataclass
class Evaluation:
    """One indicator evaluated over some years: ``frame`` is :func:`compute.evaluate`'s result
    with unit codes; ``names`` unit code → name."""

    indicator: MonitorIndicator
    frame: pl.DataFrame
    names: dict[str, str]
    order: list[str]
    city: pl.DataFrame = field(default_factory=pl.DataFrame)

    @property
    def spec(self) -> compute.Spec:
        return self.indicator.spec

    def at(self, year: int, month: int) -> dict[str, dict]:
        """{unit code: row} at the latest release on or before ``month`` of ``year``."""
        release = compute.release_at(self.spec, month)
        if release is None:
            return {}
        rows = self.frame.filter((pl.col("year") == year) & (pl.col("month") == release))
        return {r["unit"]: r for r in rows.iter_rows(named=True)}

    def releases(self) -> list[tuple[int, int]]:
        return sorted(set(zip(self.frame["year"].to_list(), self.frame["month"].to_list(), strict=True)))


def figures_frame(indicator: MonitorIndicator, units: list[OrgUnit], years) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(units' figures, the owner's published city figures) of ``years`` from the collection."""
    kind = PeriodKind.QUARTER if indicator.frequency == compute.QUARTERLY else PeriodKind.MONTH
    codes = indicator.codes
    ids = {u.pk: u.code for u in units}
    owner_id = indicator.owner_unit_id
    cells: dict[tuple[str, int, int], dict[str, float]] = defaultdict(dict)
    if codes:
        qs = (DataValue.objects.filter(version__in=adopted_versions(owner_id, years), indicator__in=codes,
                                       period__kind=kind, value__isnull=False)
              .filter(Q(unit_id__in=list(ids)) | Q(unit_id=owner_id))
              .values_list("unit_id", "period__year", "period__number", "indicator", "value"))
        for unit_id, year, number, code, value in qs:
            month = _month_of(kind, number)
            key = ("" if unit_id == owner_id else ids[unit_id], year, month)
            slot = "amount" if code == indicator.amount_code else "growth"
            cells[key].setdefault(slot, float(value))
    unit_rows = [(u, y, m, v.get("amount"), v.get("growth")) for (u, y, m), v in sorted(cells.items()) if u]
    city_rows = [(y, m, v.get("amount"), v.get("growth")) for (u, y, m), v in sorted(cells.items()) if not u]
    return compute.frame(unit_rows, compute.FIGURES_SCHEMA), compute.frame(city_rows, compute.CITY_SCHEMA)


def targets_frame(indicator: MonitorIndicator, units: list[OrgUnit], years) -> pl.DataFrame:
    """Annual targets per unit and year: the scheme's own targets (``assessment.Target`` of the
    amount and growth codes — set once, by target import or decomposition) unless the monitor
    has its own (``MonitorTarget``, for figures the scheme sets no target for)."""
    codes = {u.pk: u.code for u in units}
    found: dict[tuple[str, int], dict[str, float | None]] = defaultdict(dict)
    wanted = {c: slot for c, slot in ((indicator.amount_code, "amount"), (indicator.growth_code, "growth")) if c}
    if wanted:
        for unit_id, year, code, target in (Target.objects.filter(
                version__in=adopted_versions(indicator.owner_unit_id, years), indicator__in=list(wanted),
                unit_id__in=list(codes)).values_list("unit_id", "version__scheme__year", "indicator", "target")):
            found[(codes[unit_id], year)].setdefault(wanted[code], float(target))
    for unit_id, year, amount, growth in (MonitorTarget.objects.filter(indicator=indicator, year__in=list(years),
                                                                        unit_id__in=list(codes))
                                          .values_list("unit_id", "year", "amount", "growth")):
        slot = found[(codes[unit_id], year)]
        if amount is not None:
            slot["amount"] = float(amount)
        if growth is not None:
            slot["growth"] = float(growth)
    rows = [(u, y, v.get("amount"), v.get("growth")) for (u, y), v in sorted(found.items())]
    return compute.frame(rows, compute.TARGETS_SCHEMA)


def evaluate(indicator: MonitorIndicator, year: int, units: list[OrgUnit] | None = None) -> Evaluation:
    """The indicator over ``year`` and the year before (for 同比, 位次 vs last year, the first release)."""
    units = units if units is not None else monitored_units(indicator.owner_unit, year)
    years = [year - 2, year - 1, year]
    figures, city = figures_frame(indicator, units, years)
    result = compute.evaluate(indicator.spec, figures, targets_frame(indicator, units, years), city)
    result = result.filter(pl.col("year") >= year - 1)
    return Evaluation(indicator, result, {u.code: u.name for u in units}, [u.code for u in units], city)


def visible_codes(user, units: list[OrgUnit]) -> list[str]:
    """The monitored units the user may see in detail (the city sees all, a district its own)."""
    if getattr(user, "is_superuser", False):
        return [u.code for u in units]
    scope = scope_unit_ids(person_of(user))
    return [u.code for u in units if u.pk in scope]


def latest_month(owner: OrgUnit, year: int) -> int | None:
    """The last month of ``year`` with any monitored figure (the page's default)."""
    codes = [c for ind in indicators(owner) for c in ind.codes]
    found = (DataValue.objects.filter(version__in=adopted_versions(owner, [year]), indicator__in=codes,
                                      value__isnull=False, period__kind__in=[PeriodKind.MONTH, PeriodKind.QUARTER])
             .values_list("period__kind", "period__number"))
    months = [_month_of(k, n) for k, n in found.distinct()]
    return max(months) if months else None


def latest_year(owner: OrgUnit) -> int | None:
    """The latest year with an adopted scheme of the owner (a next year's draft has no figures yet)."""
    return (Scheme.objects.filter(owner_unit=owner, versions__status=VersionStatus.ADOPTED).order_by("-year")
            .values_list("year", flat=True).first())
