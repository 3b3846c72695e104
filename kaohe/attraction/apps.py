from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttractionConfig(AppConfig):
    name = "kaohe.attraction"
    label = "attraction"
    verbose_name = _("招商引资")

    def ready(self) -> None:
        from kaohe.assessment import sources  # noqa: PLC0415 — models are ready only now
        from kaohe.attraction.sources import SOURCE  # noqa: PLC0415

        sources.register(SOURCE)

        from django.utils.translation import gettext_lazy as _  # noqa: PLC0415

        from kaohe.documents.kinds import Kind, register  # noqa: PLC0415

        register(Kind("attraction", _("招商引资通报"), prefix="招商", order=40))
