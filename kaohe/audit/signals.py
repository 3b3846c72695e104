"""Sign-ins are part of the trail: who logged in, when, from which address."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record


@receiver(user_logged_in, dispatch_uid="kaohe.audit.login")
def record_login(sender, request, user, **kwargs) -> None:
    # The request context still shows the anonymous visitor: name the user explicitly.
    record(AuditAction.LOGIN, user, user=user, object_repr=user.get_username())


@receiver(user_login_failed, dispatch_uid="kaohe.audit.login_failed")
def record_failed_login(sender, credentials, request=None, **kwargs) -> None:
    """A wrong password is worth a line too (repeated failures from one address show up)."""
    username = str((credentials or {}).get("username", ""))[:150]
    record(AuditAction.OTHER, None, object_type="auth.user", object_id="", object_repr=username,
           reason="登录失败")  # stored data stays in the source language
