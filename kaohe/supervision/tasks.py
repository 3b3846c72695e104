"""Background tasks (django-tasks): the supervision cadences (see ``kaohe.supervision.jobs``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from kaohe.supervision import jobs


@task()
def supervision_jobs(date: str | None = None, only: list[str] | None = None) -> dict:
    """Run the cadences due on ``date`` (ISO; default today): 日督查, and on their days 周交办 / 月督办.
    Schedule it once a day (cron: ``kaohe supervision_jobs --enqueue``)."""
    day = dt.date.fromisoformat(date) if date else timezone.localdate()
    return jobs.run_due(day, only=only)
