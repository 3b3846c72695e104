"""``AuditedModelAdmin``: every app's admin that changes domain data subclasses it, so that saves
and deletes made in /admin/ reach the audit trail like any other change. A form field named
``audit_reason`` (if the admin form has one) becomes the entry's reason.

It announces changes (``kaohe.lib.changes``) rather than calling the audit app, so the
organisation app below the audit trail can use it too.
"""

from __future__ import annotations

from django.contrib import admin

from kaohe.lib.changes import announce, snapshot


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
            announce("create", obj, after=after, reason=self._reason(form), user=request.user)
        elif before != after:
            announce("update", obj, before=before, after=after, reason=self._reason(form), user=request.user)

    def save_related(self, request, form, formsets, change):
        # Many-to-many changes (e.g. peer-group members) are saved after the object.
        m2m = [f.name for f in form.instance._meta.many_to_many if f.name in form.cleaned_data]
        before = {name: sorted(getattr(form.instance, name).values_list("pk", flat=True)) for name in m2m} if change else {}
        super().save_related(request, form, formsets, change)
        after = {name: sorted(getattr(form.instance, name).values_list("pk", flat=True)) for name in m2m}
        if m2m and before != after and change:
            announce("update", form.instance, before=before, after=after, reason=self._reason(form),
                     user=request.user)
        elif m2m and not change and any(after.values()):
            announce("update", form.instance, before=None, after=after, reason=self._reason(form),
                     user=request.user)

    def delete_model(self, request, obj):
        announce("delete", obj, before=snapshot(obj), user=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            announce("delete", obj, before=snapshot(obj), user=request.user)
        super().delete_queryset(request, queryset)
