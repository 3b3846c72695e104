"""``kaohe supervision_jobs [--date YYYY-MM-DD] [--only daily,weekly,monthly] [--enqueue]``: the
supervision cadences due that day (日督查 every working day, 周交办 and 月督办 on their configured days)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kaohe.supervision import jobs
from kaohe.supervision.tasks import supervision_jobs


class Command(BaseCommand):
    help = "Run the supervision cadences due on a day: daily sweep, weekly batch, monthly notices and bulletin."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day (default: today)")
        parser.add_argument("--only", help="run these jobs whatever the schedule (daily,weekly,monthly)")
        parser.add_argument("--enqueue", action="store_true", help="queue the task for the worker instead")

    def handle(self, *args, date=None, only=None, enqueue=False, **opts):
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date: {date!r} is not a date (YYYY-MM-DD)") from exc
        names = [n.strip() for n in only.split(",")] if only else None
        if names and not set(names) <= set(jobs.DEFAULT_JOBS):
            raise CommandError(f"--only: known jobs are {', '.join(jobs.DEFAULT_JOBS)}")
        if enqueue:
            result = supervision_jobs.enqueue(date=day.isoformat(), only=names)
            self.stdout.write(f"queued task {result.id}")
            return
        for name, value in jobs.run_due(day, only=names).items():
            self.stdout.write(f"{day} {name}: {value}")
