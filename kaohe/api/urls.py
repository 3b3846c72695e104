"""The JSON API (OpenAPI at /api/docs and /api/openapi.json) and the page that issues its tokens.

Apps register routers in kaohe.api.routers."""

from django.urls import path

from kaohe.api import views
from kaohe.api.routers import api

urlpatterns = [
    path("tokens/", views.tokens, name="api_tokens"),
    path("", api.urls),
]
