from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "kaohe.supervision"
    label = "supervision"

    def ready(self) -> None:
        from kaohe.assessment import sources  # noqa: PLC0415 — models are ready only now
        from kaohe.supervision.sources import SOURCE  # noqa: PLC0415

        sources.register(SOURCE)
