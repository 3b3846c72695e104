from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "kaohe.documents"
    label = "documents"
