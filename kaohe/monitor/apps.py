from django.apps import AppConfig


class MonitorConfig(AppConfig):
    name = "kaohe.monitor"
    label = "monitor"
