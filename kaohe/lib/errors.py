"""Clear not-found and forbidden messages for users, in their language.

Raise ``NotFound(_("…"))`` / ``Forbidden(_("…"))`` from a view and the shell's
404/403 page shows that message (plain ``Http404``/``PermissionDenied`` messages
are technical and are not shown). Every layer may raise them, so they live here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404


class NotFound(Http404):
    """A 404 whose message is written for the user (translated, no internals)."""

    def __init__(self, message):
        super().__init__(message)
        self.user_message = message


class Forbidden(PermissionDenied):
    """A 403 whose message is written for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.user_message = message


def user_message(exception) -> str:
    return str(getattr(exception, "user_message", "") or "")


#: The API's message when the database connection failed mid-request (503, with ``Retry-After``).
DATABASE_UNAVAILABLE = "the database connection was interrupted; try again in a moment (check whether a write was stored)"
#: Seconds a client is asked to wait before retrying after that 503 (the next request reconnects).
RETRY_AFTER = "2"
