"""``{% load orgs_tags %}``: ``{{ unit|unit_name }}`` in the page's language, ``{% unit_link unit %}``."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


@register.filter
def unit_name(unit) -> str:
    """The unit's name in the current language (English name when set and English is chosen)."""
    if unit is None:
        return ""
    return unit.display_name(get_language())


@register.simple_tag
def unit_link(unit, linkable: bool = True):
    """A link to the unit's page (plain text when the viewer may not open it)."""
    if unit is None:
        return ""
    if not linkable:
        return unit_name(unit)
    return format_html('<a href="{}">{}</a>', reverse("orgs:unit", args=[unit.code]), unit_name(unit))


@register.simple_tag(takes_context=True)
def may(context, rule: str, obj=None) -> bool:
    """``{% may "assessment.view_values" as can_fill %}``: whether the viewer passes ``rule`` (on
    ``obj``) — links are shown only to those who may open them (kaohe.orgs.permissions.check)."""
    from kaohe.orgs.permissions import check

    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user is not None and check(user, rule, obj))
