"""经济运行监测 (monitor): key economic indicators by unit — YTD, 同比, 位次, vs the city, 开门红, 双过半."""
from django.apps import AppConfig


class MonitorConfig(AppConfig):
    name = "kaohe.monitor"
    label = "monitor"

    def ready(self) -> None:
        from kaohe.assessment import sources  # noqa: PLC0415 — models are ready only now
        from kaohe.monitor.sources import SOURCE  # noqa: PLC0415

        sources.register(SOURCE)
