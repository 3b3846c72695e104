from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kaohe.audit"
    label = "audit"
    verbose_name = _("操作日志")

    def ready(self) -> None:
        from kaohe.audit import signals  # noqa: F401 — connects the login receiver
