"""Scheduled jobs (定时任务): the one pattern for a module's cadences — which of its jobs run on a
day is configuration, not words, and one command shape runs them.

A module declares its jobs with their defaults, e.g. supervision's::

    {"daily": {"enabled": True, "workdays_only": True},     # every (working) day
     "weekly": {"enabled": True, "weekday": 1},              # ISO weekday, 1 = Monday
     "monthly": {"enabled": True, "day": 1}}                 # day of the month

:func:`configure` lays the deployment's settings over them (an unknown job is refused by name),
:func:`due` says which run on a day on the working-day calendar, and :class:`JobsCommand` is the
CLI ``kaohe <module>_jobs [--date YYYY-MM-DD] [--only a,b] [--enqueue]`` (cron it once a day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kaohe.lib.workdays import WorkCalendar

Jobs = dict[str, dict[str, Any]]


def configure(defaults: Mapping[str, Mapping[str, Any]], given: Mapping[str, Mapping[str, Any]] | None,
              where: str) -> Jobs:
    """Each job's settings: ``given`` (from the deployment's settings) over ``defaults``."""
    given = given or {}
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise ImproperlyConfigured(f"{where}: unknown job(s) {', '.join(unknown)}; known: {', '.join(defaults)}")
    return {name: {**defaults[name], **given.get(name, {})} for name in defaults}


def due(day: dt.date, jobs: Mapping[str, Mapping[str, Any]], calendar: WorkCalendar) -> list[str]:
    """The jobs that run on ``day``: a job with ``weekday`` on that ISO weekday, with ``day`` on that
    day of the month, otherwise every day (only working days with ``workdays_only``)."""
    out = []
    for name, job in jobs.items():
        if not job.get("enabled", True):
            continue
        if "weekday" in job:
            runs = day.isoweekday() == int(job["weekday"])
        elif "day" in job:
            runs = day.day == int(job["day"])
        else:
            runs = calendar.is_workday(day) or not job.get("workdays_only", False)
        if runs:
            out.append(name)
    return out


class JobsCommand(BaseCommand):
    """``kaohe <module>_jobs``: run the module's jobs due on a day (or ``--only`` some), or queue its task.

    A subclass sets ``help``, ``names`` (the module's job names), ``run_due(day, only)`` and
    ``task`` (the django-tasks task taking ``date`` and ``only``)."""

    names: tuple[str, ...] = ()
    run_due: Callable[..., Mapping[str, Any]]
    task: Any

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day (default: today)")
        parser.add_argument("--only", help=f"run these jobs whatever the schedule ({','.join(self.names)})")
        parser.add_argument("--enqueue", action="store_true", help="queue the task for the worker instead")

    def handle(self, *args, date=None, only=None, enqueue=False, **opts):
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date: {date!r} is not a date (YYYY-MM-DD)") from exc
        names = [n.strip() for n in only.split(",")] if only else None
        if names and not set(names) <= set(self.names):
            raise CommandError(f"--only: known jobs are {', '.join(self.names)}")
        if enqueue:
            result = type(self).task.enqueue(date=day.isoformat(), only=names)
            self.stdout.write(f"queued task {result.id}")
            return
        for name, value in type(self).run_due(day, only=names).items():
            self.stdout.write(f"{day} {name}: {value}")
