"""Admin for supervision (reference and repair only: the workflow goes through the pages); every
save and delete is audited (AuditedModelAdmin)."""

from django.contrib import admin

from kaohe.lib.admin import AuditedModelAdmin
from kaohe.supervision.models import (
    Bulletin,
    Extension,
    Task,
    TaskDocument,
    TaskEvent,
    TaskMilestone,
)


class MilestoneInline(admin.TabularInline):
    model = TaskMilestone
    extra = 0


@admin.register(Task)
class TaskAdmin(AuditedModelAdmin):
    list_display = ("number", "title", "source_kind", "lead_unit", "state", "colour", "due_at")
    list_filter = ("state", "colour", "source_kind", "year")
    search_fields = ("title", "source_ref")
    raw_id_fields = ("office_unit", "lead_unit", "leader")
    readonly_fields = ("assigned_at", "sign_due_at", "signed_at", "due_at", "original_due_at", "reported_at", "closed_at")
    inlines = [MilestoneInline]


@admin.register(TaskEvent)
class TaskEventAdmin(AuditedModelAdmin):
    list_display = ("task", "kind", "at", "unit")
    list_filter = ("kind",)
    raw_id_fields = ("task", "document")


@admin.register(Extension)
class ExtensionAdmin(AuditedModelAdmin):
    list_display = ("task", "proposed_on", "status", "asked_at", "decided_at")
    raw_id_fields = ("task",)


@admin.register(TaskDocument)
class TaskDocumentAdmin(AuditedModelAdmin):
    list_display = ("number", "kind", "title", "issuer", "issued_at")
    list_filter = ("kind", "year")
    exclude = ("docx",)
    raw_id_fields = ("task",)


@admin.register(Bulletin)
class BulletinAdmin(AuditedModelAdmin):
    list_display = ("title", "period", "office_unit", "created_at")
