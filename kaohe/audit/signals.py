"""What reaches the trail without calling ``record``: sign-ins (who, when, from which address)
and the changes announced by the layers below the audit app (``kaohe.lib.changes``)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.lib.changes import object_changed


@receiver(user_logged_in, dispatch_uid="kaohe.audit.login")
def record_login(sender, request, user, **kwargs) -> None:
    # The request context still shows the anonymous visitor: name the user explicitly.
    record(AuditAction.LOGIN, user, user=user, object_repr=user.get_username())


@receiver(user_login_failed, dispatch_uid="kaohe.audit.login_failed")
def record_failed_login(sender, credentials, request=None, **kwargs) -> None:
    """A wrong password is worth a line too (repeated failures from one address show up)."""
    username = str((credentials or {}).get("username", ""))[:150]
    record(AuditAction.OTHER, None, object_type="auth.user", object_repr=username,
           reason="登录失败")  # stored data stays in the source language


@receiver(object_changed, dispatch_uid="kaohe.audit.object_changed")
def record_announced_change(sender, action, obj=None, signal=None, **details) -> None:
    record(AuditAction(action), obj, **details)
