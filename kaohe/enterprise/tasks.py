"""Background tasks (django-tasks): the daily clock sweep of enterprise requests (overdue → 督办) and
the assessment values computed from the enterprise figures (指标数据来源 ``enterprise``)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from kaohe.assessment import services as assessment_services
from kaohe.enterprise import services


@task()
def daily_sweep() -> dict[str, float]:
    """Sweep the open requests' clocks, escalate the overdue, refresh the sourced 效能榜 values.
    Schedule it once a day (cron: ``kaohe enterprise_sweep``)."""
    result = services.sweep()
    sourced = assessment_services.refresh_sourced_values(timezone.localdate(), source="enterprise")
    return {"open": result.open, "overdue": result.overdue, "escalated": result.escalated, "seconds": result.seconds,
            "sourced_values": sourced}
