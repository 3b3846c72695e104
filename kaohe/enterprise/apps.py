"""服务企业 (enterprise): the register of enterprises, their requests (企业诉求) and satisfaction."""
from django.apps import AppConfig


class EnterpriseConfig(AppConfig):
    name = "kaohe.enterprise"
    label = "enterprise"

    def ready(self) -> None:
        from kaohe.assessment import sources  # noqa: PLC0415 — models are ready only now
        from kaohe.enterprise.sources import SOURCE  # noqa: PLC0415

        sources.register(SOURCE)
