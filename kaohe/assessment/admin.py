"""Admin: read-mostly views of assessment data (changes go through the services)."""

from django.contrib import admin

from kaohe.assessment import models


@admin.register(models.Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ("year", "code", "name")


@admin.register(models.SchemeVersion)
class SchemeVersionAdmin(admin.ModelAdmin):
    list_display = ("scheme", "number", "status", "adopted_at")
    list_filter = ("status",)


@admin.register(models.IndicatorSpec)
class IndicatorSpecAdmin(admin.ModelAdmin):
    list_display = ("version", "code", "name", "responsible_unit", "frequency", "value_kind")
    list_filter = ("frequency",)
    search_fields = ("code", "name")


@admin.register(models.Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ("label", "kind", "deadline", "status")
    list_filter = ("year", "kind", "status")


@admin.register(models.Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("version", "responsible_unit", "period", "status", "submitted_at")
    list_filter = ("status",)
