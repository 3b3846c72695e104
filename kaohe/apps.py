from django.apps import AppConfig


class KaoheConfig(AppConfig):
    """The project package itself: holds the CLI's management commands."""

    name = "kaohe"
    verbose_name = "kaohe"
