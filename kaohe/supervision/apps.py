from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "kaohe.supervision"
    label = "supervision"
