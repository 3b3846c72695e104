"""Stamp every request with an id and remember who/where for the audit writer."""

from __future__ import annotations

import uuid

from kaohe.audit.context import RequestContext, current


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        request.request_id = request_id
        user = getattr(request, "user", None)
        token = current.set(
            RequestContext(
                user_id=user.pk if user is not None and user.is_authenticated else None,
                request_id=request_id,
                ip=request.META.get("REMOTE_ADDR"),
            )
        )
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response["X-Request-ID"] = request_id
        return response
