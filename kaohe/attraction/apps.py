from django.apps import AppConfig


class AttractionConfig(AppConfig):
    name = "kaohe.attraction"
    label = "attraction"
