"""Background work of the results app (django-tasks; the database worker runs it: ``kaohe db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def execute_run_task(run_id: int) -> str:
    """Compute one queued scoring run; progress is written to the run as it goes."""
    from kaohe.results.models import ScoringRun
    from kaohe.results.runs import execute_run

    run = ScoringRun.objects.get(pk=run_id)
    execute_run(run)
    return run.content_hash
