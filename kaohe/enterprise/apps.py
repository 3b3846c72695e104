from django.apps import AppConfig


class EnterpriseConfig(AppConfig):
    name = "kaohe.enterprise"
    label = "enterprise"
