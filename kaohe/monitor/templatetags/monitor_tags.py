"""Template helpers of the monitor: figures with units, checks as coloured marks, rank arrows."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kaohe.lib import numbers as n

register = template.Library()


@register.filter
def fig(value, unit=""):
    """A figure with its unit of measure (``5.3%``, ``1,234.56亿元``); — when missing."""
    return n.figure(value, unit)


@register.filter
def pp(value):
    """A difference in percentage points, signed: ``+2.2个百分点``."""
    if value is None:
        return n.MISSING
    return f"{n.signed(value, 1)}{_('个百分点')}"


@register.filter
def check_class(value):
    """Red when met, green when not (Chinese convention: red is good), plain when not judged."""
    return "" if value is None else ("mon-ok" if value else "mon-miss")


@register.simple_tag
def check_mark(value):
    if value is None:
        return mark_safe('<span class="mon-na">—</span>')  # noqa: S308 — a constant
    return format_html('<span class="mon-mark {}">{}</span>', "mon-ok" if value else "mon-miss",
                       _("是") if value else _("否"))


@register.simple_tag
def move(value):
    """The rank change: ↑2 (red, moved up), ↓1 (green, moved down), → (unchanged), — (no previous)."""
    if value is None:
        return format_html('<span class="rk-flat" title="{}">—</span>', _("无上期数据"))
    if value > 0:
        return format_html('<span class="change-up" title="{}">↑{}</span>', _("较上期前移"), value)
    if value < 0:
        return format_html('<span class="change-down" title="{}">↓{}</span>', _("较上期后移"), -value)
    return format_html('<span class="change-flat" title="{}">→</span>', _("位次不变"))


@register.filter
def rank_move(row, which="growth"):
    """prev − now for a row dict's growth (or amount) rank."""
    if not row:
        return None
    now, prev = row.get(f"{which}_rank"), row.get(f"prev_{which}_rank")
    return None if now is None or prev is None else prev - now
