"""The audit log in the admin, read-only (other apps' admins audit their saves through
``kaohe.lib.admin.AuditedModelAdmin``)."""

from __future__ import annotations

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kaohe.audit.models import AuditEntry
from kaohe.audit.services import history_url


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are written by ``record`` and never changed."""

    list_display = ("at", "username", "actor_unit", "action", "object_type", "object_id", "object_repr",
                    "object_unit", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("username", "object_repr", "reason", "request_id")
    date_hierarchy = "at"
    readonly_fields = ("at", "user", "username", "actor_unit", "action", "object_type", "object_id", "object_repr",
                       "related_object_type", "related_object_id", "object_unit",
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
        if obj.object_id is None:
            return "—"
        return format_html('<a href="{}">{}</a>', history_url(obj.object_type_name, obj.object_id),
                           _("查看该对象的全部记录"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
