"""Stamp every request with an id and remember who/where for the audit writer."""

from __future__ import annotations

import ipaddress
import re
import uuid

from django.conf import settings

from kaohe.audit.context import RequestContext, current

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or with ``KAOHE_PROXY_HOPS`` = N trusted proxies in
    front, the address N entries from the right of X-Forwarded-For (entries further left
    are client-supplied and cannot be trusted)."""
    hops = settings.KAOHE_PROXY_HOPS
    address = request.META.get("REMOTE_ADDR")
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A proxy's X-Request-ID is kept (so logs line up) if it looks like an id.
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        user = getattr(request, "user", None)
        token = current.set(
            RequestContext(
                user_id=user.pk if user is not None and user.is_authenticated else None,
                request_id=request_id,
                ip=client_ip(request),
            )
        )
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response["X-Request-ID"] = request_id
        return response
