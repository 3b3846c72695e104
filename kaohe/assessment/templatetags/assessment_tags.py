"""Names, not codes, on the scheme pages: ``{{ code|name_of:names }}``, ``{{ codes|names_of:names }}``,
``{{ leaf.method|method_label }}``."""

import html

from django import template
from django.utils.safestring import mark_safe

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


@register.simple_tag
def ed_field(f):
    """One field of the scheme editor (label, input or list, help, errors) — built here with the
    standard library's escape rather than by an included template or format_html, since a large
    scheme has some 3,000 of them on one page (97 indicators: 2.4 s of escaping wrappers before)."""
    attrs = f["attrs"]
    e = _esc
    name = e(f["name"])
    data = "".join(f' data-{k}="{e(attrs[a])}"' for k, a in (("ed", "ed"), ("ed-options", "options")) if attrs.get(a))
    if f["kind"] == "select":
        value = f["value"]
        options = "".join(f'<option value="{e(code)}"{" selected" if code == value else ""}>{e(label)}</option>'
                          for code, label in f["choices"])
        control = f'<select id="{name}" name="{name}"{data}>{options}</select>'
    else:
        extra = ' inputmode="decimal"' if f["kind"] == "number" else ' list="ed-units-of-measure"' if f["kind"] == "datalist" else ""
        placeholder = f' placeholder="{e(attrs["placeholder"])}"' if attrs.get("placeholder") else ""
        control = f'<input id="{name}" name="{name}" value="{e(f["value"])}"{extra}{data}{placeholder} autocomplete="off">'
    param = ""
    if attrs.get("param"):
        param = f' data-ed-param="{e(attrs["param"])}"'
        if f.get("required_in_mode"):
            param += f' data-ed-required-in-mode="{e(f["required_in_mode"])}"'
    required = ' class="required"' if attrs.get("required") or f.get("required") else ""
    help_text = f'<p class="helptext">{e(attrs["help"])}</p>' if attrs.get("help") else ""
    errors = ('<ul class="errorlist" data-ed-error>' + "".join(f"<li>{e(x)}</li>" for x in f["errors"]) + "</ul>") if f["errors"] else ""
    has_error = " field-has-error" if f["errors"] else ""
    return mark_safe(f'<div class="field ed-field{has_error}"{param}><label for="{name}"{required}>{e(f["label"])}</label>'  # noqa: S308 — every part escaped above
                     f"{control}{help_text}{errors}</div>")


def _esc(value) -> str:
    return html.escape(str(value), quote=True)
