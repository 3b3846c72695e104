"""The one audit writer. Every create/update/delete of domain data goes through ``record``."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from kaohe.audit.context import current
from kaohe.audit.models import AuditAction, AuditEntry
from kaohe.lib.changes import jsonable
from kaohe.orgs.permissions import check


def content_type_of(obj_or_type: models.Model | type[models.Model] | str | ContentType) -> ContentType:
    """The content type of an object, a model class or an ``app_label.modelname`` string."""
    if isinstance(obj_or_type, ContentType):
        return obj_or_type
    if isinstance(obj_or_type, str):
        app_label, _dot, model = obj_or_type.partition(".")
        try:
            return ContentType.objects.get_by_natural_key(app_label, model)
        except ContentType.DoesNotExist:
            # A model class exists for every type the code records; its row may not yet.
            return ContentType.objects.get_for_model(apps.get_model(app_label, model))
    return ContentType.objects.get_for_model(obj_or_type)


def unit_of(obj: models.Model | None) -> int | None:
    """The id of the unit an object belongs to: a unit is its own; else its ``unit`` field."""
    if obj is None:
        return None
    if obj._meta.label_lower == "orgs.orgunit":
        return obj.pk
    field = next((f for f in obj._meta.concrete_fields if f.name == "unit" and f.is_relation), None)
    if field is not None and field.related_model._meta.label_lower == "orgs.orgunit":
        return getattr(obj, field.attname)
    return None


def _actor(user) -> tuple[int | None, str, int | None]:
    """(user id, username, the person's unit id) of ``user`` or the request's user."""
    from django.contrib.auth import get_user_model

    from kaohe.orgs.models import Person

    ctx = current.get()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    user_id = user.pk if user is not None else ctx.user_id
    if user_id is None:
        return None, "", None
    username = user.get_username() if user is not None else (
        get_user_model().objects.filter(pk=user_id).values_list("username", flat=True).first() or "")
    unit_id = Person.objects.filter(user_id=user_id).values_list("unit_id", flat=True).first()
    return user_id, username, unit_id


_FROM_OBJECT = object()


def record(
    action: str | AuditAction,
    obj: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    user=None,
    parent: models.Model | None = None,
    unit: Any = _FROM_OBJECT,
    object_type: str | type[models.Model] | None = None,
    object_id: int | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    """Write one audit entry — the one writer of the change log.

    ``obj`` is the object changed; for a batch (many values, a day's warnings) pass
    ``object_type`` and no id. ``parent`` is the object it belongs to (上级对象: a report's
    project, a batch of values' submission). ``unit`` is the object's unit (OrgUnit, id
    or None); by default the object's own (``unit_of``), else its parent's. ``user``
    defaults to the request's user; the actor's unit is recorded beside the object's.
    """
    entry = _entry(_actor(user), action, obj, before=before, after=after, reason=reason, parent=parent, unit=unit,
                   object_type=object_type, object_id=object_id, object_repr=object_repr)
    entry.save(force_insert=True)
    return entry


def record_many(action: str | AuditAction, entries: list[dict], *, reason: str = "", user=None) -> list[AuditEntry]:
    """Write several entries of one action by one actor in one INSERT (``record``'s keywords
    per entry: ``obj``, ``parent``, ``unit``, ``object_type``, ``object_repr``, ``after`` …);
    returns them saved, in order. A bulk save of many submissions' values is one round trip
    to the log, not one per submission."""
    actor = _actor(user)
    built = [_entry(actor, action, e.pop("obj", None), reason=e.pop("reason", reason), **e) for e in map(dict, entries)]
    return AuditEntry.objects.bulk_create(built) if built else []


def _entry(actor: tuple[int | None, str, int | None], action: str | AuditAction, obj: models.Model | None = None, *,
           before: dict | None = None, after: dict | None = None, reason: str = "", parent: models.Model | None = None,
           unit: Any = _FROM_OBJECT, object_type: str | type[models.Model] | None = None, object_id: int | None = None,
           object_repr: str | None = None) -> AuditEntry:
    """The unsaved entry ``record`` writes."""
    user_id, username, actor_unit_id = actor
    if unit is _FROM_OBJECT:
        unit_id = unit_of(obj) if obj is not None else None
        if unit_id is None:
            unit_id = unit_of(parent)
    else:
        unit_id = unit.pk if isinstance(unit, models.Model) else unit
    ctx = current.get()
    ct = content_type_of(object_type if object_type is not None else obj) if (object_type or obj) is not None else None
    return AuditEntry(
        user_id=user_id,
        username=username,
        actor_unit_id=actor_unit_id,
        action=str(action),
        object_type=ct,
        object_id=object_id if object_id is not None else (obj.pk if obj is not None else None),
        object_repr=(object_repr if object_repr is not None else str(obj) if obj is not None else "")[:300],
        related_object_type=content_type_of(parent) if parent is not None else None,
        related_object_id=parent.pk if parent is not None else None,
        object_unit_id=unit_id,
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        reason=reason,
        request_id=ctx.request_id,
        ip=ctx.ip,
    )


# ---- reading the trail --------------------------------------------------------------------


def object_type_of(obj_or_type: models.Model | type[models.Model] | str) -> str:
    """The ``app_label.modelname`` under which ``record`` files an object."""
    if isinstance(obj_or_type, str):
        return obj_or_type
    return obj_or_type._meta.label_lower


def history_for(obj: models.Model):
    """Every entry about ``obj`` itself, newest first ("a value's history is one click away")."""
    return AuditEntry.objects.filter(object_type=content_type_of(obj), object_id=obj.pk)


def object_and_children(object_type: str | models.Model | type[models.Model], object_id: int) -> Q:
    """The filter "this object, or an object whose parent it is" (two index ranges, one query)."""
    ct = content_type_of(object_type)
    return Q(object_type=ct, object_id=object_id) | Q(related_object_type=ct, related_object_id=object_id)


def changes_under(obj: models.Model):
    """Every change to ``obj`` and to the objects under it — a project, its reports,
    problems and milestones — newest first, in one indexed query."""
    return AuditEntry.objects.filter(object_and_children(obj, obj.pk))


def history_url(obj: models.Model | str, object_id: int | str | None = None) -> str:
    """The audit-log page filtered to one object (and the objects under it):
    ``history_url(unit)`` or ``history_url("orgs.orgunit", 7)``."""
    from urllib.parse import urlencode

    from django.urls import reverse

    pk = object_id if object_id is not None else obj.pk  # type: ignore[union-attr]
    return reverse("audit:log") + "?" + urlencode({"object_type": object_type_of(obj), "object_id": str(pk)})


def object_type_label(object_type: str | ContentType | None) -> str:
    """The model's verbose name for an object type (the raw type if the model is gone)."""
    if object_type is None:
        return ""
    if isinstance(object_type, ContentType):
        model = object_type.model_class()
        return str(model._meta.verbose_name) if model is not None else f"{object_type.app_label}.{object_type.model}"
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def changes(before: Any, after: Any) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for every field that differs; timestamps left out."""
    before = before if isinstance(before, dict) else ({} if before is None else {"value": before})
    after = after if isinstance(after, dict) else ({} if after is None else {"value": after})
    rows = []
    for key in list(dict.fromkeys([*before, *after])):
        if key in ("created_at", "updated_at"):
            continue
        old, new = before.get(key), after.get(key)
        if old != new:
            rows.append((key, old, new))
    return rows


def visible_entries(user):
    """The entries ``user`` may read (rule ``audit.view``), within scope (``AuditEntry.objects.visible_to``):
    entries whose object's unit or actor's unit is in the user's scope; entries naming neither
    only for a top-level office."""
    if not check(user, "audit.view"):
        return AuditEntry.objects.none()
    return AuditEntry.objects.visible_to(user)
