"""经济运行监测 (monitor): key economic indicators by unit — YTD, 同比, 位次, vs the city, 开门红, 双过半."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

KIND = "economy"  # the 文种 of the monitor's bulletin (kaohe.documents)


class MonitorConfig(AppConfig):
    name = "kaohe.monitor"
    label = "monitor"
    verbose_name = _("经济运行监测")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _  # noqa: PLC0415

        from kaohe.assessment import sources  # noqa: PLC0415 — models are ready only now
        from kaohe.documents.kinds import Kind, register  # noqa: PLC0415
        from kaohe.monitor.sources import SOURCE  # noqa: PLC0415

        sources.register(SOURCE)
        register(Kind(KIND, _("经济运行分析"), prefix="经分", order=50))
