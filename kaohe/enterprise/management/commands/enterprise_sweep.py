"""``kaohe enterprise_sweep [--no-escalate] [--enqueue]``: the daily clock sweep of enterprise requests."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from kaohe.assessment import services as assessment_services
from kaohe.enterprise import services
from kaohe.enterprise.tasks import daily_sweep


class Command(BaseCommand):
    help = "Compute every open enterprise request's clocks, escalate the overdue to 督办, refresh the 效能榜 values."

    def add_arguments(self, parser):
        parser.add_argument("--no-escalate", action="store_true", help="only refresh the clocks")
        parser.add_argument("--enqueue", action="store_true", help="queue the task for the worker instead")

    def handle(self, *args, no_escalate=False, enqueue=False, **opts):
        if enqueue:
            self.stdout.write(f"queued task {daily_sweep.enqueue().id}")
            return
        r = services.sweep(escalate_overdue=not no_escalate)
        sourced = 0 if no_escalate else assessment_services.refresh_sourced_values(timezone.localdate(), source="enterprise")
        self.stdout.write(f"open={r.open} overdue={r.overdue} escalated={r.escalated} seconds={r.seconds:.2f} "
                          f"sourced_values={sourced}")
