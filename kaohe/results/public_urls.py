"""The public (no login) pages of published results, mounted at /public/ (namespace ``public``)."""

from django.urls import path

from kaohe.results import views

app_name = "public"

urlpatterns = [
    path("", views.public_index, name="index"),
    path("<int:pk>/", views.public_detail, name="detail"),
]
