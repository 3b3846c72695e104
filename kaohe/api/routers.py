"""One NinjaAPI instance; each domain app adds its router here."""

import logging

from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI

from kaohe.api.auth import API_AUTH
from kaohe.lib.errors import user_message

api = NinjaAPI(title="kaohe API", version="1", urls_namespace="api")
logger = logging.getLogger("kaohe.api")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": user_message(exc) or "forbidden: not allowed for your role or scope"},
                               status=403)


@api.exception_handler(Exception)
def _server_error(request, exc):
    """Every error on an API path is JSON with a message — an unexpected one too (logged with its
    traceback; the client gets no internals), whatever DEBUG says."""
    logger.exception("API %s %s failed", request.method, request.path)
    return api.create_response(request, {"detail": "internal server error (logged); try again later"}, status=500)


@api.get("/health", operation_id="system_health_get", summary="健康检查 / Health check", auth=None, tags=["system"])
def health(request):
    return {"status": "ok"}

from kaohe.projects.api import router as projects_router  # noqa: E402

api.add_router("/projects/", projects_router)
from kaohe.assessment.api import router as assessment_router  # noqa: E402

api.add_router("/assessment/", assessment_router, auth=API_AUTH)  # statistics systems push with tokens
from kaohe.results.api import router as results_router  # noqa: E402

api.add_router("/results/", results_router, auth=API_AUTH)
from kaohe.orgs.api import router as orgs_router  # noqa: E402

api.add_router("/orgs/", orgs_router, auth=API_AUTH)
from kaohe.audit.api import router as audit_router  # noqa: E402

api.add_router("/audit/", audit_router, auth=API_AUTH)
from kaohe.notifications.api import router as notifications_router  # noqa: E402

api.add_router("/notifications/", notifications_router, auth=API_AUTH)  # each user's own inbox
from kaohe.monitor.api import router as monitor_router  # noqa: E402

api.add_router("/monitor/", monitor_router, auth=API_AUTH)  # read only: figures are written through /assessment/
from kaohe.attraction.api import router as attraction_router  # noqa: E402

api.add_router("/attraction/", attraction_router, auth=API_AUTH)
from kaohe.documents.api import router as documents_router  # noqa: E402

api.add_router("/documents/", documents_router, auth=API_AUTH)  # the register of issued documents, read only
from kaohe.commitments.api import router as commitments_router  # noqa: E402

api.add_router("/commitments/", commitments_router, auth=API_AUTH)
from kaohe.enterprise.api import router as enterprise_router  # noqa: E402

api.add_router("/enterprise/", enterprise_router, auth=API_AUTH)  # the enterprise's own link: its verified session only
