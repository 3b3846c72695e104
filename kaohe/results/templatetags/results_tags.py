"""Small template helpers for the results pages."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ d|get_item:k }}``: a dict lookup with a variable key (None when absent)."""
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None
