"""API令牌 page: a user's own tokens for the JSON API (``Authorization: Bearer kh_…``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.orgs.models import ApiToken
from kaohe.orgs.permissions import require


@login_required
def tokens(request):
    """API令牌: a user's own tokens for the JSON API (the key is shown once)."""
    require(request.user, "assessment.use_api")
    new_key = ""
    if request.method == "POST":
        if request.POST.get("revoke"):
            token = get_object_or_404(ApiToken, pk=request.POST["revoke"], user=request.user)
            token.revoked = True
            token.save(update_fields=["revoked"])
            record(AuditAction.UPDATE, token, before={"revoked": False}, after={"revoked": True}, user=request.user)
            messages.success(request, _("令牌已吊销"))
            return redirect("api_tokens")
        name = (request.POST.get("name") or "").strip()[:100] or _("未命名")
        token, new_key = ApiToken.issue(request.user, name)
        record(AuditAction.CREATE, token, after={"name": name, "prefix": token.prefix}, user=request.user)
    return render(request, "api/tokens.html", {
        "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at"), "new_key": new_key,
    })
