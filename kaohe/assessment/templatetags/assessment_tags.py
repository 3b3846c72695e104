"""Names, not codes, on the scheme pages: ``{{ code|name_of:names }}``, ``{{ codes|names_of:names }}``,
``{{ leaf.method|method_label }}``."""

from django import template

from kaohe.assessment.schemes import FIELD_LABELS, method_label, params_text

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


@register.filter
def params_words(params):
    return params_text(params)


@register.filter
def field_labels(fields):
    return "、".join(str(FIELD_LABELS.get(f, f)) for f in (fields or ()))
