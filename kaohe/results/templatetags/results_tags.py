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


@register.filter
def group_name(code, run):
    """``{{ code|group_name:run }}``: a peer group's name (主城区), never its code (ZCQ)."""
    if not code or run is None:
        return code or ""
    from kaohe.results.queries import group_names

    return group_names(run).get(code) or code


@register.filter
def indicator_name(code, run):
    """``{{ code|indicator_name:run }}``: an indicator's name from the run's scheme summary."""
    if not code or run is None:
        return code or ""
    meta = (getattr(run, "scheme_meta", None) or {}).get("indicators", {})
    return (meta.get(code) or {}).get("name") or code


@register.filter
def indicator_uom(code, run):
    """``{{ code|indicator_uom:run }}``: the indicator's unit of measure ("" when it has none)."""
    meta = (getattr(run, "scheme_meta", None) or {}).get("indicators", {}) if run is not None else {}
    return (meta.get(code) or {}).get("unit") or ""
