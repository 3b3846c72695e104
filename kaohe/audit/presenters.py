"""Audit entries as people read them: field labels instead of column names, names instead of ids."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.audit.services import changes

#: Keys services put into before/after that are not model fields.
EXTRA_LABELS = {
    "valid_from": _("生效日期"),
    "members": _("成员"),
    "rows": _("行数"),
    "created": _("新建"),
}


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def describe(entries: list) -> dict[int, list[tuple[str, Any, Any]]]:
    """For each entry id: (label, before, after) rows, foreign keys shown as ``name (#id)``.

    Related names are fetched in one query per related model for the whole page.
    """
    wanted: dict[type[models.Model], set] = {}
    raw: dict[int, tuple[type[models.Model] | None, list]] = {}
    for entry in entries:
        model = _model(entry.object_type)
        rows = changes(entry.before, entry.after)
        raw[entry.pk] = (model, rows)
        if model is None:
            continue
        fks = {f.attname: f.related_model for f in model._meta.concrete_fields if f.is_relation}
        for key, old, new in rows:
            if key in fks:
                wanted.setdefault(fks[key], set()).update(v for v in (old, new) if isinstance(v, int | str))
    names: dict[tuple[type[models.Model], str], str] = {}
    for related, ids in wanted.items():
        for obj in related._default_manager.filter(pk__in=ids):
            names[(related, str(obj.pk))] = str(obj)

    described: dict[int, list[tuple[str, Any, Any]]] = {}
    for entry_id, (model, rows) in raw.items():
        if model is None:
            described[entry_id] = [(str(EXTRA_LABELS.get(k, k)), o, n) for k, o, n in rows]
            continue
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        out = []
        for key, old, new in rows:
            field = by_attname.get(key)
            if field is None:
                out.append((str(EXTRA_LABELS.get(key, key)), old, new))
                continue
            label = str(field.verbose_name)

            def show(value, field=field):
                if value is None or value == "":
                    return value
                if field.is_relation:
                    name = names.get((field.related_model, str(value)))
                    return f"{name} (#{value})" if name else f"#{value}"
                if field.choices:
                    return str(dict(field.flatchoices).get(value, value))
                return value

            out.append((label, show(old), show(new)))
        described[entry_id] = out
    return described
