"""Audit entries as people read them: field labels instead of column names, names instead of ids."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.audit.models import source_label
from kaohe.audit.services import changes

#: Keys services put into before/after that are not model fields.
EXTRA_LABELS = {
    "valid_from": _("生效日期"),
    "members": _("成员"),
    "rows": _("行数"),
    "created": _("新建"),
    "source": _("来源"),
    "values": _("数据项数"),
    "year": _("年度"),
    "version": _("方案版本"),
    "period": _("考核期"),
    "object_key": _("对象标识"),
}

#: Extra keys whose values are codes with a Chinese name.
EXTRA_VALUES = {"source": source_label}


def _model(object_type_id: int | None) -> type[models.Model] | None:
    if object_type_id is None:
        return None
    return ContentType.objects.get_for_id(object_type_id).model_class()


def _extra(key: str, old: Any, new: Any) -> tuple[str, Any, Any]:
    show = EXTRA_VALUES.get(key)
    if show is not None:
        old, new = (show(v) if isinstance(v, str) else v for v in (old, new))
    return str(EXTRA_LABELS.get(key, key)), old, new


def describe(entries: list) -> dict[int, list[tuple[str, Any, Any]]]:
    """For each entry id: (label, before, after) rows, foreign keys shown as ``name (#id)``.

    Related names are fetched in one query per related model for the whole page.
    """
    wanted: dict[type[models.Model], set] = {}
    raw: dict[int, tuple[type[models.Model] | None, list]] = {}
    for entry in entries:
        model = _model(entry.object_type_id)
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
            described[entry_id] = [_extra(k, o, n) for k, o, n in rows]
            continue
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        out = []
        for key, old, new in rows:
            field = by_attname.get(key)
            if field is None:
                out.append(_extra(key, old, new))
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
