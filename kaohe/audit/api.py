"""JSON API of the audit log (mounted at /api/audit/): the office reads entries, filtered like the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Router, Schema
from ninja.errors import HttpError

from kaohe.audit.forms import AuditFilterForm
from kaohe.audit.services import visible_entries
from kaohe.orgs.permissions import check

router = Router(tags=["audit"])
MAX_LIMIT = 1000


class EntryOut(Schema):
    id: int
    at: dt.datetime
    username: str
    unit: str | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: Any
    after: Any
    reason: str
    request_id: str
    ip: str | None


@router.get("/entries", response=list[EntryOut], summary="Audit entries, newest first")
def entries(request, user: str = "", unit: str = "", object_type: str = "", object_id: str = "", action: str = "",
            date_from: dt.date | None = None, date_to: dt.date | None = None, limit: int = 100, offset: int = 0):
    if not check(request.user, "audit.view"):
        raise HttpError(403, "permission denied: audit.view")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise HttpError(422, f"limit must be 1–{MAX_LIMIT} and offset ≥ 0")
    form = AuditFilterForm({"user": user, "unit": unit, "object_type": object_type, "object_id": object_id,
                            "action": action, "date_from": date_from or "", "date_to": date_to or ""})
    if not form.is_valid():
        raise HttpError(422, "; ".join(f"{field}: {' '.join(errs)}" for field, errs in form.errors.items()))
    qs = form.filter(visible_entries(request.user)).select_related("unit")[offset:offset + limit]
    return [
        {"id": e.pk, "at": e.at, "username": e.username, "unit": e.unit.code if e.unit_id else None,
         "action": e.action, "object_type": e.object_type, "object_id": e.object_id, "object_repr": e.object_repr,
         "before": e.before, "after": e.after, "reason": e.reason, "request_id": e.request_id, "ip": e.ip}
        for e in qs
    ]
