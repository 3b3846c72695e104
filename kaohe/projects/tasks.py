"""Background tasks (django-tasks): the daily warning run and problem escalation."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from kaohe.projects import services


@task()
def daily_warnings(date: str | None = None) -> dict[str, int]:
    """Compute and store all project warnings for ``date`` (ISO; default today) and escalate
    overdue problems. Schedule it once a day (e.g. cron: ``kaohe projects_warnings``)."""
    day = dt.date.fromisoformat(date) if date else timezone.localdate()
    counts = services.run_warnings(day)
    counts["problems_escalated"] = services.escalate_overdue_problems()
    return counts
