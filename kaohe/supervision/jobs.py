"""The cadences as jobs: 日督查 (daily sweep), 周交办 (weekly batch), 月督办 (monthly notices and
bulletin) — which run on a day is configuration (``KAOHE_SUPERVISION["jobs"]``), not words:

    "jobs": {"daily": {"enabled": True, "workdays_only": True},
             "weekly": {"enabled": True, "weekday": 1},          # ISO weekday, 1 = Monday
             "monthly": {"enabled": True, "day": 1, "bulletin": True}}

``run_due(day)`` runs the jobs due on ``day`` (cron it once a day: ``kaohe supervision_jobs``, or
queue ``kaohe.supervision.tasks.supervision_jobs``). The daily job also folds the projects
module's escalated problems and red projects into tasks (one task per problem/project, linked),
renders the documents the sweep issued, and refreshes the assessment values sourced here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from kaohe.lib import jobs as schedule
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import OrgUnit
from kaohe.supervision import bulletins, documents, services
from kaohe.supervision.models import SourceKind

DEFAULT_JOBS = {
    "daily": {"enabled": True, "workdays_only": True},
    "weekly": {"enabled": True, "weekday": 1},
    "monthly": {"enabled": True, "day": 1, "bulletin": True},
}


def jobs_config() -> dict[str, dict[str, Any]]:
    return schedule.configure(DEFAULT_JOBS, settings.KAOHE_SUPERVISION.get("jobs"), "KAOHE_SUPERVISION['jobs']")


def due_jobs(day: dt.date) -> list[str]:
    """Which cadences run on ``day``."""
    return schedule.due(day, jobs_config(), work_calendar())


def fold_projects(now: dt.datetime, *, user=None) -> int:
    """项目问题/预警 → 督办事项: each escalated open problem and each red project becomes ONE task,
    linked to it (the project's 督办函 and the task are one record)."""
    from kaohe.projects.models import Problem, ProblemStatus, Project  # noqa: PLC0415

    made = 0
    for problem in Problem.objects.filter(status=ProblemStatus.OPEN, escalation__gte=1).select_related("project", "assigned_unit"):
        if services.task_for(problem) is None:
            services.create_task(SourceKind.PROJECT, problem, title=f"{problem.project.name}：{problem.title}",
                                 content=problem.description, lead_unit=problem.assigned_unit, leader_name=problem.project.leader_name,
                                 source_ref=f"项目问题逾期升级（{problem.project.code}）", user=user, assign=True, now=now)
            made += 1
    for project in Project.objects.filter(is_active=True, warning_level="red").select_related("unit"):
        if services.task_for(project) is None:
            services.create_task(SourceKind.PROJECT, project, title=f"红灯项目督办：{project.name}", lead_unit=project.unit,
                                 leader_name=project.leader_name, source_ref=f"重大项目红灯预警（{project.code}）", user=user,
                                 assign=True, now=now)
            made += 1
    return made


def run_daily(day: dt.date, *, user=None, fold: bool = True) -> dict[str, int]:
    now = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))
    folded = fold_projects(now, user=user) if fold else 0
    result = services.sweep(now, user=user).as_dict()
    result["folded"] = folded
    result["demanded"] = services.demand_reports("daily", now, user=user)
    result["rendered"] = documents.render_pending()
    from kaohe.assessment import services as assessment_services  # noqa: PLC0415

    result["sourced_values"] = assessment_services.refresh_sourced_values(day, source="supervision")
    return result


def run_monthly(day: dt.date, *, user=None) -> dict[str, int]:
    """月督办: monthly progress demands and, for each office with tasks, the previous month's bulletin as a
    draft in the documents register (edited and issued by the office)."""
    now = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    out = {"demanded": services.demand_reports("monthly", now, user=user), "bulletins": 0}
    if jobs_config()["monthly"].get("bulletin"):
        previous = (day.replace(day=1) - dt.timedelta(days=1))
        period = f"{previous:%Y-%m}"
        from kaohe.supervision.models import Bulletin, Task  # noqa: PLC0415

        for office_id in Task.objects.filter(assigned_at__year=previous.year, assigned_at__month=previous.month).values_list(
                "office_unit_id", flat=True).order_by().distinct():
            if Bulletin.objects.filter(office_unit_id=office_id, period=period).exists():
                continue
            bulletins.draft_in_register(OrgUnit.objects.get(pk=office_id), period, user=user, today=day)
            out["bulletins"] += 1
    return out


def run_due(day: dt.date, *, user=None, only: list[str] | None = None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for job in only or due_jobs(day):
        if job == "daily":
            results["daily"] = run_daily(day, user=user)
        elif job == "weekly":
            results["weekly"] = len(services.weekly_batch(day, user=user))
        elif job == "monthly":
            results["monthly"] = run_monthly(day, user=user)
    return results
