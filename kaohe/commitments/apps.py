from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "kaohe.commitments"
    label = "commitments"
