from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "kaohe.assessment"
    label = "assessment"
