"""Admin of the monitor's configuration: indicators and annual targets (every change audited)."""

from django.contrib import admin

from kaohe.lib.admin import AuditedModelAdmin
from kaohe.monitor.models import MonitorIndicator, MonitorTarget


@admin.register(MonitorIndicator)
class MonitorIndicatorAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "owner_unit", "unit_of_measure", "form", "frequency", "judged_on", "amount_code",
                    "growth_code", "is_key", "sort_order")
    list_filter = ("owner_unit", "frequency", "judged_on", "is_key")


@admin.register(MonitorTarget)
class MonitorTargetAdmin(AuditedModelAdmin):
    list_display = ("indicator", "unit", "year", "amount", "growth")
    list_filter = ("year", "indicator")
