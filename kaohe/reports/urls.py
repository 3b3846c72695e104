from django.urls import path

from kaohe.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("new", views.new, name="new"),
    path("<int:pk>/", views.document, name="document"),
    path("<int:pk>/file.<str:fmt>", views.download, name="download"),
    path("projects-bulletin/<int:year>/<int:month>.<str:fmt>", views.projects_bulletin, name="projects_bulletin"),
]
