from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

BULLETIN_KIND = "supervision_bulletin"


class SupervisionConfig(AppConfig):
    name = "kaohe.supervision"
    label = "supervision"
    verbose_name = _("督查督办")

    def ready(self) -> None:
        from kaohe.assessment import sources  # noqa: PLC0415 — models are ready only now
        from kaohe.supervision.sources import SOURCE  # noqa: PLC0415

        sources.register(SOURCE)

        from django.utils.translation import gettext_lazy as _  # noqa: PLC0415

        from kaohe.documents.kinds import Kind, register  # noqa: PLC0415

        register(Kind(BULLETIN_KIND, _("督查情况通报"), prefix="督通", order=40))
