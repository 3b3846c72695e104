"""One NinjaAPI instance; each domain app adds its router here.

Errors: every error on an API path is JSON ``{"detail": "<message>"}`` (a refused body or query also
lists its ``errors``): 401 without a valid token, 403 a role not allowed, 404 not found or out of the
caller's scope, 409 a conflict with the stored state, 422 a rule or a field refused, 5xx never by design.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, InterfaceError, OperationalError
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from kaohe.api.auth import API_AUTH
from kaohe.assessment.services import WorkflowError
from kaohe.lib.errors import DATABASE_UNAVAILABLE, RETRY_AFTER, user_message

logger = logging.getLogger("kaohe.api")

ERROR_SCHEMA = {
    "type": "object", "title": "Error", "required": ["detail"],
    "properties": {"detail": {"type": "string", "description": "what went wrong, for a person"},
                   "errors": {"description": "the refused fields, when a body or query was refused"}},
}
#: Documented on every operation (a handler may add its own, e.g. 409 with both values).
COMMON_ERRORS = {
    "403": "not allowed for your role",
    "404": "not found, or outside your scope",
    "422": "a field or a rule refused the request",
}


class KaoheAPI(NinjaAPI):
    """The API whose OpenAPI document declares the error answers every operation can give."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for ops in schema["paths"].values():
            for op in ops.values():
                responses = op.setdefault("responses", {})
                errors = dict(COMMON_ERRORS)
                if op.get("security"):
                    errors["401"] = "no valid token (Authorization: Bearer kh_…) or session"
                for status, text in sorted(errors.items()):
                    responses.setdefault(status, {"description": text, **ref})
        return schema


api = KaoheAPI(title="kaohe API", version="1", urls_namespace="api")


def _joined(messages) -> str:
    return "; ".join(str(m) for m in messages)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": user_message(exc) or "forbidden: not allowed for your role or scope"},
                               status=403)


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    """A refused query or body: each field named with its reason, in one message too."""
    parts = [".".join(str(x) for x in e.get("loc", ())) + ": " + str(e.get("msg", "")) for e in exc.errors]
    errors = [{"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
              for e in exc.errors]
    return api.create_response(request, {"detail": _joined(parts) or "invalid request", "errors": errors}, status=422)


@api.exception_handler(DjangoValidationError)
def _refused(request, exc):
    """A service's rule refused the change (the same message the page shows)."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": _joined(exc.messages), "errors": errors}, status=422)


@api.exception_handler(WorkflowError)
def _workflow(request, exc):
    return api.create_response(request, {"detail": _joined(exc.messages), "errors": {"__all__": exc.messages}}, status=422)


@api.exception_handler(DataError)
def _unstorable(request, exc):
    """A value the database cannot hold (a NUL character in a text, a number out of its column's
    range) is the caller's input, not a server fault."""
    logger.info("API %s %s refused by the database: %s", request.method, request.path, exc)
    return api.create_response(request, {"detail": "a value cannot be stored or searched: it holds a NUL character "
                                                   "or is out of range"}, status=422)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_unavailable(request, exc):
    """The database connection failed mid-request (cut, the server restarting): 503 with Retry-After —
    the next request reconnects."""
    logger.warning("API %s %s: the database connection failed: %s", request.method, request.path, exc)
    response = api.create_response(request, {"detail": DATABASE_UNAVAILABLE}, status=503)
    response["Retry-After"] = RETRY_AFTER
    return response


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

api.add_router("/projects/", projects_router, auth=API_AUTH)
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
from kaohe.supervision.api import router as supervision_router  # noqa: E402

api.add_router("/supervision/", supervision_router, auth=API_AUTH)  # 督查督办: tasks, their steps, the board's figures
