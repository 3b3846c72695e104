from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kaohe.reports"
    label = "reports"
