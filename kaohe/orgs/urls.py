from django.urls import path

from kaohe.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("groups/", views.peer_groups, name="peer_groups"),
    path("u/<str:code>/", views.unit_detail, name="unit"),
]
