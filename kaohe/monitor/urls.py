"""URLs of the economic monitor (namespace ``monitor``, mounted at /monitor/)."""

from django.urls import path

from kaohe.monitor import views

app_name = "monitor"

urlpatterns = [
    path("", views.board, name="board"),
    path("analysis.docx", views.bulletin, name="bulletin"),
    path("analysis/draft/", views.bulletin_draft, name="bulletin_draft"),
    path("settings/", views.settings, name="settings"),
    path("indicators/<str:code>/", views.indicator, name="indicator"),
    path("units/<str:code>/", views.unit, name="unit"),
]
