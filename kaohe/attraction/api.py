"""JSON API of investment attraction (django-ninja router, mounted at /api/attraction/).

Token or session (``API_AUTH``); every handler asks the permission module and reads through
``visible_to`` (out of scope is 404). Writes go through ``services`` like the pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema
from ninja.errors import HttpError

from kaohe.attraction import figures, services
from kaohe.attraction.models import AttractionProject, Milestone, Stage
from kaohe.attraction.views import visible_projects
from kaohe.lib.params import Id, Offset, Year
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import api_require
from kaohe.orgs.scope import get_visible_or_404, subtree_ids

router = Router(tags=["attraction"])


class AttractionMilestoneOut(Schema):
    stage: str
    on: dt.date
    evidence: str
    counted: bool
    hold: str
    confirm_level: str


class AttractionProjectOut(Schema):
    id: int
    code: str
    name: str
    investor: str
    unit: str
    industry: str | None
    amount: Decimal
    stage: str
    status: str
    signed_on: dt.date | None
    major_project: str | None

    @staticmethod
    def resolve_unit(obj: AttractionProject) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_industry(obj: AttractionProject) -> str | None:
        return obj.industry.code if obj.industry_id else None

    @staticmethod
    def resolve_major_project(obj: AttractionProject) -> str | None:
        return obj.major_project.code if obj.major_project_id else None


class AttractionProjectDetail(AttractionProjectOut):
    milestones: list[AttractionMilestoneOut]

    @staticmethod
    def resolve_milestones(obj: AttractionProject) -> list[Milestone]:
        return list(obj.milestones.all())


class AdvanceIn(Schema):
    stage: str
    on: dt.date
    evidence: str


@router.get("/projects", operation_id="attraction_project_list", summary="招商项目列表 / List attraction projects", response=list[AttractionProjectOut])
def list_projects(request, unit: str | None = None, stage: str | None = None, limit: int = 200, offset: Offset = 0):
    """Projects in the caller's scope (optionally under one unit, at one stage), largest first."""
    api_require(request, "attraction.list")
    qs = visible_projects(request.user).select_related("unit", "industry", "major_project")
    if unit:
        found = OrgUnit.objects.filter(code=unit).first()
        qs = qs.filter(unit_id__in=subtree_ids(found)) if found else qs.none()
    if stage:
        if stage not in Stage.values:
            raise HttpError(422, f"unknown stage {stage!r}; one of {', '.join(Stage.values)}")
        qs = qs.filter(stage=stage)
    limit = max(1, min(limit, 1000))
    return list(qs.order_by("-amount", "code")[offset: offset + limit])


@router.get("/projects/{pk}", operation_id="attraction_project_get", summary="招商项目详情 / An attraction project with its milestones", response=AttractionProjectDetail)
def project(request, pk: Id):
    obj = get_visible_or_404(request.user, AttractionProject.objects.select_related("unit", "industry", "major_project"),
                             pk=pk)
    api_require(request, "attraction.view", obj)
    return obj


@router.post("/projects/{pk}/milestones", operation_id="attraction_milestone_create", summary="记录项目节点 / Record a project's next milestone", response={201: AttractionMilestoneOut})
def advance(request, pk: Id, body: AdvanceIn):
    """Record the next milestone (the same rules as the page: order, date, evidence, evaluation)."""
    obj = get_visible_or_404(request.user, AttractionProject, pk=pk)
    api_require(request, "attraction.record", obj)
    try:
        m = services.advance(obj, body.stage, on=body.on, evidence=body.evidence, user=request.user)
    except services.AttractionError as exc:
        raise HttpError(422, str(exc)) from None
    return 201, m


@router.get("/units/{code}/figures", operation_id="attraction_unit_figures_get", summary="单位招商指标 / A unit's attraction figures")
def unit_figures(request, code: str, year: Year | None = None):
    """The unit's 赛马榜 figures as at today (or the end of ``year``)."""
    unit = get_visible_or_404(request.user, OrgUnit, code=code)
    api_require(request, "orgs.view_unit", unit)
    today = services.today()
    year = year or today.year
    values = figures.compute({unit.code: unit.pk}, year, min(today, dt.date(year, 12, 31)))
    return {"unit": unit.code, "year": year,
            "figures": {k: {"name": name, "unit": uom, "value": values.get((unit.code, k))}
                        for k, (name, uom) in figures.INDICATORS.items()}}
