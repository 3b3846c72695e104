from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "kaohe.projects"
    label = "projects"

    def ready(self) -> None:
        from kaohe.assessment import sources  # noqa: PLC0415 — models are ready only now
        from kaohe.projects.sources import SOURCE  # noqa: PLC0415

        sources.register(SOURCE)
