"""The one audit writer. Every create/update/delete of domain data goes through ``record``."""

from __future__ import annotations

from typing import Any

from django.db import models

from kaohe.audit.context import current
from kaohe.audit.models import AuditAction, AuditEntry
from kaohe.lib.changes import jsonable
from kaohe.orgs.permissions import check


def record(
    action: str | AuditAction,
    obj: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    user=None,
    unit=None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    """Write one audit entry. ``user`` defaults to the request's user."""
    ctx = current.get()
    user_id = user.pk if user is not None else ctx.user_id
    username = user.get_username() if user is not None else ""
    if user is None and user_id is not None:
        from django.contrib.auth import get_user_model

        username = get_user_model().objects.filter(pk=user_id).values_list("username", flat=True).first() or ""
    if unit is None and user_id is not None:
        from kaohe.orgs.models import Person

        unit_id = Person.objects.filter(user_id=user_id).values_list("unit_id", flat=True).first()
    else:
        unit_id = unit.pk if unit is not None else None
    return AuditEntry.objects.create(
        user_id=user_id,
        username=username,
        unit_id=unit_id,
        action=str(action),
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(object_id if object_id is not None else (obj.pk if obj is not None else "")),
        object_repr=(object_repr if object_repr is not None else str(obj) if obj is not None else "")[:300],
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        reason=reason,
        request_id=ctx.request_id,
        ip=ctx.ip,
    )


# ---- reading the trail --------------------------------------------------------------------


def object_type_of(obj_or_type: models.Model | type[models.Model] | str) -> str:
    """The ``object_type`` under which ``record`` files an object: ``app_label.modelname``."""
    if isinstance(obj_or_type, str):
        return obj_or_type
    return obj_or_type._meta.label_lower


def history_for(obj: models.Model):
    """Every entry about ``obj``, newest first ("a value's history is one click away")."""
    return AuditEntry.objects.filter(object_type=object_type_of(obj), object_id=str(obj.pk))


def history_url(obj: models.Model | str, object_id: str | int | None = None) -> str:
    """The audit-log page filtered to one object: ``history_url(unit)`` or ``history_url("orgs.orgunit", 7)``."""
    from urllib.parse import urlencode

    from django.urls import reverse

    pk = object_id if object_id is not None else obj.pk  # type: ignore[union-attr]
    return reverse("audit:log") + "?" + urlencode({"object_type": object_type_of(obj), "object_id": str(pk)})


def object_type_label(object_type: str) -> str:
    """The model's verbose name for an ``object_type`` (the raw type if the model is gone)."""
    from django.apps import apps

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
    entries of units in the user's scope; entries without a unit only for a top-level office."""
    if not check(user, "audit.view"):
        return AuditEntry.objects.none()
    return AuditEntry.objects.visible_to(user)
