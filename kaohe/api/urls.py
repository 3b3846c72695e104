"""The JSON API (OpenAPI at /api/docs and /api/openapi.json). Apps register routers in kaohe.api.routers."""

from django.urls import path

from kaohe.api.routers import api

urlpatterns = [path("", api.urls)]
