"""JSON API of the inbox (mounted at /api/notifications/): each user reads only their own."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from kaohe.lib.params import Id, Offset
from kaohe.notifications import services
from kaohe.notifications.models import Notification

router = Router(tags=["notifications"])
MAX_LIMIT = 200


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class InboxOut(Schema):
    unread: int
    items: list[NotificationOut]


def _out(n: Notification) -> dict:
    return {"id": n.pk, "kind": n.kind, "kind_label": n.get_kind_display(), "title": n.title, "body": n.body,
            "link": n.link, "created_at": n.created_at, "read_at": n.read_at}


@router.get("/", operation_id="notifications_notification_list", summary="我的消息（新的在前） / The signed-in user's notifications, newest first", response=InboxOut)
def inbox(request, unread: bool = False, limit: int = 50, offset: Offset = 0):
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise HttpError(422, f"limit must be 1–{MAX_LIMIT} and offset ≥ 0")
    qs = services.inbox(request.user)
    if unread:
        qs = qs.unread()
    return {"unread": services.unread_count(request.user), "items": [_out(n) for n in qs[offset:offset + limit]]}


@router.post("/{notification_id}/read", operation_id="notifications_notification_read", summary="标为已读 / Mark one of your notifications read", response=NotificationOut)
def read(request, notification_id: Id):
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=notification_id)
    return _out(services.mark_read(notification))


@router.post("/read-all", operation_id="notifications_notification_read_all", summary="全部标为已读 / Mark all your notifications read")
def read_all(request):
    return {"marked": services.mark_all_read(request.user)}
