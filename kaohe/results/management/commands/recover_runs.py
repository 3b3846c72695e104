"""``kaohe recover_runs``: mark scoring runs whose computing process died as failed (cron it every few minutes).

The pages and the API do the same for the runs they show; this catches the runs nobody is looking at,
so the run list never says 计算中 for a run nothing computes (kaohe.results.recovery).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Mark scoring runs whose computing process died (or stopped reporting progress) as failed."

    def handle(self, *args, **options):
        from kaohe.results.recovery import recover_abandoned

        failed = recover_abandoned()
        for run in failed:
            self.stdout.write(f"#{run.pk} {run.scheme_name} {run.label}: {run.error}")
        self.stdout.write(f"{len(failed)} run(s) marked failed")
