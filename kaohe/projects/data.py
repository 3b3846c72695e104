"""Loading project data from the database into the frames of the pure modules."""

from __future__ import annotations

import polars as pl
from django.db.models import Sum

from kaohe.orgs.models import OrgUnit
from kaohe.projects.figures import PROBLEM_SCHEMA, PROJECT_SCHEMA, REPORT_SCHEMA, compute_figures
from kaohe.projects.models import MonthlyReport, Problem, Project


def rollup_map(city: OrgUnit | None = None) -> dict[int, OrgUnit]:
    """Each unit id → the unit it is counted under: the city's direct child above it
    (a town's projects count for its district). Without a city: the top of each tree's child."""
    units = {u.pk: u for u in OrgUnit.objects.all()}
    result: dict[int, OrgUnit] = {}
    for pk, unit in units.items():
        current = unit
        while current.parent_id is not None and current.parent_id in units:
            parent = units[current.parent_id]
            if (city is not None and parent.pk == city.pk) or (city is None and parent.parent_id is None):
                break
            current = parent
        result[pk] = current
    return result


TOTAL = "TOTAL"


def unit_figures(year: int, month: int, *, city: OrgUnit | None = None, total: bool = False) -> pl.DataFrame:
    """The figures of every top-level unit under ``city`` for ``year``-``month`` (unit codes);
    with ``total`` one row set for the whole city, unit ``TOTAL``."""
    projects, reports, problems = load_frames(year, month, city=city, total=total)
    units = None
    if city is not None and not total:
        units = [u.code for u in OrgUnit.objects.filter(parent=city, kind__in=ASSESSED_KINDS).order_by("sort_order", "code")]
    return compute_figures(projects, reports, problems, year, month, units=units)


def load_frames(year: int, month: int, *, city: OrgUnit | None = None, total: bool = False) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The three input frames of :func:`compute_figures` (projects, year-to-date reports,
    problems), each project under the unit it counts for (``TOTAL`` with ``total``)."""
    rollup = rollup_map(city)
    key = (lambda u: TOTAL) if total else (lambda u: u.code)
    projects = project_frame(Project.objects.filter(year=year, is_active=True), lambda unit_id: key(rollup[unit_id]))
    # year to date per project, summed in the database (one row per project, tagged month M)
    ytd = (
        MonthlyReport.objects.filter(project__year=year, project__is_active=True, year=year, month__lte=month)
        .values("project_id")
        .annotate(s=Sum("invest_month"))
        .values_list("project_id", "s")
    )
    reports = pl.DataFrame([(pid, month, float(v or 0)) for pid, v in ytd], schema=REPORT_SCHEMA, orient="row")
    problems = pl.DataFrame(
        [
            (pid, due.replace(tzinfo=None), res.replace(tzinfo=None) if res else None)
            for pid, due, res in Problem.objects.filter(project__year=year).values_list("project_id", "due_at", "resolved_at")
        ],
        schema=PROBLEM_SCHEMA,
        orient="row",
    )
    return projects, reports, problems


def project_frame(projects, unit_key=lambda unit_id: TOTAL) -> pl.DataFrame:
    """A queryset of projects as :data:`PROJECT_SCHEMA` rows (``unit_key`` names each one's unit)."""
    rows = projects.values_list("pk", "unit_id", "total_investment", "year_plan", "planned_start", "actual_start",
                                "planned_completion", "actual_completion", "actual_stats")
    return pl.DataFrame(
        [(r[0], unit_key(r[1]), float(r[2] or 0), float(r[3] or 0), *r[4:]) for r in rows],
        schema=PROJECT_SCHEMA,
        orient="row",
    )


ASSESSED_KINDS = ["district", "new_area", "dev_zone", "park"]
