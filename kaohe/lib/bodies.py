"""Bounded request bodies: an endpoint that reads the stream itself (the bulk value push, far
above Django's in-memory form limit) reads at most ``limit`` bytes and refuses a larger body
from its declared length before reading it, or as soon as the stream passes the bound."""

from __future__ import annotations

CHUNK = 1024 * 1024


class BodyTooLarge(ValueError):
    def __init__(self, limit: int):
        self.limit = limit
        mb = f"{limit / 1024 / 1024:.0f} MB" if limit >= 1024 * 1024 else f"{limit} bytes"
        self.reason = f"请求内容超过 {mb} 上限，请分批提交"
        self.reason_en = f"request body is larger than the {mb} limit; send it in several requests"
        super().__init__(self.reason_en)


def read_bounded(request, limit: int) -> bytes:
    """The body of ``request``, at most ``limit`` bytes, else :class:`BodyTooLarge`."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise BodyTooLarge(limit)
    if getattr(request, "_read_started", False):
        body = request.body
        if len(body) > limit:
            raise BodyTooLarge(limit)
        return body
    parts, total = [], 0
    while True:
        chunk = request.read(CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise BodyTooLarge(limit)
        parts.append(chunk)
    return b"".join(parts)
