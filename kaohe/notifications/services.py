"""``notify``: the one way a module tells people something — a notification in each
recipient's inbox (站内通知) and, after the transaction commits, an email through Django's
email backend (the console in the demo; SMTP settings from the environment)."""

from __future__ import annotations

import contextlib
import logging
import smtplib
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.utils import timezone, translation

from kaohe.notifications.models import Notification, NotificationKind
from kaohe.orgs.models import OrgUnit, Person

log = logging.getLogger(__name__)

Recipient = Any  # a user, a Person, an OrgUnit (everyone in it) or None (skipped)


@contextlib.contextmanager
def source_language() -> Iterator[None]:
    """Build a notification's text in the platform's language (Chinese), whatever language the
    person who triggered it reads the pages in: the recipient reads it, not the sender."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def people(unit: OrgUnit | int | None, *roles: str) -> list[Person]:
    """The people of a unit (with one of ``roles`` if given), their users loaded."""
    if unit is None:
        return []
    qs = Person.objects.filter(unit_id=unit.pk if isinstance(unit, OrgUnit) else unit, user__is_active=True)
    if roles:
        qs = qs.filter(role__in=roles)
    return list(qs.select_related("user").order_by("user_id"))


def recipients_of(targets: Iterable[Recipient]) -> list:
    """The distinct active users behind ``targets``, in a stable order."""
    User = get_user_model()
    users: dict[int, Any] = {}
    unit_ids: list[int] = []
    for target in targets:
        if target is None:
            continue
        if isinstance(target, OrgUnit):
            unit_ids.append(target.pk)
        elif isinstance(target, Person):
            users.setdefault(target.user_id, target.user)
        elif isinstance(target, User):
            users.setdefault(target.pk, target)
        else:
            raise TypeError(f"cannot notify {target!r}: pass users, people or units")
    if unit_ids:
        for person in Person.objects.filter(unit_id__in=unit_ids).select_related("user"):
            users.setdefault(person.user_id, person.user)
    return [users[pk] for pk in sorted(users) if users[pk].is_active]


def notify(recipients: Recipient | Iterable[Recipient], kind: str, title: str, body: str = "",
           link: str | None = None, obj: models.Model | None = None) -> list[Notification]:
    """Put one notification in each recipient's inbox and email those with an address.

    ``recipients``: users, people or units (a unit means everyone in it), or one of them.
    ``kind`` is a :class:`NotificationKind`; ``link`` a path inside kaohe; ``obj`` what the
    notification is about. The emails go out once the surrounding transaction commits, so
    a rolled-back change tells nobody.
    """
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}; add it to NotificationKind")
    if isinstance(recipients, OrgUnit | Person | get_user_model()) or recipients is None:
        recipients = [recipients]
    users = recipients_of(recipients)
    if not users:
        return []
    ct = ContentType.objects.get_for_model(obj) if obj is not None else None
    made = Notification.objects.bulk_create([
        Notification(recipient=user, kind=kind, title=str(title)[:200], body=str(body), link=link or "",
                     object_type=ct, object_id=obj.pk if obj is not None else None)
        for user in users
    ])
    if settings.KAOHE_NOTIFY_EMAIL:
        ids = [n.pk for n in made if n.recipient.email]
        if ids:
            transaction.on_commit(lambda: send_emails(ids))
    return made


def absolute(link: str) -> str:
    if not link or "://" in link:
        return link
    return settings.KAOHE_SITE_URL.rstrip("/") + "/" + link.lstrip("/")


def send_emails(notification_ids: list[int]) -> int:
    """Email these notifications (one message each) through one connection; returns how many went.

    A mail server that refuses or cannot be reached is logged; the notifications stay in
    the inbox either way.
    """
    pending = list(Notification.objects.filter(pk__in=notification_ids, emailed=False).select_related("recipient"))
    messages = []
    for n in pending:
        text = n.body + (f"\n\n{absolute(n.link)}" if n.link else "")
        messages.append(EmailMessage(subject=settings.EMAIL_SUBJECT_PREFIX + n.title, body=text,
                                     from_email=settings.DEFAULT_FROM_EMAIL, to=[n.recipient.email]))
    if not messages:
        return 0
    try:
        sent = get_connection().send_messages(messages) or 0
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("notification emails not sent (%s messages): %s", len(messages), exc)
        return 0
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed=True)
    return sent


# ---- the inbox --------------------------------------------------------------------------------


def inbox(user):
    """The user's notifications, newest first."""
    return Notification.objects.for_user(user)


def unread_count(user) -> int:
    """Unread notifications of this user (the header's badge) — counted per request, never cached."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.for_user(user).unread().count()


def mark_read(notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(user) -> int:
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())
