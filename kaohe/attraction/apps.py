from django.apps import AppConfig


class AttractionConfig(AppConfig):
    name = "kaohe.attraction"
    label = "attraction"

    def ready(self) -> None:
        from kaohe.assessment import sources  # noqa: PLC0415 — models are ready only now
        from kaohe.attraction.sources import SOURCE  # noqa: PLC0415

        sources.register(SOURCE)
