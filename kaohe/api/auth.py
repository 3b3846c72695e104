"""Token authentication for the JSON API: ``Authorization: Bearer kh_…`` (per-user tokens,
stored hashed in ``orgs.ApiToken``), or the browser session (with CSRF)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from kaohe.orgs.models import ApiToken


class TokenAuth(HttpBearer):
    """Resolve a bearer token to its user; revoked or unknown tokens are refused (401)."""

    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        found = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(token), revoked=False).first()
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > dt.timedelta(minutes=5):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


#: Use as ``auth=API_AUTH`` on routers: a token, or the signed-in browser session.
API_AUTH = [TokenAuth(), django_auth]
