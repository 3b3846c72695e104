"""Cheap per-row filters for the project pages (list pages render hundreds of rows)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from kaohe.lib.numbers import number

register = template.Library()


@register.filter
def light(level: str) -> str:
    """红/黄/绿灯 as a coloured dot with its word."""
    label = {"red": _("红灯"), "yellow": _("黄灯")}.get(level, _("绿灯"))
    return format_html('<span class="light light-{}">{}</span>', level if level in ("red", "yellow") else "green", label)


@register.filter
def wan(value) -> str:
    """An amount in 万元 with thousands separators and no decimals (— when empty)."""
    return number(value, 0)


@register.filter
def stage_name(stage) -> str:
    """A stage's name in the user's language (its English name when the page is English)."""
    from django.utils.translation import get_language

    if stage is None:
        return ""
    if (get_language() or "").startswith("en") and stage.name_en:
        return stage.name_en
    return stage.name
