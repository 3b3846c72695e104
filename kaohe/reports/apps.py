from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kaohe.reports"
    label = "reports"
    verbose_name = _("报告")

    def ready(self) -> None:
        from kaohe.reports import generators

        generators.register_kinds()
