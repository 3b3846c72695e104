"""Background tasks (django-tasks): the commitments' daily job (see ``kaohe.commitments.jobs``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from kaohe.commitments import jobs


@task()
def commitments_jobs(date: str | None = None, only: list[str] | None = None) -> dict:
    """Run the jobs due on ``date`` (ISO; default today): 节点临近提醒 and 逾期通知 on working days.
    Schedule it once a day (cron: ``kaohe commitments_jobs --enqueue``)."""
    day = dt.date.fromisoformat(date) if date else timezone.localdate()
    return jobs.run_due(day, only=only)
