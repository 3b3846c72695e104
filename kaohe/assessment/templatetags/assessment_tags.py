"""Names, not codes, on the scheme pages: ``{{ code|name_of:names }}``, ``{{ codes|names_of:names }}``,
``{{ leaf.method|method_label }}``."""

from django import template

from kaohe.assessment.schemes import method_label

register = template.Library()


@register.filter
def name_of(code, names):
    """An indicator's or category's name from ``names`` (code → name); the code when unknown."""
    try:
        return names.get(code) or code
    except AttributeError:
        return code


@register.filter
def names_of(codes, names):
    """Several codes as their names, joined by 、."""
    return "、".join(name_of(c, names) for c in (codes or ()))


@register.filter(name="method_label")
def method_label_filter(code):
    return method_label(code)
