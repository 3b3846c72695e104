"""公开承诺 (commitments): 百名局长百件事 and its sibling campaigns."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "kaohe.commitments"
    label = "commitments"
    verbose_name = _("公开承诺")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _  # noqa: PLC0415

        from kaohe.assessment import sources  # noqa: PLC0415 — models are ready only now
        from kaohe.commitments.notice import KIND  # noqa: PLC0415
        from kaohe.commitments.sources import SOURCE  # noqa: PLC0415
        from kaohe.documents.kinds import Kind, register  # noqa: PLC0415

        sources.register(SOURCE)
        register(Kind(KIND, _("承诺事项进展公示"), prefix="诺公", order=60))
