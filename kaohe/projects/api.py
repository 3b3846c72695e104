"""JSON API of major projects (django-ninja router, mounted at /api/projects/).

Token or session authentication (``kaohe.api.auth.API_AUTH``); every handler asks the permission
module and reads through ``visible_to`` (out of scope is 404). Writes go through ``services`` like the pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.db.models import Max
from django.http import HttpResponse
from ninja import File, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from kaohe.lib.exports import DOCX_TYPE, attachment
from kaohe.lib.params import Id, Offset, Year
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import api_require, person_of, scope_unit_ids
from kaohe.orgs.scope import get_visible_or_404
from kaohe.projects import excel, letters, services
from kaohe.projects.data import unit_figures
from kaohe.projects.models import MonthlyReport, Problem, Project, ProjectWarning, ReportStatus
from kaohe.projects.views import XLSX, import_root, today, visible_projects

# Token or session auth is applied where the router is mounted (kaohe.api.routers).
router = Router(tags=["projects"])


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    unit_name: str
    level: str
    ptype: str
    total_investment: Decimal
    year: int
    year_plan: Decimal
    stage: str | None
    planned_start: dt.date | None
    actual_start: dt.date | None
    actual_stats: dt.date | None
    warning_level: str
    leader_name: str

    @staticmethod
    def resolve_unit(obj: Project) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: Project) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_stage(obj: Project) -> str | None:
        return obj.stage.code if obj.stage else None


class ReportIn(Schema):
    year: Year
    month: int
    invest_month: Decimal
    progress: str = ""
    issues: str = ""


class ReportOut(Schema):
    id: int
    year: int
    month: int
    invest_month: Decimal
    invest_ytd: Decimal
    status: str


class WarningOut(Schema):
    project_id: Id
    code: str
    level: str
    reasons: list[dict]


class ProjectFigureOut(Schema):
    unit: str
    indicator: str
    value: float | None
    period: str


@router.get("/", operation_id="projects_project_list", summary="重大项目列表 / List major projects", response=list[ProjectOut])
def list_projects(request, unit: str = "", warning: str = "", year: Year | None = None,
                  limit: Annotated[int, Field(ge=1, le=1000)] = 100, offset: Offset = 0):
    api_require(request, "projects.list")
    qs = visible_projects(request.user).select_related("unit", "stage").order_by("code")
    if unit:
        qs = qs.filter(unit__code=unit)
    if warning:
        qs = qs.filter(warning_level=warning)
    if year:
        qs = qs.filter(year=year)
    return list(qs[offset : offset + limit])


@router.get("/warnings", operation_id="projects_warning_list", summary="项目预警 / Project warnings of a day", response=list[WarningOut])
def warnings(request, date: dt.date | None = None, level: str = ""):
    api_require(request, "projects.warning_board")
    day = date or ProjectWarning.objects.aggregate(d=Max("date"))["d"]
    qs = ProjectWarning.objects.visible_to(request.user).filter(date=day, project__is_active=True).select_related("project")
    qs = qs.filter(level=level) if level else qs.exclude(level="green")
    return [
        {"project_id": w.project_id, "code": w.project.code, "level": w.level, "reasons": w.reasons}
        for w in qs.order_by("project__code")
    ]


@router.get("/figures", operation_id="projects_figure_list", summary="各单位项目指标 / Project figures per unit for a month", response=list[ProjectFigureOut])
def figures(request, year: Year, month: int):
    api_require(request, "projects.warning_board")
    if not 1 <= month <= 12:
        raise HttpError(422, "month must be 1–12")
    person = person_of(request.user)
    city = None
    if person is not None:
        city = person.unit if person.unit.parent_id is None else person.unit.parent
    else:
        city = OrgUnit.objects.filter(parent__isnull=True).first()
    return unit_figures(year, month, city=city).to_dicts()


@router.get("/export.xlsx", operation_id="projects_project_export", summary="导出项目表 / Export projects (.xlsx)")
def export(request):
    api_require(request, "projects.list")
    data = excel.export_projects(visible_projects(request.user).order_by("code"))
    return HttpResponse(data, content_type=XLSX)


def _import(request, func, upload: UploadedFile):
    allowed = None if request.user.is_superuser else scope_unit_ids(person_of(request.user))
    try:
        return func(upload.read(), user=request.user, allowed_unit_ids=allowed, filename=upload.name or "")
    except excel.ImportFailed as exc:
        raise HttpError(
            422, "; ".join(str(e) for e in exc.errors)
        ) from exc


@router.post("/import", operation_id="projects_project_import", summary="导入项目 / Import projects (.xlsx)")
def import_projects(request, file: UploadedFile = File(...)):  # noqa: B008 — ninja declares parameters this way
    api_require(request, "projects.manage", import_root(request.user))
    return _import(request, excel.import_projects, file)


@router.post("/reports/import", operation_id="projects_report_import", summary="导入月报 / Import monthly reports (.xlsx)")
def import_reports(request, file: UploadedFile = File(...)):  # noqa: B008 — ninja declares parameters this way
    api_require(request, "projects.report", import_root(request.user))
    return _import(request, excel.import_reports, file)


@router.get("/{project_id}", operation_id="projects_project_get", summary="项目详情 / A project", response=ProjectOut)
def get_project(request, project_id: Id):
    project = get_visible_or_404(request.user, Project.objects.select_related("unit", "stage"), pk=project_id)
    api_require(request, "projects.view", project)
    return project


@router.get("/{project_id}/letter.docx", operation_id="projects_letter_download",
            summary="生成督办函 / The supervision letter (督办函) of a warned project (.docx, GB/T 9704)",
            openapi_extra={"responses": {"200": {"description": "the .docx (Content-Disposition: attachment)", "content": {
                DOCX_TYPE: {"schema": {"type": "string", "format": "binary"}}}}}})
def supervision_letter(request, project_id: Id):
    """As the project page's 生成督办函: for the office and leaders (projects.letter), dated today,
    its 发文字号 left for the register to assign."""
    project = get_visible_or_404(request.user, Project.objects.select_related("unit"), pk=project_id)
    api_require(request, "projects.letter", project)
    return attachment(letters.supervision_letter(project, today=today()), f"督办函-{project.code}.docx", DOCX_TYPE)


@router.post("/{project_id}/reports", operation_id="projects_report_submit", summary="报送项目月报 / Submit a project's monthly report", response={201: ReportOut})
def submit_report(request, project_id: Id, payload: ReportIn):
    project = get_visible_or_404(request.user, Project, pk=project_id)
    api_require(request, "projects.report", project)
    try:
        report = services.submit_report(
            project,
            payload.year,
            payload.month,
            payload.invest_month,
            progress=payload.progress,
            issues=payload.issues,
            user=request.user,
        )
    except services.ProjectError as exc:
        raise HttpError(422, str(exc)) from exc
    return 201, report


# ---- reports and problems ---------------------------------------------------------------------


class ReportDetailOut(ReportOut):
    progress: str
    issues: str
    submitted_at: dt.datetime
    confirmed_at: dt.datetime | None


@router.get("/{project_id}/reports", response=list[ReportDetailOut], operation_id="projects_report_list",
            summary="项目月报 / A project's monthly reports, newest first")
def list_reports(request, project_id: Id):
    project = get_visible_or_404(request.user, Project, pk=project_id)
    api_require(request, "projects.view", project)
    return list(project.reports.order_by("-year", "-month"))


class ConfirmIn(Schema):
    accept: bool = Field(default=True, description="false: return it (退回)")
    reason: str = Field(default="", max_length=2000)


@router.post("/reports/{report_id}/confirm", response=ReportDetailOut, operation_id="projects_report_confirm",
             summary="确认或退回月报 / Confirm (or return) a monthly report")
def confirm_report(request, report_id: Id, body: ConfirmIn):
    report = get_visible_or_404(request.user, MonthlyReport.objects.select_related("project"), pk=report_id)
    api_require(request, "projects.confirm_report", report)
    if report.status != ReportStatus.SUBMITTED:
        raise HttpError(422, "该进展不在待确认状态")
    return services.confirm_report(report, user=request.user, accept=body.accept, reason=body.reason)


class ProblemOut(Schema):
    id: int
    project_id: int
    title: str
    description: str
    assigned_unit: str
    status: str
    status_label: str
    raised_at: dt.datetime
    due_at: dt.datetime
    resolution: str
    resolved_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    paused: bool

    @staticmethod
    def resolve_assigned_unit(obj: Problem) -> str:
        return obj.assigned_unit.code

    @staticmethod
    def resolve_status_label(obj: Problem) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_paused(obj: Problem) -> bool:
        return services.problem_clock(obj).paused


@router.get("/{project_id}/problems", response=list[ProblemOut], operation_id="projects_problem_list",
            summary="项目问题 / A project's problems")
def list_problems(request, project_id: Id):
    project = get_visible_or_404(request.user, Project, pk=project_id)
    api_require(request, "projects.view", project)
    return list(project.problems.select_related("assigned_unit").order_by("-raised_at", "-id"))


class ProblemIn(Schema):
    title: str = Field(max_length=200, description="问题")
    description: str = Field(default="", max_length=5000)


@router.post("/{project_id}/problems", response={201: ProblemOut}, operation_id="projects_problem_raise",
             summary="提出问题 / Raise a problem on a project (事不过夜)")
def raise_problem(request, project_id: Id, body: ProblemIn):
    project = get_visible_or_404(request.user, Project, pk=project_id)
    api_require(request, "projects.raise_problem", project)
    try:
        return 201, services.raise_problem(project, body.title, description=body.description, user=request.user)
    except services.ProjectError as exc:
        raise HttpError(422, str(exc)) from None


def _problem(request, problem_id: int, rule: str) -> Problem:
    problem = get_visible_or_404(request.user, Problem.objects.select_related("project", "assigned_unit"), pk=problem_id)
    api_require(request, rule, problem)
    return problem


def _done(do) -> Problem:
    try:
        problem = do()
    except services.ProjectError as exc:
        raise HttpError(422, str(exc)) from None
    return Problem.objects.select_related("assigned_unit").get(pk=problem.pk)


class ResolveIn(Schema):
    resolution: str = Field(max_length=5000, description="办理结果")


@router.post("/problems/{problem_id}/resolve", response=ProblemOut, operation_id="projects_problem_resolve",
             summary="办结问题 / Report a problem resolved (the raiser confirms)")
def resolve_problem(request, problem_id: Id, body: ResolveIn):
    problem = _problem(request, problem_id, "projects.resolve_problem")
    return _done(lambda: services.resolve_problem(problem, body.resolution, user=request.user))


@router.post("/problems/{problem_id}/confirm", response=ProblemOut, operation_id="projects_problem_confirm",
             summary="销号或退回重办 / Close a resolved problem (or send it back)")
def confirm_problem(request, problem_id: Id, body: ConfirmIn):
    problem = _problem(request, problem_id, "projects.confirm_problem")
    return _done(lambda: services.confirm_problem(problem, user=request.user, accept=body.accept, reason=body.reason))


class ProblemPauseIn(Schema):
    reason: str = Field(max_length=2000, description="why the clock stops (上级审批、企业补充材料)")


@router.post("/problems/{problem_id}/pause", response=ProblemOut, operation_id="projects_problem_pause",
             summary="暂停计时 / Pause a problem's clock with a reason")
def pause_problem(request, problem_id: Id, body: ProblemPauseIn):
    problem = _problem(request, problem_id, "projects.confirm_problem")
    return _done(lambda: services.pause_problem(problem, body.reason, user=request.user))


@router.post("/problems/{problem_id}/resume", response=ProblemOut, operation_id="projects_problem_resume",
             summary="恢复计时 / Resume a paused problem's clock")
def resume_problem(request, problem_id: Id):
    problem = _problem(request, problem_id, "projects.confirm_problem")
    return _done(lambda: services.resume_problem(problem, user=request.user))
