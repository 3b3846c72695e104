"""Pages of major projects: list, kanban, portfolio, warning board, project page and its actions.

Views stay thin: permission via ``require``/``check``, changes via ``services``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.audit.services import changes_under
from kaohe.lib.exports import DOCX_TYPE as DOCX
from kaohe.lib.exports import XLSX_TYPE as XLSX
from kaohe.lib.exports import attachment
from kaohe.lib.numbers import rounded_float
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import (
    check,
    person_of,
    require,
    scope_root,
    scope_unit_ids,
    subtree_ids,
)
from kaohe.orgs.scope import get_visible_or_404
from kaohe.projects import config, excel, figures, letters, services, tables
from kaohe.projects.data import ASSESSED_KINDS, project_frame, unit_figures
from kaohe.projects.figures import INDICATORS
from kaohe.projects.models import (
    ActionItem,
    MonthlyReport,
    Problem,
    ProblemStatus,
    Project,
    ProjectLevel,
    ProjectWarning,
    ReportStatus,
    SavedView,
    Stage,
    StageRole,
    WarningLevel,
)
from kaohe.projects.templatetags.projects_tags import stage_name

SIZE_BANDS = {
    "1e10": (1_000_000, None, gettext_noop("100亿元以上")),
    "5e9": (500_000, 1_000_000, gettext_noop("50–100亿元")),
    "1e9": (100_000, 500_000, gettext_noop("10–50亿元")),
    "1e8": (10_000, 100_000, gettext_noop("1–10亿元")),
    "lt1e8": (None, 10_000, gettext_noop("1亿元以下")),
}
# the names of kaohe.projects.figures.INDICATORS (that module stays free of Django)
INDICATOR_NAMES = [
    gettext_noop("重大项目数"), gettext_noop("亿元以上项目数"), gettext_noop("10亿元以上项目数"),
    gettext_noop("50亿元以上项目数"), gettext_noop("100亿元以上项目数"), gettext_noop("开工率"),
    gettext_noop("新开工率"), gettext_noop("开复工率"), gettext_noop("年度累计完成投资（万元）"),
    gettext_noop("年度计划投资（万元）"), gettext_noop("年度投资完成率"), gettext_noop("序时进度完成率"),
    gettext_noop("竣工率"), gettext_noop("列统率"), gettext_noop("问题按时办结率"),
]
PAGE_SIZE = 50


#: 预警 are recomputed every day (kaohe.projects.tasks); one older than this says so on the project page.
WARNING_STALE_DAYS = 7


def today() -> dt.date:
    return timezone.localdate()


def visible_projects(user):
    """Active projects in the user's scope (superusers: all)."""
    return Project.objects.visible_to(user).filter(is_active=True)


def import_root(user) -> OrgUnit | None:
    """The unit an import happens under: the importer's scope root (rows are checked against the scope)."""
    return scope_root(person_of(user)) if not user.is_superuser else OrgUnit.objects.filter(parent__isnull=True).first()


class CountedPaginator(Paginator):
    """A paginator told its count (already known from a grouped query: one query less)."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def id_page(ids, count: int, number, fetch):
    """Paginate a narrow, ordered id query, then fetch only the page's wide rows.

    Sorting 10,000 narrow rows is cheap; sorting them with their JSON reasons is not."""
    page = CountedPaginator(ids, PAGE_SIZE, count).get_page(number)
    wanted = list(page.object_list)
    found = fetch(wanted)
    page.object_list = [found[pk] for pk in wanted if pk in found]
    return page


def visible_units(user):
    qs = OrgUnit.objects.filter(is_active=True)
    if not user.is_superuser:
        qs = qs.filter(pk__in=scope_unit_ids(person_of(user)))
    return qs.order_by("sort_order", "code")


def _filtered(request, qs):
    """Apply the list filters of the query string; returns (queryset, active filters)."""
    g = request.GET
    f = {k: g.get(k, "").strip() for k in ("unit", "stage", "level", "size", "warning", "q", "year")}
    if f["unit"]:
        unit = OrgUnit.objects.filter(code=f["unit"]).first()
        if unit is not None:
            qs = qs.filter(unit_id__in=subtree_ids(unit))
    if f["stage"]:
        qs = qs.filter(stage__code=f["stage"]) if f["stage"] != "none" else qs.filter(stage__isnull=True)
    if f["level"] in ProjectLevel.values:
        qs = qs.filter(level=f["level"])
    if f["size"] in SIZE_BANDS:
        low, high, _label = SIZE_BANDS[f["size"]]
        if low is not None:
            qs = qs.filter(total_investment__gte=low)
        if high is not None:
            qs = qs.filter(total_investment__lt=high)
    if f["warning"] in WarningLevel.values:
        qs = qs.filter(warning_level=f["warning"])
    if f["q"]:
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(code__icontains=f["q"]) | Q(owner_enterprise__icontains=f["q"]))
    if f["year"].isdigit():
        qs = qs.filter(year=int(f["year"]))
    return qs, f


def _querystring(f: dict) -> str:
    return urlencode({k: v for k, v in f.items() if v})


def _stages():
    """The default stage set's stages in one query (created on first use)."""
    stages = list(Stage.objects.filter(stage_set__is_default=True, stage_set__city__isnull=True))
    return stages or list(Stage.objects.filter(stage_set=services.default_stage_set()))


@login_required
def project_list(request):
    require(request.user, "projects.list")
    qs, f = _filtered(request, visible_projects(request.user))
    counts = dict(qs.order_by().values_list("warning_level").annotate(n=Count("pk")))
    page = id_page(
        qs.order_by("warning_rank", "code").values_list("pk", flat=True),
        sum(counts.values()),
        request.GET.get("page"),
        lambda ids: Project.objects.select_related("unit", "stage").in_bulk(ids),
    )
    qs_no_page = _querystring(f)
    return render(
        request,
        "projects/list.html",
        {
            "nav_active": "projects",
            "page": page,
            "rows": tables.project_rows(page),
            "filters": f,
            "querystring": qs_no_page,
            "counts": {lvl: counts.get(lvl, 0) for lvl in ("red", "yellow", "green")},
            "total": page.paginator.count,
            "units": visible_units(request.user).filter(kind__in=ASSESSED_KINDS),
            "stages": _stages(),
            "levels": ProjectLevel.choices,
            "sizes": [(k, v[2]) for k, v in SIZE_BANDS.items()],
            "warnings": WarningLevel.choices,
            "saved_views": SavedView.objects.filter(user=request.user),
            "can_manage": check(request.user, "projects.manage", import_root(request.user)),
            "can_report": check(request.user, "projects.report", import_root(request.user)),
            "can_board": check(request.user, "projects.warning_board"),
        },
    )


@login_required
@require_POST
def save_view(request):
    require(request.user, "projects.list")
    name = request.POST.get("name", "").strip()[:50]
    querystring = request.POST.get("querystring", "").strip()[:500]
    if not name:
        messages.error(request, _("请填写筛选名称"))
    else:
        SavedView.objects.update_or_create(user=request.user, name=name, defaults={"querystring": querystring})
        messages.success(request, _("已保存筛选“%(name)s”") % {"name": name})
    return redirect(f"{_url('projects:list')}?{querystring}")


@login_required
@require_POST
def delete_view(request, pk: int):
    view = get_object_or_404(SavedView, pk=pk, user=request.user)
    view.delete()
    return redirect("projects:list")


def _url(name: str, *args) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


def _completion(qs) -> dict:
    """This year's 竣工 of the projects shown, by the rule 竣工率 uses (kaohe.projects.figures.completion):
    completed by today of those planned to complete by today."""
    today = timezone.localdate()
    done, due = figures.completion(project_frame(qs.filter(year=today.year)), today.year, today)
    return {"done": done, "due": due, "rate": done / due * 100 if due else None}


@login_required
def kanban(request):
    """阶段看板: one column per stage (and one for not yet signed)."""
    require(request.user, "projects.list")
    qs, f = _filtered(request, visible_projects(request.user))
    stages = list(_stages())
    columns = [{"stage": None, "name": _("未开始"), "code": "none"}] + [
        {"stage": s, "name": stage_name(s), "code": s.code} for s in stages
    ]
    per_stage = dict(qs.values_list("stage__code").annotate(n=Count("pk")))
    for col in columns:
        key = col["code"] if col["stage"] else None
        col["count"] = per_stage.get(key, 0)
        items = qs.filter(stage__code=col["code"]) if col["stage"] else qs.filter(stage__isnull=True)
        col["projects"] = list(items.select_related("unit").order_by("warning_rank", "code")[:30])
        if col["stage"] is not None and col["stage"].role == StageRole.COMPLETED:
            col["completion"] = _completion(qs)
    return render(
        request,
        "projects/kanban.html",
        {
            "nav_active": "projects",
            "columns": columns,
            "filters": f,
            "units": visible_units(request.user).filter(kind__in=ASSESSED_KINDS),
        },
    )


@login_required
def portfolio(request, code: str):
    """单位项目库: a unit's projects, levels, stages and figures."""
    unit = get_visible_or_404(request.user, OrgUnit, code=code)
    require(request.user, "orgs.view_unit", unit)
    qs = visible_projects(request.user).filter(unit_id__in=subtree_ids(unit))
    day = today()
    year = int(request.GET.get("year") or day.year)
    month = int(request.GET.get("month") or (day.month - 1 if day.month > 1 else 12))
    if day.month == 1 and "year" not in request.GET:
        year -= 1
    city = unit.parent if unit.parent_id else unit
    figures = unit_figures(year, month, city=city)
    mine = [
        {"code": i, "name": INDICATORS[i][0], "value": v,
         # every figure with its unit: rates in %, counts in 个 (amounts name theirs: （万元）)
         "unit": "%" if INDICATORS[i][0].endswith("率") else ("个" if INDICATORS[i][0].endswith("数") else "")}
        for u, i, v, _p in figures.iter_rows()
        if u == unit.code
    ]
    levels = dict(qs.filter(year=year).values_list("warning_level").annotate(n=Count("pk")))
    stages = Counter(qs.filter(year=year).values_list("stage__name", flat=True))
    return render(
        request,
        "projects/portfolio.html",
        {
            "nav_active": "projects",
            "unit": unit,
            "year": year,
            "month": month,
            "figures": mine,
            "levels": {lvl: levels.get(lvl, 0) for lvl in ("red", "yellow", "green")},
            "stages": [(name or _("未开始"), n) for name, n in sorted(stages.items(), key=lambda kv: str(kv[0]))],
            "projects": qs.filter(year=year).select_related("stage").order_by("warning_rank", "code")[:200],
            "totals": qs.filter(year=year).aggregate(total=Sum("total_investment"), plan=Sum("year_plan")),
        },
    )


@login_required
def warning_board(request):
    """红黄绿灯: the latest daily warnings with reasons, by unit, and the action list."""
    require(request.user, "projects.warning_board")
    projects = visible_projects(request.user)
    latest = ProjectWarning.objects.aggregate(d=Max("date"))["d"]
    by_unit = list(
        projects.values("unit__code", "unit__name")
        .annotate(
            red=Count("pk", filter=Q(warning_level="red")),
            yellow=Count("pk", filter=Q(warning_level="yellow")),
            green=Count("pk", filter=Q(warning_level="green")),
        )
        .order_by("-red", "-yellow", "unit__code")
    )
    level = request.GET.get("level") if request.GET.get("level") in ("red", "yellow") else None
    levels = [level] if level else ["red", "yellow"]
    # Project.warning_level mirrors the latest run: page over projects (red first, by code, along
    # an index), then fetch those projects' warnings of that day with their reasons.
    warned_ids = projects.filter(warning_level__in=levels).order_by("warning_rank", "code").values_list("pk", flat=True)

    def fetch(ids):
        rows = ProjectWarning.objects.filter(date=latest, project_id__in=ids).select_related("project", "project__unit")
        return {w.project_id: w for w in rows}

    page = id_page(warned_ids, sum(u[lvl] for u in by_unit for lvl in levels), request.GET.get("page"), fetch)
    actions = (
        ActionItem.objects.visible_to(request.user).filter(
            project__is_active=True,
            date=latest,
            done_at__isnull=True,
            target__in=["leader", "city_leader"],
        )
        .select_related("project")
        .order_by("due_on", "id")[:30]
    )
    return render(
        request,
        "projects/board.html",
        {
            "nav_active": "projects",
            "latest": latest,
            "unit_rows": tables.unit_rows(by_unit),
            "page": page,
            "rows": tables.warning_rows(page, english=request.LANGUAGE_CODE.startswith("en")),
            "level": level,
            "action_rows": tables.action_rows(actions),
        },
    )


# ---- the project page --------------------------------------------------------------------


class ReportForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=gettext_lazy("月份"), min_value=1, max_value=12)
    invest_month = forms.DecimalField(label=gettext_lazy("当月完成投资（万元）"), min_value=0, max_digits=14, decimal_places=2)
    progress = forms.CharField(label=gettext_lazy("形象进度"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    issues = forms.CharField(label=gettext_lazy("存在问题"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ProblemForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("问题"), max_length=200)
    description = forms.CharField(label=gettext_lazy("问题描述"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


def _schedule_chart(project: Project, reports: list[MonthlyReport]) -> dict:
    """ECharts option: cumulative investment this year against the time schedule."""
    months = [f"{m}月" for m in range(1, 13)]
    ytd: list[float | None] = [None] * 12
    for r in reports:
        if r.year == project.year:
            ytd[r.month - 1] = float(r.invest_ytd)
    last = 0.0
    for i, v in enumerate(ytd):  # carry forward reported months only up to the latest one
        if v is None and any(x is not None for x in ytd[i:]):
            ytd[i] = last
        elif v is not None:
            last = v
    plan = float(project.year_plan)
    schedule = [rounded_float(plan * m / 12, 2) for m in range(1, 13)]
    return {
        "tooltip": {"trigger": "axis", "valueFormatter": {"__fmt": "wanyuan"}},
        "legend": {"data": [_("累计完成投资"), _("序时进度")]},
        "grid": {"left": 70, "right": 20, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": months},
        "yAxis": {"type": "value", "name": _("万元")},
        "series": [
            {"name": _("累计完成投资"), "type": "line", "data": ytd, "smooth": False, "symbolSize": 7},
            {"name": _("序时进度"), "type": "line", "data": schedule, "lineStyle": {"type": "dashed"}, "symbol": "none"},
        ],
    }


def _history(project: Project):
    """The project's change log: the project, its reports, problems and milestones (one query)."""
    return changes_under(project).order_by("-at", "-id")[:50]


@login_required
def project_detail(request, pk: int):
    project = get_visible_or_404(request.user, Project.objects.select_related("unit", "stage", "stage_set"), pk=pk)
    require(request.user, "projects.view", project)
    reports = list(project.reports.order_by("-year", "-month"))
    milestones = {m.stage_id: m for m in project.milestones.all()}
    day = today()
    timeline = []
    for stage in project.stage_set.stages.all():
        m = milestones.get(stage.pk)
        planned, actual = (m.planned_on, m.actual_on) if m else (None, None)
        late = None
        if planned and (actual or day) > planned:
            late = ((actual or day) - planned).days
        timeline.append({"stage": stage, "planned": planned, "actual": actual, "late_days": late})
    warning = project.warnings.order_by("-date").first()
    approvals = list(project.approvals.select_related("stage"))
    for a in approvals:
        a.overdue = a.is_overdue(day)
    problems = list(project.problems.select_related("assigned_unit", "raised_by"))
    clocks = services.problem_clocks(problems)
    for p in problems:
        p.can_resolve = p.status == ProblemStatus.OPEN and check(request.user, "projects.resolve_problem", p)
        p.can_confirm = p.status == ProblemStatus.RESOLVED and check(request.user, "projects.confirm_problem", p)
        p.clock = clocks[p.pk]
        p.can_pause = p.status == ProblemStatus.OPEN and check(request.user, "projects.confirm_problem", p)
    actions = list(project.actions.filter(date=warning.date)) if warning else []
    for a in actions:
        a.late_days = a.overdue_days(day)
    last_month = day.month - 1 or 12
    return render(
        request,
        "projects/detail.html",
        {
            "nav_active": "projects",
            "project": project,
            "timeline": timeline,
            "approvals": approvals,
            "reports": reports,
            "problems": problems,
            "warning": warning,
            "actions": actions,
            "warning_age": (day - warning.date).days if warning else None,
            "warning_stale_days": WARNING_STALE_DAYS,
            "chart": _schedule_chart(project, reports),
            "history": _history(project) if check(request.user, "projects.letter", project) else None,
            "report_form": ReportForm(initial={"year": day.year if last_month != 12 else day.year - 1, "month": last_month}),
            "problem_form": ProblemForm(),
            "problem_limit": config.problem_time_limit().describe(work_calendar()),
            "can_report": check(request.user, "projects.report", project),
            "can_confirm": check(request.user, "projects.manage", project),
            "can_letter": check(request.user, "projects.letter", project),
            "today": day,
            "lang_en": request.LANGUAGE_CODE.startswith("en"),
        },
    )


@login_required
@require_POST
def submit_report(request, pk: int):
    project = get_visible_or_404(request.user, Project, pk=pk)
    require(request.user, "projects.report", project)
    form = ReportForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.submit_report(
                project, d["year"], d["month"], d["invest_month"], progress=d["progress"], issues=d["issues"], user=request.user
            )
            messages.success(request, _("已报送%(year)d年%(month)d月进展") % {"year": d["year"], "month": d["month"]})
        except services.ProjectError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "; ".join(f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items()))
    return redirect("projects:detail", pk=pk)


@login_required
@require_POST
def confirm_report(request, pk: int):
    report = get_visible_or_404(request.user, MonthlyReport.objects.select_related("project"), pk=pk)
    require(request.user, "projects.confirm_report", report)
    accept = request.POST.get("action") != "return"
    if report.status != ReportStatus.SUBMITTED:
        messages.error(request, _("该进展不在待确认状态"))
    else:
        services.confirm_report(report, user=request.user, accept=accept, reason=request.POST.get("reason", ""))
        messages.success(request, _("已确认") if accept else _("已退回"))
    return redirect("projects:detail", pk=report.project_id)


@login_required
@require_POST
def raise_problem(request, pk: int):
    project = get_visible_or_404(request.user, Project, pk=pk)
    require(request.user, "projects.raise_problem", project)
    form = ProblemForm(request.POST)
    if form.is_valid():
        services.raise_problem(
            project, form.cleaned_data["title"], description=form.cleaned_data["description"], user=request.user
        )
        messages.success(request, _("问题已提出，办理时限：%(limit)s") % {
            "limit": config.problem_time_limit().describe(work_calendar())})
    else:
        messages.error(request, _("请填写问题"))
    return redirect("projects:detail", pk=pk)


@login_required
@require_POST
def resolve_problem(request, pk: int):
    problem = get_visible_or_404(request.user, Problem.objects.select_related("project"), pk=pk)
    require(request.user, "projects.resolve_problem", problem)
    try:
        services.resolve_problem(problem, request.POST.get("resolution", ""), user=request.user)
        messages.success(request, _("已办结，待提出人确认"))
    except services.ProjectError as exc:
        messages.error(request, str(exc))
    return redirect("projects:detail", pk=problem.project_id)


@login_required
@require_POST
def confirm_problem(request, pk: int):
    problem = get_visible_or_404(request.user, Problem.objects.select_related("project"), pk=pk)
    require(request.user, "projects.confirm_problem", problem)
    accept = request.POST.get("action") != "return"
    try:
        services.confirm_problem(problem, user=request.user, accept=accept, reason=request.POST.get("reason", ""))
        messages.success(request, _("已销号") if accept else _("已退回重办"))
    except services.ProjectError as exc:
        messages.error(request, str(exc))
    return redirect("projects:detail", pk=problem.project_id)


@login_required
@require_POST
def pause_problem(request, pk: int):
    """暂停/恢复计时 (waiting on someone else): by the raiser or the office, not the unit on the clock."""
    problem = get_visible_or_404(request.user, Problem.objects.select_related("project"), pk=pk)
    require(request.user, "projects.confirm_problem", problem)
    try:
        if request.POST.get("action") == "resume":
            services.resume_problem(problem, user=request.user)
            messages.success(request, _("已恢复计时"))
        else:
            services.pause_problem(problem, request.POST.get("reason", ""), user=request.user)
            messages.success(request, _("已暂停计时"))
    except services.ProjectError as exc:
        messages.error(request, str(exc))
    return redirect("projects:detail", pk=problem.project_id)


# ---- files -------------------------------------------------------------------------------



@login_required
def supervision_letter(request, pk: int):
    project = get_visible_or_404(request.user, Project.objects.select_related("unit"), pk=pk)
    require(request.user, "projects.letter", project)
    data = letters.supervision_letter(project, today=today())
    return attachment(data, f"督办函-{project.code}.docx", DOCX)


@login_required
def export_projects(request):
    require(request.user, "projects.list")
    qs, _f = _filtered(request, visible_projects(request.user))
    return attachment(excel.export_projects(qs.order_by("code")), "重大项目清单.xlsx", XLSX)


@login_required
def export_reports(request):
    require(request.user, "projects.list")
    qs, _f = _filtered(request, visible_projects(request.user))
    reports = MonthlyReport.objects.visible_to(request.user).filter(project__in=qs).order_by("project__code", "year", "month")
    year = request.GET.get("report_year", "")
    if year.isdigit():
        reports = reports.filter(year=int(year))
    return attachment(excel.export_reports(reports), "重大项目月度进展.xlsx", XLSX)


@login_required
def import_file(request, kind: str):
    """Upload the project list (office) or monthly reports (office or the owner units)."""
    if kind not in ("projects", "reports"):
        raise Http404(kind)
    root = import_root(request.user)
    require(request.user, "projects.manage" if kind == "projects" else "projects.report", root)
    errors: list = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("请选择文件")]
        else:
            allowed = None if request.user.is_superuser else scope_unit_ids(person_of(request.user))
            func = excel.import_projects if kind == "projects" else excel.import_reports
            try:
                result = func(upload.read(), user=request.user, allowed_unit_ids=allowed, filename=upload.name or "")
            except excel.ImportFailed as exc:
                errors = exc.texts(get_language())
            else:
                if kind == "projects":
                    done = _("导入成功：新建 %(c)s 个项目，更新 %(u)s 个项目") % {"c": result["created"], "u": result["updated"]}
                else:
                    done = _("导入成功：报送 %(n)s 条月度进展") % {"n": result["reports"]}
                messages.success(request, done)
                return redirect("projects:list")
    return render(
        request,
        "projects/import.html",
        {"nav_active": "projects", "kind": kind, "errors": errors},
        status=400 if errors else 200,
    )
