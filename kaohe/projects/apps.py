from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "kaohe.projects"
    label = "projects"
    verbose_name = _("重大项目")

    def ready(self) -> None:
        from kaohe.assessment import sources  # noqa: PLC0415 — models are ready only now
        from kaohe.projects.sources import SOURCE  # noqa: PLC0415

        sources.register(SOURCE)
