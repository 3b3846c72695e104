from django.apps import AppConfig


class KaoheConfig(AppConfig):
    """The project package itself: holds the CLI's management commands and the guards every model gets."""

    name = "kaohe"
    verbose_name = "kaohe"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from kaohe.lib.bounds import guard

        pre_save.connect(guard, dispatch_uid="kaohe.lib.bounds.guard")  # every model's DecimalFields
