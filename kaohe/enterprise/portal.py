"""The enterprise's own pages, without an account: its link (bound to its credit code) → a one-time
code sent to its contact → for ``session_minutes`` it sees its own requests only and may submit
new ones; and the one-time satisfaction link of a replied request (回访).

An unknown or expired link, a request or attachment of another enterprise: 404. Sending codes is
rate-limited per enterprise and per address (429).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.audit.middleware import client_ip
from kaohe.enterprise import config, services
from kaohe.enterprise.models import (
    Channel,
    EnterpriseRequest,
    RequestAttachment,
    RequestType,
    Satisfaction,
    Urgency,
)
from kaohe.enterprise.views import faq_groups
from kaohe.lib.errors import NotFound
from kaohe.lib.files import download

SESSION_KEY = "kaohe_enterprise_visit"


def _enterprise(key: str):
    ent = services.enterprise_by_link(key)
    if ent is None:
        raise NotFound(_("链接无效或已过期，请联系您的服务专员获取新链接"))
    return ent


def verified(request, ent) -> bool:
    visit = request.session.get(SESSION_KEY) or {}
    if visit.get("id") != ent.pk or visit.get("key") != ent.link_key:
        return False
    return dt.datetime.fromisoformat(visit["until"]) > timezone.now()


def _mask(text: str) -> str:
    return text[:3] + "****" + text[-4:] if len(text) > 7 else "****"


def entry(request, key: str):
    ent = _enterprise(key)
    ctx = {"bare_layout": True, "ent": ent, "key": key, "masked_email": _mask(ent.contact_email.split("@")[0]) + (
        "@" + ent.contact_email.split("@")[1] if "@" in ent.contact_email else "")}
    if not verified(request, ent):
        status = 200
        if request.method == "POST":
            action = request.POST.get("action")
            ip = client_ip(request)
            if action == "send":
                try:
                    services.issue_code(ent, ip)
                    messages.success(request, _("验证码已发送至企业联系人，%(m)s分钟内有效") % {"m": config.get("code_minutes")})
                    ctx["sent"] = True
                except services.RateLimited as exc:
                    ctx["error"], status = str(exc), 429
            elif action == "verify":
                if services.verify_code(ent, request.POST.get("code", ""), ip):
                    until = timezone.now() + dt.timedelta(minutes=config.get("session_minutes"))
                    request.session.cycle_key()
                    request.session[SESSION_KEY] = {"id": ent.pk, "key": ent.link_key, "until": until.isoformat()}
                    return redirect("enterprise:portal", key=key)
                ctx["error"], ctx["sent"], status = _("验证码错误、已使用或已过期"), True, 400
        return render(request, "enterprise/portal_code.html", ctx, status=status)
    if request.method == "POST" and request.POST.get("action") == "submit":
        rtype = request.POST.get("rtype", "")
        try:
            if rtype not in RequestType.values:
                raise services.RequestError(_("请选择诉求类型"))
            urgency = request.POST.get("urgency") if request.POST.get("urgency") in Urgency.values else Urgency.NORMAL
            req = services.receive(ent, rtype=rtype, urgency=urgency, title=request.POST.get("title", ""),
                                   content=request.POST.get("content", ""), channel=Channel.ENTERPRISE, first_unit=ent.unit)
            for upload in request.FILES.getlist("files"):
                services.add_attachment(req, upload.name, upload.read())
        except services.RequestError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("诉求已提交，工单号 %(n)s；首次响应时限：%(t)s") % {
                "n": req.number, "t": timezone.localtime(req.response_due_at).strftime("%Y-%m-%d %H:%M")})
            return redirect("enterprise:portal", key=key)
    reqs = list(ent.requests.order_by("-received_at")[:100])
    return render(request, "enterprise/portal_home.html", {
        **ctx, "reqs": reqs, "types": RequestType.choices, "urgencies": Urgency.choices, "faq": faq_groups()[:3],
    })


def request_page(request, key: str, pk: int):
    ent = _enterprise(key)
    if not verified(request, ent):
        return redirect("enterprise:portal", key=key)
    req = EnterpriseRequest.objects.filter(enterprise=ent, pk=pk).select_related("first_unit", "handler_unit").first()
    if req is None:
        raise NotFound(_("没有这条诉求"))
    steps = req.steps.all()
    return render(request, "enterprise/portal_request.html", {"bare_layout": True, "ent": ent, "key": key, "req": req,
                                                               "steps": steps, "attachments": req.attachments.all()})


def attachment(request, key: str, pk: int):
    ent = _enterprise(key)
    if not verified(request, ent):
        raise NotFound(_("请先验证"))
    att = RequestAttachment.objects.filter(pk=pk, request__enterprise=ent).first()
    if att is None:
        raise NotFound(_("没有这个附件"))
    return download(att.file, att.name, att.content_type)


@require_POST
def leave(request, key: str):
    request.session.pop(SESSION_KEY, None)
    return redirect("enterprise:portal", key=key)


def survey(request, key: str):
    """回访: the enterprise's one-time satisfaction link (满意 / 基本满意 / 不满意 and a comment)."""
    req = services.survey_request(key)
    if req is None:
        raise NotFound(_("评价链接无效、已使用或已过期"))
    if request.method == "POST":
        answer = request.POST.get("answer", "")
        try:
            services.visit(req, answer, comment=request.POST.get("comment", ""), by_enterprise=True,
                           solved={"1": True, "0": False}.get(request.POST.get("solved", "")))
        except services.RequestError as exc:
            return render(request, "enterprise/survey.html", {"bare_layout": True, "req": req, "error": str(exc),
                                                              "answers": Satisfaction.choices}, status=400)
        return render(request, "enterprise/survey_done.html", {"bare_layout": True, "req": req})
    return render(request, "enterprise/survey.html", {"bare_layout": True, "req": req, "answers": Satisfaction.choices})
