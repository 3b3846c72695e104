"""Business rules of major projects: lifecycle, monthly reports, problems, daily warnings.

Every change goes through the audit writer; views and the API only call these functions.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.lib.changes import snapshot
from kaohe.lib.deadlines import Clock, ClockEvent, EventKind
from kaohe.notifications.models import NotificationKind
from kaohe.notifications.services import notify, people
from kaohe.orgs import deadlines
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import OrgUnit, Person, Role
from kaohe.projects import config
from kaohe.projects import warnings as rules_mod
from kaohe.projects.models import (
    WARNING_RANK,
    ActionItem,
    Milestone,
    MonthlyReport,
    Problem,
    ProblemStatus,
    Project,
    ProjectWarning,
    ReportStatus,
    Stage,
    StageRole,
    StageSet,
)

DEFAULT_STAGES = [
    ("signed", "签约", "Signed", StageRole.SIGNED),
    ("landed", "落地（拿地）", "Land acquired", StageRole.LANDED),
    ("started", "开工", "Construction started", StageRole.STARTED),
    ("completed", "竣工", "Completed", StageRole.COMPLETED),
    ("in_stats", "列统（入库）", "In statistics", StageRole.IN_STATS),
    ("operating", "投产达效", "In operation", StageRole.OPERATING),
]


class ProjectError(ValueError):
    """A business rule refused the change; the message is for the user."""


# ---- stages ------------------------------------------------------------------------------


def default_stage_set(city=None) -> StageSet:
    """The city's default stage set, created with the six standard stages if missing."""
    stage_set = StageSet.objects.filter(is_default=True, city=city).first()
    if stage_set is None and city is not None:
        stage_set = StageSet.objects.filter(is_default=True, city=None).first()
    if stage_set is not None:
        return stage_set
    stage_set = StageSet.objects.create(code="default", name="签约→落地→开工→竣工→列统→投产达效", is_default=True)
    Stage.objects.bulk_create(
        Stage(stage_set=stage_set, code=code, name=name, name_en=en, order=i + 1, role=role)
        for i, (code, name, en, role) in enumerate(DEFAULT_STAGES)
    )
    return stage_set


_DENORM = {
    StageRole.STARTED: ("planned_start", "actual_start"),
    StageRole.COMPLETED: ("planned_completion", "actual_completion"),
    StageRole.IN_STATS: (None, "actual_stats"),
}


def refresh_stage_fields(project: Project) -> None:
    """Recompute the current stage and the denormalised milestone dates from milestones.

    The current stage is the last one reached in the stage set's order before a stage still
    planned: a project whose 竣工 is planned but not reached stays 开工 even when it already
    has a 列统 date (it has not passed 竣工; the kanban would otherwise show it beyond)."""
    milestones = list(project.milestones.select_related("stage"))
    for planned_field, actual_field in _DENORM.values():
        if planned_field:
            setattr(project, planned_field, None)
        setattr(project, actual_field, None)
    current = None
    blocked = False
    for m in sorted(milestones, key=lambda m: m.stage.order):
        fields = _DENORM.get(m.stage.role)
        if fields:
            if fields[0]:
                setattr(project, fields[0], m.planned_on)
            setattr(project, fields[1], m.actual_on)
        if m.actual_on and not blocked:
            current = m.stage
        elif not m.actual_on and m.planned_on:
            blocked = True
    project.stage = current


def set_milestone(
    project: Project, stage: Stage, *, planned_on: dt.date | None = None, actual_on: dt.date | None = None, user=None
) -> Milestone:
    """Set a stage's planned and/or actual date (None leaves a date unchanged)."""
    if stage.stage_set_id != project.stage_set_id:
        raise ProjectError(f"阶段“{stage.name}”不属于该项目的阶段设置")
    with transaction.atomic():
        milestone, _ = Milestone.objects.get_or_create(project=project, stage=stage)
        before = snapshot(milestone)
        if planned_on is not None:
            milestone.planned_on = planned_on
        if actual_on is not None:
            milestone.actual_on = actual_on
        milestone.save()
        refresh_stage_fields(project)
        project.save()
        record(AuditAction.UPDATE, milestone, before=before, after=snapshot(milestone), user=user, parent=project,
               unit=project.unit_id)
    return milestone


def create_project(data: dict[str, Any], *, milestones: dict[str, tuple] | None = None, user=None) -> Project:
    """Create a project; ``milestones`` maps stage code → (planned_on, actual_on)."""
    with transaction.atomic():
        data = dict(data)
        data.setdefault("stage_set", default_stage_set())
        project = Project.objects.create(**data)
        if milestones:
            stages = {s.code: s for s in project.stage_set.stages.all()}
            Milestone.objects.bulk_create(
                Milestone(project=project, stage=stages[code], planned_on=p, actual_on=a)
                for code, (p, a) in milestones.items()
            )
            refresh_stage_fields(project)
            project.save()
        record(AuditAction.CREATE, project, after=snapshot(project), user=user)
    return project


def update_project(project: Project, changes: dict[str, Any], *, user=None, reason: str = "") -> Project:
    before = snapshot(project)
    for key, value in changes.items():
        setattr(project, key, value)
    project.save()
    record(AuditAction.UPDATE, project, before=before, after=snapshot(project), user=user, reason=reason)
    return project


# ---- monthly reports ---------------------------------------------------------------------


def submit_report(
    project: Project,
    year: int,
    month: int,
    invest_month: Decimal | float | int,
    *,
    progress: str = "",
    issues: str = "",
    user=None,
) -> MonthlyReport:
    """月度报送: record this month's investment; the year-to-date total is derived.

    A confirmed month cannot be re-submitted; a submitted or returned one is replaced.
    """
    if not 1 <= month <= 12:
        raise ProjectError("月份应在1–12之间")
    invest_month = Decimal(str(invest_month))
    if invest_month < 0:
        raise ProjectError("当月完成投资不能为负数")
    with transaction.atomic():
        earlier = (
            MonthlyReport.objects.filter(project=project, year=year, month__lt=month).aggregate(s=Sum("invest_month"))["s"]
            or Decimal(0)
        )
        report = MonthlyReport.objects.filter(project=project, year=year, month=month).first()
        before = snapshot(report) if report else None
        if report and report.status == ReportStatus.CONFIRMED:
            raise ProjectError(f"{year}年{month}月进展已确认，不能重复报送")
        if report is None:
            report = MonthlyReport(project=project, year=year, month=month)
        report.invest_month = invest_month
        report.invest_ytd = earlier + invest_month
        report.progress = progress
        report.issues = issues
        report.status = ReportStatus.SUBMITTED
        report.submitted_by = user
        report.confirmed_by = None
        report.confirmed_at = None
        report.save()
        # later months carry the year-to-date total forward
        running = report.invest_ytd
        for later in MonthlyReport.objects.filter(project=project, year=year, month__gt=month).order_by("month"):
            running += later.invest_month
            if later.invest_ytd != running:
                later.invest_ytd = running
                later.save(update_fields=["invest_ytd"])
        record(
            AuditAction.SUBMIT if before is None else AuditAction.UPDATE,
            report,
            before=before,
            after=snapshot(report),
            user=user,
            parent=project,
            unit=project.unit_id,
        )
    return report


def confirm_report(report: MonthlyReport, *, user=None, accept: bool = True, reason: str = "") -> MonthlyReport:
    """The office or task force confirms (or returns) a report."""
    before = snapshot(report)
    report.status = ReportStatus.CONFIRMED if accept else ReportStatus.RETURNED
    report.confirmed_by = user
    report.confirmed_at = timezone.now()
    report.save()
    record(
        AuditAction.APPROVE if accept else AuditAction.RETURN,
        report,
        before=before,
        after=snapshot(report),
        user=user,
        reason=reason,
        parent=report.project,
        unit=report.project.unit_id,
    )
    return report


# ---- problems ----------------------------------------------------------------------------


def _fields_log(problem: Problem) -> list[ClockEvent]:
    # problems raised before the deadline log existed: raised → (resolved)
    log = [ClockEvent(EventKind.START, problem.raised_at)]
    return log + [ClockEvent(EventKind.STOP, problem.resolved_at)] if problem.resolved_at else log


def problem_clock(problem: Problem, *, now: dt.datetime | None = None, calendar=None) -> Clock:
    """The problem's deadline now: its event log on the working-day calendar (时限、状态、剩余时间)."""
    return deadlines.clock_of(problem, config.problem_time_limit(), now=now, calendar=calendar, fallback=_fields_log)


def problem_clocks(problems, *, now: dt.datetime | None = None, calendar=None) -> dict[int, Clock]:
    return deadlines.clocks_of(problems, config.problem_time_limit(), now=now, calendar=calendar, fallback=_fields_log)


def _refresh_due(problem: Problem, now: dt.datetime | None = None) -> None:
    # due_at is kept for queries and the 按时办结率 figure; the clock is the truth.
    problem.due_at = problem_clock(problem, now=now).due_at
    problem.save(update_fields=["due_at"])


def raise_problem(
    project: Project, title: str, *, assigned_unit=None, description: str = "", user=None, now: dt.datetime | None = None
) -> Problem:
    """提出问题: due by the ``problem_time_limit`` (事不过夜: by 17:30 of the working day it is raised)."""
    if not title.strip():
        raise ProjectError("请填写问题")
    now = now or timezone.now()
    limit = config.problem_time_limit()
    with transaction.atomic():
        problem = Problem.objects.create(
            project=project,
            title=title.strip(),
            description=description,
            raised_by=user,
            raised_at=now,
            assigned_unit=assigned_unit or project.unit,
            due_at=limit.due_from(now, work_calendar()),
        )
        deadlines.log(problem, EventKind.START, now, user=user, note="提出问题")
        record(AuditAction.CREATE, problem, after=snapshot(problem), user=user, parent=project, unit=project.unit_id)
    notify(problem.assigned_unit, NotificationKind.PROBLEM, f"新问题待办：{problem.title}",
           f"{project.name}：{problem.title}。请于{timezone.localtime(problem.due_at):%Y-%m-%d %H:%M}前办结（办理时限：{limit.describe(work_calendar())}）。",
           link=reverse("projects:detail", args=[project.pk]), obj=problem)
    return problem


def pause_problem(problem: Problem, reason: str, *, user=None, now: dt.datetime | None = None) -> Problem:
    """暂停计时: the problem waits on someone else (上级审批、企业补充材料); the reason is logged."""
    if problem.status != ProblemStatus.OPEN:
        raise ProjectError("该问题不在办理中")
    if problem_clock(problem, now=now).paused:
        raise ProjectError("该问题已暂停计时")
    if not reason.strip():
        raise ProjectError("请说明暂停计时的原因（等待哪一方）")
    with transaction.atomic():
        deadlines.log(problem, EventKind.PAUSE, now, note=reason.strip(), user=user)
        record(AuditAction.UPDATE, problem, after={"clock": "paused"}, user=user, reason=f"暂停计时：{reason.strip()}",
               parent=problem.project, unit=problem.project.unit_id)
    return problem


def resume_problem(problem: Problem, *, user=None, now: dt.datetime | None = None) -> Problem:
    """恢复计时: the wait is over; the deadline moves by the paused working time."""
    if not problem_clock(problem, now=now).paused:
        raise ProjectError("该问题未暂停计时")
    with transaction.atomic():
        deadlines.log(problem, EventKind.RESUME, now, user=user)
        before = {"due_at": problem.due_at}
        _refresh_due(problem, now)
        record(AuditAction.UPDATE, problem, before=before, after={"due_at": problem.due_at}, user=user, reason="恢复计时",
               parent=problem.project, unit=problem.project.unit_id)
    return problem


def resolve_problem(problem: Problem, resolution: str, *, user=None, now: dt.datetime | None = None) -> Problem:
    """办结: the assigned unit reports its resolution; the raiser still has to confirm."""
    if problem.status != ProblemStatus.OPEN:
        raise ProjectError("该问题不在办理中")
    if not resolution.strip():
        raise ProjectError("请填写办理结果")
    now = now or timezone.now()
    before = snapshot(problem)
    with transaction.atomic():
        deadlines.log(problem, EventKind.STOP, now, user=user, note="办结")
        problem.due_at = problem_clock(problem, now=now).due_at
        problem.status = ProblemStatus.RESOLVED
        problem.resolution = resolution.strip()
        problem.resolved_at = now
        problem.resolved_by = user
        problem.save()
        record(AuditAction.UPDATE, problem, before=before, after=snapshot(problem), user=user, reason="办结",
               parent=problem.project, unit=problem.project.unit_id)
    return problem


def confirm_problem(problem: Problem, *, user=None, accept: bool = True, reason: str = "",
                    now: dt.datetime | None = None) -> Problem:
    """销号 (accept) or 退回重办 (not accepted: open again, its clock runs on without the checking time)."""
    if problem.status != ProblemStatus.RESOLVED:
        raise ProjectError("该问题尚未办结")
    now = now or timezone.now()
    before = snapshot(problem)
    with transaction.atomic():
        if accept:
            problem.status = ProblemStatus.CLOSED
            problem.confirmed_at = now
        else:
            deadlines.log(problem, EventKind.REOPEN, now, user=user, note=reason[:200] or "退回重办")
            problem.status = ProblemStatus.OPEN
            problem.resolved_at = None
            problem.due_at = problem_clock(problem, now=now).due_at
        problem.save()
        record(
            AuditAction.APPROVE if accept else AuditAction.RETURN,
            problem,
            before=before,
            after=snapshot(problem),
            user=user,
            reason=reason,
            parent=problem.project,
            unit=problem.project.unit_id,
        )
    return problem


def escalate_overdue_problems(now: dt.datetime | None = None) -> int:
    """Overdue open problems go up: level 1 → the responsible leader; overdue by
    ``problem_escalate_city_workdays`` working days more → level 2, the city leader.

    Every open problem's due moment is first recomputed from its event log, so a changed rule
    (``problem_time_limit``) or a corrected calendar applies at once. One audit entry per batch.
    """
    now = now or timezone.now()
    calendar = work_calendar()
    city_after = config.get("problem_escalate_city_workdays") * calendar.hours.seconds_per_day
    open_problems = list(Problem.objects.filter(status=ProblemStatus.OPEN).select_related("project", "project__unit"))
    clocks = problem_clocks(open_problems, now=now, calendar=calendar)
    changed = []
    moved = []
    for problem in open_problems:
        c = clocks[problem.pk]
        if c.due_at != problem.due_at:
            problem.due_at = c.due_at
            moved.append(problem)
        if not c.overdue or problem.escalation >= 2:
            continue
        level = 2 if -c.remaining_seconds >= city_after else 1
        if level > problem.escalation:
            changed.append((problem.pk, problem.escalation, level))
            problem.escalation = level
            problem.escalated_at = now
            problem.save(update_fields=["escalation", "escalated_at", "due_at"])
            # Level 1: the leaders of the project's unit; level 2: the city's leaders.
            unit = problem.project.unit if level == 1 else _top(problem.project.unit)
            notify(people(unit, Role.LEADER), NotificationKind.PROBLEM, f"问题逾期未办结：{problem.title}",
                   f"{problem.project.name}：{problem.title}，办结时限{timezone.localtime(problem.due_at):%Y-%m-%d %H:%M}，"
                   f"已逾期，升级至{'市级领导' if level == 2 else '责任领导'}督办。",
                   link=reverse("projects:detail", args=[problem.project_id]), obj=problem)
    Problem.objects.bulk_update([p for p in moved if p.pk not in {pk for pk, _o, _n in changed}], ["due_at"])
    if changed:
        record(
            AuditAction.UPDATE,
            object_type=Problem,
            object_repr=f"{len(changed)}个逾期问题升级",
            before={str(pk): old for pk, old, _ in changed},
            after={str(pk): new for pk, _, new in changed},
            reason="逾期升级",
        )
    return len(changed)


# ---- warnings ----------------------------------------------------------------------------


def _top(unit: OrgUnit) -> OrgUnit:
    while unit.parent_id is not None:
        unit = unit.parent
    return unit


def _tell_escalations(today: dt.date, items: list[ActionItem]) -> None:
    """One digest per person of the day's escalation list: the owner unit's people, the
    unit's leaders (挂包领导), the city's leaders (分管市领导) — each told once, every
    project that concerns them listed (red first)."""
    if not items:
        return
    projects = {p.pk: p for p in Project.objects.filter(pk__in={i.project_id for i in items}).select_related("unit")}
    addressees: dict[tuple[str, int], list[Person]] = {}
    digests: dict[int, tuple[Person, dict[int, ActionItem]]] = {}
    for item in items:
        unit = projects[item.project_id].unit
        key = (item.target, unit.pk if item.target != "city_leader" else _top(unit).pk)
        if key not in addressees:
            addressees[key] = people(key[1]) if item.target == "owner_unit" else people(key[1], Role.LEADER)
        for person in addressees[key]:
            _person, by_project = digests.setdefault(person.user_id, (person, {}))
            by_project.setdefault(item.project_id, item)
    level_name = {"red": "红色", "yellow": "黄色"}
    for _user_id, (person, by_project) in sorted(digests.items()):
        listed = sorted(by_project.values(), key=lambda i: (i.level != "red", projects[i.project_id].name))
        lines = [f"{projects[i.project_id].name}：{level_name.get(i.level, i.level)}预警，请于{i.due_on:%Y-%m-%d}前督办"
                 for i in listed]
        notify(person, NotificationKind.WARNING, f"{today:%Y-%m-%d} 项目预警：{len(listed)}个项目需督办",
               "\n".join(lines), link=reverse("projects:board"))


def warning_inputs(today: dt.date, projects=None) -> pl.DataFrame:
    """The frame :func:`kaohe.projects.warnings.compute` expects, in two queries."""
    qs = projects if projects is not None else Project.objects.filter(is_active=True)
    rows = list(
        qs.values_list("pk", "planned_start", "actual_start", "actual_stats", "year", "year_plan")
    )
    m = rules_mod.months_elapsed(today)
    ytd = dict(
        MonthlyReport.objects.filter(project__in=qs, year=today.year, month__lte=m)
        .values("project_id")
        .annotate(s=Sum("invest_month"))
        .values_list("project_id", "s")
    ) if m >= 1 else {}
    return pl.DataFrame(
        {
            "project_id": [r[0] for r in rows],
            "planned_start": [r[1] for r in rows],
            "actual_start": [r[2] for r in rows],
            "actual_stats": [r[3] for r in rows],
            "year_plan": [float(r[5]) if r[4] == today.year else None for r in rows],
            "ytd_investment": [float(ytd.get(r[0]) or 0) for r in rows],
        },
        schema=rules_mod.INPUT_SCHEMA,
    )


def compute_warnings(today: dt.date, projects=None) -> pl.DataFrame:
    return rules_mod.compute(warning_inputs(today, projects), today, config.warning_rules())


def previous_month_levels(today: dt.date) -> pl.DataFrame:
    """Each project's level on the last day of the previous month that has stored results."""
    end = rules_mod.previous_month_end(today)
    last = ProjectWarning.objects.filter(date__lte=end, date__gte=end.replace(day=1)).aggregate(d=Max("date"))["d"]
    rows = list(ProjectWarning.objects.filter(date=last).values_list("project_id", "level")) if last else []
    return pl.DataFrame(rows, schema={"project_id": pl.Int64, "level": pl.String}, orient="row")


@transaction.atomic
def run_warnings(today: dt.date, *, user=None) -> dict[str, int]:
    """The daily run: compute all warnings, store them for ``today`` (replacing a previous
    run of the same day), update each project's level and write the escalation list."""
    result = compute_warnings(today)
    rules = config.warning_rules()
    ProjectWarning.objects.filter(date=today).delete()
    ProjectWarning.objects.bulk_create(
        (
            ProjectWarning(project_id=pid, date=today, level=level, reasons=reasons or [])
            for pid, level, reasons in result.select("project_id", "level", "reasons").iter_rows()
        ),
        batch_size=2000,
    )
    current = dict(Project.objects.filter(is_active=True).values_list("pk", "warning_level"))
    changed: dict[str, list[int]] = {}
    for pid, level in result.select("project_id", "level").iter_rows():
        if current.get(pid) != level:
            changed.setdefault(level, []).append(pid)
    for level, ids in changed.items():
        Project.objects.filter(pk__in=ids).update(warning_level=level, warning_rank=WARNING_RANK[level])
    actions = rules_mod.escalations(result, previous_month_levels(today), today, rules)
    already = set(ActionItem.objects.filter(date=today).values_list("project_id", "target"))  # a re-run tells nobody twice
    ActionItem.objects.filter(date=today, done_at__isnull=True).delete()
    info = {
        pid: (unit, leader)
        for pid, unit, leader in Project.objects.filter(pk__in=actions["project_id"].unique().to_list()).values_list(
            "pk", "unit__name", "leader_name"
        )
    }
    addressee = {"owner_unit": 0, "leader": 1}
    items = []
    for pid, target, due_on, level in actions.iter_rows():
        who = info[pid][addressee[target]] if target in addressee else "分管市领导"
        items.append(ActionItem(project_id=pid, date=today, level=level, target=target, addressee=who or "", due_on=due_on))
    ActionItem.objects.bulk_create(items, batch_size=2000, ignore_conflicts=True)
    _tell_escalations(today, [i for i in items if (i.project_id, i.target) not in already])
    counts = {lvl: int((result["level"] == lvl).sum()) for lvl in ("green", "yellow", "red")}
    counts["changed"] = sum(len(v) for v in changed.values())
    counts["actions"] = len(items)
    record(
        AuditAction.OTHER,
        object_type=ProjectWarning,
        object_repr=f"{today} 项目预警",
        after={"counts": counts, "changed": {k: v[:500] for k, v in changed.items()}},
        reason="每日预警计算",
        user=user,
    )
    return counts
