from django.contrib import admin

from kaohe.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are written by ``notify`` and read by their recipient."""

    list_display = ("created_at", "recipient", "kind", "title", "read_at", "emailed")
    list_filter = ("kind",)
    search_fields = ("title", "body", "recipient__username")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
