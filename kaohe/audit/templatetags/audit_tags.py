"""``{% load audit_tags %}{% history_link obj %}``: a one-click link to an object's change history."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from kaohe.audit.services import history_url
from kaohe.orgs.permissions import check

register = template.Library()


@register.simple_tag(takes_context=True)
def history_link(context, obj, label: str | None = None):
    """A link to the audit log filtered to ``obj``; empty for users who may not read the log."""
    request = context.get("request")
    if obj is None or getattr(obj, "pk", None) is None or request is None or not check(request.user, "audit.view"):
        return ""
    return format_html('<a class="btn btn-sm btn-link history-link" href="{}">{}</a>', history_url(obj),
                       label or _("修改记录"))


@register.filter
def audit_value(value) -> str:
    """A before/after value as short text (JSON structures compact, None as —)."""
    import json

    if value is None or value == "":
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
