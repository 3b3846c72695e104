"""``kaohe projects_warnings [--date YYYY-MM-DD] [--enqueue]``: the daily project warning run."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kaohe.assessment import services as assessment_services
from kaohe.projects import services
from kaohe.projects.tasks import daily_warnings


class Command(BaseCommand):
    help = "Compute red/yellow/green warnings for all projects, store them and escalate overdue problems."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="day of computation (default: today)")
        parser.add_argument("--enqueue", action="store_true", help="queue the task for the worker instead")

    def handle(self, *args, date=None, enqueue=False, **opts):
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date: {date!r} is not a date (YYYY-MM-DD)") from exc
        if enqueue:
            result = daily_warnings.enqueue(date=day.isoformat())
            self.stdout.write(f"queued task {result.id}")
            return
        counts = services.run_warnings(day)
        escalated = services.escalate_overdue_problems()
        sourced = assessment_services.refresh_sourced_values(day, source="projects")
        self.stdout.write(
            f"{day}: green={counts['green']} yellow={counts['yellow']} red={counts['red']} "
            f"changed={counts['changed']} actions={counts['actions']} problems_escalated={escalated} "
            f"sourced_values={sourced}"
        )
