"""登录保护: too many failed sign-ins lock the account and, with a higher bound, the client address.

``KAOHE_LOGIN_MAX_FAILURES`` (5) failures of one account, or ``KAOHE_LOGIN_MAX_ADDRESS_FAILURES``
(30) from one address, within ``KAOHE_LOGIN_LOCK_MINUTES`` (15) lock it for that many minutes:
every attempt is refused with a message saying until when — the right password too. A
successful sign-in clears the account's count. Used by the login page and the admin login
(kaohe.web.views.auth.ThrottledLogin).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from kaohe.web.models import LoginThrottle


def _limits() -> dict[str, int]:
    return {"account": settings.KAOHE_LOGIN_MAX_FAILURES, "address": settings.KAOHE_LOGIN_MAX_ADDRESS_FAILURES}


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.KAOHE_LOGIN_LOCK_MINUTES)


def _keys(username: str | None, address: str | None) -> list[tuple[str, str]]:
    keys = []
    if username:
        keys.append(("account", username.strip().lower()[:200]))
    if address:
        keys.append(("address", address[:200]))
    return keys


def locked_until(username: str | None, address: str | None, now: dt.datetime | None = None) -> dt.datetime | None:
    """The end of the lock on this account or address, or None when sign-in may be tried."""
    now = now or timezone.now()
    keys = _keys(username, address)
    if not keys:
        return None
    q = None
    from django.db.models import Q

    for kind, key in keys:
        q = Q(kind=kind, key=key) if q is None else q | Q(kind=kind, key=key)
    ends = [t for t in LoginThrottle.objects.filter(q, locked_until__gt=now).values_list("locked_until", flat=True)]
    return max(ends) if ends else None


def failed(username: str | None, address: str | None, now: dt.datetime | None = None) -> dt.datetime | None:
    """Count one failed sign-in; returns the lock's end when this failure locked (or was locked)."""
    now = now or timezone.now()
    limits, window = _limits(), _window()
    until = None
    for kind, key in _keys(username, address):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    LoginThrottle.objects.get_or_create(kind=kind, key=key, defaults={"window_start": now})
            except IntegrityError:
                pass
            row = LoginThrottle.objects.select_for_update().get(kind=kind, key=key)
            if now - row.window_start > window and not (row.locked_until and row.locked_until > now):
                row.failures, row.window_start, row.locked_until = 0, now, None
            row.failures += 1
            if row.failures >= limits[kind]:
                row.locked_until = max(row.locked_until or now, now + window)
            row.save()
            if row.locked_until and row.locked_until > now:
                until = max(until or row.locked_until, row.locked_until)
    return until


def succeeded(username: str | None) -> None:
    if username:
        LoginThrottle.objects.filter(kind="account", key=username.strip().lower()[:200]).delete()
