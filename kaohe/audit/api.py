"""JSON API of the audit log (mounted at /api/audit/): the office reads entries, filtered like the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from ninja import Router, Schema
from ninja.errors import HttpError

from kaohe.audit.forms import AuditFilterForm
from kaohe.audit.services import visible_entries
from kaohe.lib.params import Id, Offset
from kaohe.orgs.permissions import check

router = Router(tags=["audit"])
MAX_LIMIT = 1000


class EntryOut(Schema):
    id: int
    at: dt.datetime
    username: str
    actor_unit: str | None
    action: str
    object_type: str
    object_id: int | None
    object_repr: str
    related_object_type: str
    related_object_id: int | None
    object_unit: str | None
    before: Any
    after: Any
    reason: str
    request_id: str
    ip: str | None


@router.get("/entries", operation_id="audit_entry_list", summary="审计日志（新的在前） / Audit entries, newest first", response=list[EntryOut])
def entries(request, user: str = "", unit: str = "", object_type: str = "", object_id: Id | None = None, action: str = "",
            date_from: dt.date | None = None, date_to: dt.date | None = None, limit: int = 100, offset: Offset = 0):
    if not check(request.user, "audit.view"):
        raise HttpError(403, "permission denied: audit.view")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise HttpError(422, f"limit must be 1–{MAX_LIMIT} and offset ≥ 0")
    form = AuditFilterForm({"user": user, "unit": unit, "object_type": object_type, "object_id": "" if object_id is None else object_id,
                            "action": action, "date_from": date_from or "", "date_to": date_to or ""})
    if not form.is_valid():
        raise HttpError(422, "; ".join(f"{field}: {' '.join(errs)}" for field, errs in form.errors.items()))
    qs = form.filter(visible_entries(request.user)).select_related("actor_unit", "object_unit")[offset:offset + limit]

    def type_name(ct_id: int | None) -> str:
        if ct_id is None:
            return ""
        ct = ContentType.objects.get_for_id(ct_id)
        return f"{ct.app_label}.{ct.model}"

    return [
        {"id": e.pk, "at": e.at, "username": e.username, "actor_unit": e.actor_unit.code if e.actor_unit_id else None,
         "action": e.action, "object_type": type_name(e.object_type_id), "object_id": e.object_id,
         "object_repr": e.object_repr, "related_object_type": type_name(e.related_object_type_id),
         "related_object_id": e.related_object_id, "object_unit": e.object_unit.code if e.object_unit_id else None,
         "before": e.before, "after": e.after, "reason": e.reason, "request_id": e.request_id, "ip": e.ip}
        for e in qs
    ]
