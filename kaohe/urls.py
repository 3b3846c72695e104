"""URL map: each domain app contributes its own urls module."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns  # noqa: F401 — kept for apps that want prefixed URLs
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("kaohe.api.urls")),
    path("audit/", include("kaohe.audit.urls")),
    path("notifications/", include("kaohe.notifications.urls")),
    path("orgs/", include("kaohe.orgs.urls")),
    path("", include("kaohe.web.urls")),
]

handler400 = "kaohe.web.views.errors.bad_request"
handler403 = "kaohe.web.views.errors.permission_denied"
handler404 = "kaohe.web.views.errors.page_not_found"
handler500 = "kaohe.web.views.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
