"""Per-request context (user, request id, IP) for the audit writer, via contextvars."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    user_id: int | None = None
    request_id: str = ""
    ip: str | None = None


current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar("kaohe_request", default=RequestContext())  # noqa: B039 — frozen
