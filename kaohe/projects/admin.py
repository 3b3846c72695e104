"""Admin for major projects; every save and delete is audited (AuditedModelAdmin)."""

from django.contrib import admin

from kaohe.lib.admin import AuditedModelAdmin
from kaohe.projects.models import (
    ActionItem,
    ApprovalNode,
    Milestone,
    MonthlyReport,
    Problem,
    Project,
    ProjectWarning,
    Stage,
    StageSet,
)


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0


@admin.register(StageSet)
class StageSetAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "city", "is_default")
    inlines = [StageInline]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class ApprovalInline(admin.TabularInline):
    model = ApprovalNode
    extra = 0


@admin.register(Project)
class ProjectAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "unit", "level", "total_investment", "year_plan", "stage", "warning_level")
    list_filter = ("year", "level", "ptype", "warning_level")
    search_fields = ("code", "name", "owner_enterprise")
    raw_id_fields = ("unit", "leader")
    readonly_fields = ("planned_start", "actual_start", "planned_completion", "actual_completion", "actual_stats",
                       "warning_level", "stage")
    inlines = [MilestoneInline, ApprovalInline]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(AuditedModelAdmin):
    list_display = ("project", "year", "month", "invest_month", "invest_ytd", "status")
    list_filter = ("year", "month", "status")
    raw_id_fields = ("project",)


@admin.register(Problem)
class ProblemAdmin(AuditedModelAdmin):
    list_display = ("title", "project", "assigned_unit", "due_at", "status", "escalation")
    list_filter = ("status", "escalation")
    raw_id_fields = ("project",)


@admin.register(ProjectWarning)
class ProjectWarningAdmin(admin.ModelAdmin):
    list_display = ("project", "date", "level")
    list_filter = ("date", "level")
    raw_id_fields = ("project",)


@admin.register(ActionItem)
class ActionItemAdmin(AuditedModelAdmin):
    list_display = ("project", "date", "level", "target", "addressee", "due_on", "done_at")
    list_filter = ("date", "target", "level")
    raw_id_fields = ("project",)
