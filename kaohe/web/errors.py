"""Clear not-found and forbidden messages for users, in their language.

Raise ``NotFound(_("…"))`` / ``Forbidden(_("…"))`` from a view and the shell's
404/403 page shows that message (plain ``Http404``/``PermissionDenied`` messages
are technical and are not shown). ``unit_or_404(code)`` is the one way to turn
a unit code in a URL into an ``OrgUnit``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _


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


def unit_or_404(code: str):
    """The org unit with this code, or a 404 saying no unit has that code."""
    from kaohe.orgs.models import OrgUnit

    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise NotFound(_("没有代码为“%(code)s”的单位。请检查链接，或从单位列表中选择。") % {"code": code})
    return unit
