"""公开承诺 (commitments): 百名局长百件事 and its sibling campaigns."""
from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "kaohe.commitments"
    label = "commitments"

    def ready(self) -> None:
        from kaohe.assessment import sources  # noqa: PLC0415 — models are ready only now
        from kaohe.commitments.sources import SOURCE  # noqa: PLC0415

        sources.register(SOURCE)
