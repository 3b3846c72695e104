"""Announcing a change to domain data, for the layers below the audit trail.

The audit app (``kaohe.audit``) sits above the organisation app, yet every change
to a unit, a placement or a peer group must reach the trail. Code that may import
``kaohe.audit`` calls ``kaohe.audit.services.record`` directly; code below it (orgs)
calls ``announce`` with the same arguments, and the audit app's receiver writes the
entry through ``record`` — still one writer, reached without an upward import.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile
from django.dispatch import Signal

#: Sent by ``announce``; kwargs are ``record``'s (action, obj, before, after, reason, user, …).
object_changed = Signal()


def announce(action: str, obj: models.Model | None = None, **details: Any) -> None:
    """A change happened: ``action`` is an ``AuditAction`` value ("create", "update", …)."""
    responses = object_changed.send(sender=type(obj) if obj is not None else None, action=action, obj=obj,
                                    **details)
    if not responses:
        # Without a receiver the change would go unrecorded: refuse rather than lose it.
        raise RuntimeError("no audit receiver is connected to kaohe.lib.changes.object_changed")


def jsonable(value: Any) -> Any:
    """``value`` as JSON-ready data (decimals and UUIDs as text, dates ISO, models as their pk)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):  # a file field: its stored name ("" when empty)
        return value.name or ""
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The model's concrete field values as JSON-ready data (FKs as ids)."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.attname] = jsonable(getattr(obj, field.attname))
    return data
