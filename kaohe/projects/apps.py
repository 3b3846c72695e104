from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "kaohe.projects"
    label = "projects"
