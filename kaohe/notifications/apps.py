from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kaohe.notifications"
    label = "notifications"
    verbose_name = _("站内通知")
