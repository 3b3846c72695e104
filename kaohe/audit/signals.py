"""Sign-ins are part of the trail: who logged in, when, from which address."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record


@receiver(user_logged_in, dispatch_uid="kaohe.audit.login")
def record_login(sender, request, user, **kwargs) -> None:
    # The request context still shows the anonymous visitor: name the user explicitly.
    record(AuditAction.LOGIN, user, user=user, object_repr=user.get_username())
