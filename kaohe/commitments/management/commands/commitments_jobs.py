"""``kaohe commitments_jobs [--date YYYY-MM-DD] [--only daily] [--enqueue]``: the commitments' jobs due
that day (节点临近提醒 and 逾期通知 every working day)."""

from __future__ import annotations

from kaohe.commitments import jobs
from kaohe.commitments.tasks import commitments_jobs
from kaohe.lib.jobs import JobsCommand


class Command(JobsCommand):
    help = "Run the commitments' jobs due on a day: milestone reminders and overdue notices."
    names = tuple(jobs.DEFAULT_JOBS)
    run_due = staticmethod(jobs.run_due)
    task = commitments_jobs
