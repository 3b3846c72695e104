"""``kaohe supervision_jobs [--date YYYY-MM-DD] [--only daily,weekly,monthly] [--enqueue]``: the
supervision cadences due that day (日督查 every working day, 周交办 and 月督办 on their configured days)."""

from __future__ import annotations

from kaohe.lib.jobs import JobsCommand
from kaohe.supervision import jobs
from kaohe.supervision.tasks import supervision_jobs


class Command(JobsCommand):
    help = "Run the supervision cadences due on a day: daily sweep, weekly batch, monthly notices and bulletin."
    names = tuple(jobs.DEFAULT_JOBS)
    run_due = staticmethod(jobs.run_due)
    task = supervision_jobs
