"""The audit log in the admin (read-only) and ``AuditedModelAdmin`` for every other admin.

Any app's admin that changes domain data subclasses ``AuditedModelAdmin`` so
that saves and deletes made in /admin/ reach the trail like any other change.
A form field named ``audit_reason`` (if the admin form has one) becomes the
entry's reason.
"""

from __future__ import annotations

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kaohe.audit.models import AuditAction, AuditEntry
from kaohe.audit.services import history_url, record, snapshot


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes write audit entries (before/after as JSON)."""

    def _reason(self, form) -> str:
        data = getattr(form, "cleaned_data", None) or {}
        return str(data.get("audit_reason") or "")

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            old = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = snapshot(old) if old is not None else None
        super().save_model(request, obj, form, change)
        after = snapshot(obj)
        if not change:
            record(AuditAction.CREATE, obj, after=after, reason=self._reason(form), user=request.user)
        elif before != after:
            record(AuditAction.UPDATE, obj, before=before, after=after, reason=self._reason(form), user=request.user)

    def save_related(self, request, form, formsets, change):
        # Many-to-many changes (e.g. peer-group members) are saved after the object.
        m2m = [f.name for f in form.instance._meta.many_to_many if f.name in form.cleaned_data]
        before = {name: sorted(getattr(form.instance, name).values_list("pk", flat=True)) for name in m2m} if change else {}
        super().save_related(request, form, formsets, change)
        after = {name: sorted(getattr(form.instance, name).values_list("pk", flat=True)) for name in m2m}
        if m2m and before != after and change:
            record(AuditAction.UPDATE, form.instance, before=before, after=after, reason=self._reason(form),
                   user=request.user)
        elif m2m and not change and any(after.values()):
            record(AuditAction.UPDATE, form.instance, before=None, after=after, reason=self._reason(form),
                   user=request.user)

    def delete_model(self, request, obj):
        record(AuditAction.DELETE, obj, before=snapshot(obj), user=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            record(AuditAction.DELETE, obj, before=snapshot(obj), user=request.user)
        super().delete_queryset(request, queryset)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are written by ``record`` and never changed."""

    list_display = ("at", "username", "unit", "action", "object_type", "object_id", "object_repr", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("username", "object_repr", "object_id", "reason", "request_id")
    date_hierarchy = "at"
    readonly_fields = ("at", "user", "username", "unit", "action", "object_type", "object_id", "object_repr",
                       "before_json", "after_json", "reason", "request_id", "ip", "history")
    exclude = ("before", "after")

    @admin.display(description=_("修改前"))
    def before_json(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.before, ensure_ascii=False, indent=2))

    @admin.display(description=_("修改后"))
    def after_json(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.after, ensure_ascii=False, indent=2))

    @admin.display(description=_("对象历史"))
    def history(self, obj):
        return format_html('<a href="{}">{}</a>', history_url(obj.object_type, obj.object_id), _("查看该对象的全部记录"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
