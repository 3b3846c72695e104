"""Background tasks (django-tasks): the daily warning run, problem escalation, and the
assessment values computed from the projects' figures (指标数据来源 ``projects``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from kaohe.assessment import services as assessment_services
from kaohe.projects import services


@task()
def daily_warnings(date: str | None = None) -> dict[str, int]:
    """Compute and store all project warnings for ``date`` (ISO; default today) and escalate
    overdue problems, then refresh the assessment values that come from the projects' figures.
    Schedule it once a day (e.g. cron: ``kaohe projects_warnings``)."""
    day = dt.date.fromisoformat(date) if date else timezone.localdate()
    counts = services.run_warnings(day)
    counts["problems_escalated"] = services.escalate_overdue_problems()
    counts["sourced_values"] = assessment_services.refresh_sourced_values(day, source="projects")
    return counts
