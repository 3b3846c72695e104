from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "kaohe.results"
    label = "results"

    def ready(self) -> None:
        from kaohe.results.receivers import connect

        connect()
