"""The public pages of commitments (/public/commitments/, no login): the list with progress bars,
filters by unit and status, each item's timeline and its published comments — and, per visitor,
the verification, comment, vote and report forms.

As the results' public pages do: the cache holds only the public content, rendered without a
request (no user, no CSRF token, no navigation); the shell and the visitor's own forms are
rendered per request, for whoever asks. Nothing of a first visitor is ever served to the next.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.audit.middleware import client_ip
from kaohe.commitments import public, services
from kaohe.commitments.cache import key
from kaohe.commitments.models import (
    PUBLIC_STATUSES,
    Campaign,
    Citizen,
    Comment,
    CommentStatus,
    Commitment,
    CommitmentStatus,
    VoteChoice,
)
from kaohe.commitments.services import CommitmentError
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import OrgUnit

CACHE_SECONDS = 300
SESSION_KEY = "kaohe_citizen"
PAGE_SIZE = 30
_key = key


def public_items():
    return Commitment.objects.filter(status__in=PUBLIC_STATUSES).select_related("campaign", "unit")


def _page(request, parts: dict[str, str], visitor: dict | None = None):
    context = {"public": {k: mark_safe(v) for k, v in parts.items()}}  # our own templates, rendered above
    context.update(visitor or {})
    return render(request, "commitments/public/page.html", context)


def _campaigns():
    return list(Campaign.objects.filter(commitments__status__in=PUBLIC_STATUSES).distinct().order_by("-year", "code"))


def public_index(request):
    """承诺事项公示: every published item of a campaign, filtered by unit and status."""
    campaigns = _campaigns()
    code = request.GET.get("campaign") or (campaigns[0].code if campaigns else "")
    unit_code, status, page_no = request.GET.get("unit", ""), request.GET.get("status", ""), request.GET.get("page", "1")
    key = _key("index", code, unit_code, status, page_no)
    parts = cache.get(key)
    if parts is None:
        campaign = next((c for c in campaigns if c.code == code), None)
        if campaigns and campaign is None:
            raise Http404
        items = public_items().filter(campaign=campaign) if campaign else Commitment.objects.none()
        units = OrgUnit.objects.filter(pk__in=items.values("unit_id")).order_by("sort_order", "code")
        counts = items.aggregate(n=Count("id"), fulfilled=Count("id", filter=Q(status=CommitmentStatus.FULFILLED)))
        today = timezone.localdate()
        rows = items
        if unit_code:
            rows = rows.filter(unit__code=unit_code)
        if status == "lagging":
            rows = rows.filter(status=CommitmentStatus.PUBLISHED, milestones__done_on__isnull=True,
                               milestones__due_on__lt=today).distinct()
        elif status in PUBLIC_STATUSES:
            rows = rows.filter(status=status)
        page = Paginator(rows.order_by("number"), PAGE_SIZE).get_page(page_no)
        lagging = set(items.filter(status=CommitmentStatus.PUBLISHED, milestones__done_on__isnull=True,
                                   milestones__due_on__lt=today).values_list("pk", flat=True))
        for item in page.object_list:
            item.lagging = item.pk in lagging
        context = {"campaigns": campaigns, "campaign": campaign, "units": units, "unit_code": unit_code, "status": status,
                   "page": page, "counts": counts, "statuses": [(s.value, s.label) for s in PUBLIC_STATUSES]}
        title = f"{campaign}" if campaign else _("承诺事项公示")
        parts = {"title": escape(_("%(c)s公示") % {"c": title} if campaign else title),
                 "body": render_to_string("commitments/public/_index_body.html", context),
                 "breadcrumbs": render_to_string("commitments/public/_breadcrumbs.html")}
        cache.set(key, parts, CACHE_SECONDS)
    return _page(request, parts)


def _citizen(request) -> Citizen | None:
    pk = request.session.get(SESSION_KEY)
    return Citizen.objects.filter(pk=pk, blocked=False).first() if pk else None


def public_item(request, pk: int):
    """One published item: goal, milestones and their timeline, published comments and answers."""
    key = _key("item", pk)
    parts = cache.get(key)
    if parts is None:
        item = get_object_or_404(public_items(), pk=pk)
        calendar, today = work_calendar(), timezone.localdate()
        milestones = list(item.milestones.prefetch_related("reports"))
        for m in milestones:
            m.state = services.milestone_state(m, today, calendar)
        comments = list(item.comments.filter(status=CommentStatus.APPROVED).order_by("-reviewed_at")[:100])
        context = {"item": item, "milestones": milestones, "comments": comments, "tally": public.tally(item),
                   "timeline": sorted((r for m in milestones for r in m.reports.all()), key=lambda r: (r.reported_on, r.pk), reverse=True)}
        parts = {"title": escape(item.title),
                 "subtitle": render_to_string("commitments/public/_item_subtitle.html", context),
                 "body": render_to_string("commitments/public/_item_body.html", context),
                 "breadcrumbs": render_to_string("commitments/public/_breadcrumbs.html", {"item": item})}
        cache.set(key, parts, CACHE_SECONDS)
    item = get_object_or_404(public_items(), pk=pk)
    citizen = _citizen(request)
    visitor = {"item": item, "citizen": citizen, "evaluation_open": services.evaluation_open(item.campaign),
               "choices": VoteChoice.choices, "voted": citizen is not None and item.votes.filter(citizen=citizen).exists(),
               "verify_next": request.get_full_path()}
    return _page(request, parts, {"visitor": render_to_string("commitments/public/_visitor.html", visitor, request=request)})


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def verify(request):
    """后台实名: verify a phone by a one-time code (or enter a token); the identity stays in the session."""
    from django.urls import reverse

    default = reverse("public_commitments:index")
    sent_to, demo_code = request.session.get("kaohe_phone", ""), None
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "send":
                code = public.request_code(request.POST.get("phone", ""), ip=client_ip(request))
                request.session["kaohe_phone"] = sent_to = public.normalise_phone(request.POST.get("phone", ""))
                messages.success(request, _("验证码已发送至%(p)s。") % {"p": sent_to[:3] + "****" + sent_to[-4:]})
                if settings.DEBUG and not settings.KAOHE_SMS_BACKEND:
                    demo_code = code
            elif step == "code":
                citizen = public.verify_code(request.POST.get("phone") or sent_to, request.POST.get("code", ""))
                request.session[SESSION_KEY] = citizen.pk
                messages.success(request, _("实名验证成功。留言将以您填写的昵称显示。"))
                return redirect(_next(request, default))
            elif step == "token":
                citizen = public.citizen_for_token(request.POST.get("token", ""))
                request.session[SESSION_KEY] = citizen.pk
                messages.success(request, _("身份验证成功。"))
                return redirect(_next(request, default))
        except CommitmentError as exc:
            messages.error(request, str(exc))
    return render(request, "commitments/public/verify.html", {"sent_to": sent_to, "demo_code": demo_code,
                                                              "next": _next(request, default)})


@require_POST
def post_comment(request, pk: int):
    item = get_object_or_404(public_items(), pk=pk)
    citizen = _citizen(request)
    if citizen is None:
        messages.error(request, _("请先完成实名验证"))
        return redirect("public_commitments:verify")
    try:
        rating = request.POST.get("rating") or None
        public.post_comment(item, citizen, request.POST.get("body", ""), nickname=request.POST.get("nickname", ""),
                            rating=int(rating) if rating else None, ip=client_ip(request))
        messages.success(request, _("留言已提交，审核通过后公开显示。"))
    except (CommitmentError, ValueError) as exc:
        messages.error(request, str(exc) if isinstance(exc, CommitmentError) else _("评分应为1–5星"))
    return redirect("public_commitments:item", item.pk)


def report(request, pk: int):
    """举报 a published comment: a confirmation page (its form carries this visitor's CSRF token)."""
    comment = get_object_or_404(Comment.objects.select_related("commitment"), pk=pk, status=CommentStatus.APPROVED,
                                commitment__status__in=PUBLIC_STATUSES)
    if request.method == "POST":
        try:
            public.report_comment(comment, citizen=_citizen(request), ip=client_ip(request), reason=request.POST.get("reason", ""))
            messages.success(request, _("已收到举报，我们将尽快核查。"))
        except CommitmentError as exc:
            messages.error(request, str(exc))
        return redirect("public_commitments:item", comment.commitment_id)
    return render(request, "commitments/public/report.html", {"comment": comment})


@require_POST
def vote(request, pk: int):
    item = get_object_or_404(public_items(), pk=pk)
    citizen = _citizen(request)
    if citizen is None:
        messages.error(request, _("请先完成实名验证"))
        return redirect("public_commitments:verify")
    try:
        public.vote(item, citizen, request.POST.get("choice", ""), ip=client_ip(request))
        messages.success(request, _("感谢您的评价。"))
    except CommitmentError as exc:
        messages.error(request, str(exc))
    return redirect("public_commitments:item", item.pk)
