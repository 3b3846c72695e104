from django.urls import path

from kaohe.reports import views

app_name = "reports"

urlpatterns = [
    path("projects-bulletin/<int:year>/<int:month>.<str:fmt>", views.projects_bulletin, name="projects_bulletin"),
]
