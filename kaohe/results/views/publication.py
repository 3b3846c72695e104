"""Publication (公示), the public page, appeals (申诉), awards (奖项) and notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.assessment.models import PeriodKind
from kaohe.lib.exports import Table
from kaohe.lib.files import download
from kaohe.lib.numbers import NumberError, parse_float
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import check, is_reader, person_of, require
from kaohe.orgs.scope import get_visible_or_404
from kaohe.results import queries
from kaohe.results.models import (
    RANK_ORDER,
    Appeal,
    AppealAttachment,
    AppealStatus,
    Award,
    AwardKind,
    AwardStatus,
    Publication,
    RunBoard,
    RunTotal,
)
from kaohe.results.services import (
    accept_appeal,
    decide_award,
    file_appeal,
    grant_first_prizes,
    is_final,
    latest_version,
    nominate,
    publish,
    reject_appeal,
)
from kaohe.results.views.common import export, run_or_404, wants_xlsx

PUBLIC_CACHE_SECONDS = 300


@login_required
@require_POST
def publish_run(request, pk: int):
    run = run_or_404(request, pk)
    require(request.user, "results.manage", run)
    try:
        days = int(request.POST.get("notice_days", 7))
        override = request.POST.get("override_reason", "").strip() if request.POST.get("override") else ""
        pub = publish(run, request.user, notice_days=max(days, 1), override_reason=override)
    except (ValueError, ValidationError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("results:run_detail", run.pk)
    bump_public_cache()
    messages.success(request, _("已公示，公示期至%(end)s。") % {"end": timezone.localtime(pub.notice_ends).strftime("%Y-%m-%d")})
    return redirect("results:run_detail", run.pk)


@login_required
def publications(request):
    require(request.user, "results.view")
    pubs = Publication.objects.visible_to(request.user).select_related("run").order_by("-published_at", "-id")
    return render(request, "results/publications.html", {"nav_active": "results", "publications": pubs})


# ---- public page (no login, cached) ------------------------------------------------------


GENERATION_KEY = "results:public:generation"


def bump_public_cache() -> None:
    """Invalidate every cached public page (after a publication or an answered appeal)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def public_cache_key(pk: int | None) -> str:
    generation = cache.get(GENERATION_KEY) or 1
    return f"results:public:{generation}:{pk or 'index'}:{get_language() or 'zh-hans'}"


# The cache holds only the public content of a page, rendered without a request (so with no
# user, no CSRF token, no navigation); the shell around it is rendered per request, for
# whoever asks. Caching the whole response served the first visitor's name, menu and CSRF
# token to everyone after them.


def _public_page(request, parts: dict[str, str]):
    return render(request, "results/public_page.html", {"public": {k: mark_safe(v) for k, v in parts.items()}})  # our own templates, rendered above


def public_index(request):
    """公示 list: every publication, newest first."""
    key = public_cache_key(None)
    parts = cache.get(key)
    if parts is None:
        pubs = list(Publication.objects.select_related("run").order_by("-published_at", "-id")[:100])
        parts = {"title": escape(_("考核结果公示")), "body": render_to_string("results/_public_index_body.html", {"publications": pubs})}
        cache.set(key, parts, PUBLIC_CACHE_SECONDS)
    return _public_page(request, parts)


def public_detail(request, pk: int):
    """One publication: boards and tiers, publication date, end of the notice period; no login."""
    key = public_cache_key(pk) + f":{request.GET.get('group', '')}"
    parts = cache.get(key)
    if parts is None:
        pub = get_object_or_404(Publication.objects.select_related("run"), pk=pk)
        if pub.published_at > timezone.now():
            raise Http404
        run = pub.run
        newer = Publication.objects.filter(run__previous=run).first()
        groups = queries.groups_of(run)
        group = request.GET.get("group") or (groups[0] if groups else "")
        if group not in groups:
            raise Http404
        totals = list(RunTotal.objects.filter(run=run, group=group).order_by(RANK_ORDER, "unit_code").values_list("rank", "unit_name", "total", "tier"))
        boards = []
        for b in run.scheme_meta.get("boards", []):
            rows = list(RunBoard.objects.filter(run=run, board=b["code"], group=group).order_by(RANK_ORDER, "unit_code").values_list("rank", "unit_name", "score")[:100])
            boards.append({"name": b["name"], "rows": rows})
        context = {
            "pub": pub, "run": run, "groups": groups, "group": group, "totals": totals, "boards": boards,
            "final": is_final(pub), "newer": newer, "in_notice": pub.in_notice_period(), "group_names": queries.group_names(run),
        }
        parts = {
            "title": escape(pub.title),
            "subtitle": render_to_string("results/_public_detail_subtitle.html", context),
            "body": render_to_string("results/_public_detail_body.html", context),
            "breadcrumbs": render_to_string("results/_public_breadcrumbs.html"),
        }
        cache.set(key, parts, 60 if pub.in_notice_period() else PUBLIC_CACHE_SECONDS)
    return _public_page(request, parts)


# ---- appeals -----------------------------------------------------------------------------


@login_required
def appeals(request):
    require(request.user, "results.view")
    qs = Appeal.objects.visible_to(request.user).select_related("unit", "publication", "publication__run").order_by("-filed_at")
    person = person_of(request.user)
    if not (request.user.is_superuser or is_reader(person)):
        qs = qs.filter(unit_id=person.unit_id if person else -1)
    open_pubs = [p for p in Publication.objects.visible_to(request.user).select_related("run").order_by("-published_at")
                 if p.in_notice_period()]
    can_appeal = person is not None and check(request.user, "results.appeal", person.unit)
    if wants_xlsx(request):
        return export("appeals", [Table(_("申诉"), [_("单位"), _("指标"), _("理由"), _("状态"), _("提交时间"), _("答复期限"), _("答复")], (
            [a.unit.name, a.indicator_name, a.reason, a.get_status_display(), timezone.localtime(a.filed_at).strftime("%Y-%m-%d %H:%M"),
             timezone.localtime(a.answer_due).strftime("%Y-%m-%d"), a.response] for a in qs))])
    now, calendar = timezone.now(), work_calendar()
    rows = list(qs)
    for a in rows:
        a.deadline = a.clock(now, calendar)
    return render(request, "results/appeals.html", {
        "nav_active": "results", "appeals": rows, "open_pubs": open_pubs if can_appeal else [], "now": now,
    })


@login_required
def appeal_new(request, pub_id: int):
    pub = get_visible_or_404(request.user, Publication.objects.select_related("run"), pk=pub_id)
    person = person_of(request.user)
    if person is None:
        raise PermissionDenied
    require(request.user, "results.appeal", person.unit)
    indicators = list(pub.run.indicator_rows.filter(unit_code=person.unit.code).order_by("indicator").values_list("indicator", "value", "score"))
    names = pub.run.scheme_meta.get("indicators", {})
    errors: dict = {}
    if request.method == "POST":
        raw = request.POST.get("claimed_value", "").strip()
        try:
            claimed = parse_float(raw)
        except NumberError as exc:
            errors = {"claimed_value": [_("“%(raw)s”不是数字。") % {"raw": raw} + exc.text(get_language())]}
            claimed = None
        if not errors:
            try:
                appeal = file_appeal(pub, person.unit, request.POST.get("indicator", ""), request.POST.get("reason", ""),
                                     request.user, claimed_value=claimed, files=request.FILES.getlist("attachments"))
            except ValidationError as exc:
                errors = dict(exc.message_dict) if hasattr(exc, "error_dict") else {"__all__": exc.messages}
                errors["all"] = errors.pop("__all__", [])
            else:
                messages.success(request, _("申诉已提交，考核办将于%(due)s前答复。") % {"due": timezone.localtime(appeal.answer_due).strftime("%Y-%m-%d")})
                return redirect("results:appeal_detail", appeal.pk)
    return render(request, "results/appeal_form.html", {
        "nav_active": "results", "pub": pub, "indicators": [(i, names.get(i, {}).get("name", i), v, s) for i, v, s in indicators],
        "errors": errors, "post": request.POST, "in_notice": pub.in_notice_period(),
    })


@login_required
def appeal_attachment(request, pk: int):
    """申诉材料: downloaded by whoever may see the appeal (the office and leaders in scope, the unit
    itself), always as an attachment with ``nosniff`` (kaohe.lib.files.download)."""
    att = get_visible_or_404(request.user, AppealAttachment.objects.select_related("appeal"), pk=pk)
    require(request.user, "results.view_appeal", att.appeal)
    return download(att.file, att.name, att.content_type)


@login_required
def appeal_detail(request, pk: int):
    appeal = get_visible_or_404(request.user, Appeal.objects.select_related("unit", "publication", "publication__run", "corrected_run"), pk=pk)
    require(request.user, "results.view_appeal", appeal)
    run = appeal.publication.run
    current = run.indicator_rows.filter(unit_code=appeal.unit.code, indicator=appeal.indicator).first()
    return render(request, "results/appeal_detail.html", {
        "nav_active": "results", "appeal": appeal, "run": run, "current": current,
        "indicator_name": run.scheme_meta.get("indicators", {}).get(appeal.indicator, {}).get("name", appeal.indicator),
        "can_answer": check(request.user, "results.answer_appeal", appeal) and appeal.status == AppealStatus.FILED,
        "now": timezone.now(), "latest": latest_version(run), "deadline": appeal.clock(),
    })


@login_required
@require_POST
def appeal_answer(request, pk: int):
    appeal = get_visible_or_404(request.user, Appeal.objects.select_related("publication__run", "unit"), pk=pk)
    require(request.user, "results.answer_appeal", appeal)
    decision = request.POST.get("decision")
    response = request.POST.get("response", "")
    try:
        if decision == "accept":
            raw = request.POST.get("value", "").strip()
            value = parse_float(raw)
            run = accept_appeal(appeal, request.user, response=response, value=value)
            messages.success(request, _("申诉已采纳，已生成更正后的计分批次 #%(id)s。") % {"id": run.pk})
        elif decision == "reject":
            reject_appeal(appeal, request.user, response=response)
            messages.success(request, _("申诉已驳回，已通知申诉单位。"))
        else:
            messages.error(request, _("请选择采纳或驳回。"))
    except ValueError:
        messages.error(request, _("更正数值不是数字。"))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    bump_public_cache()
    return redirect("results:appeal_detail", appeal.pk)


# ---- awards ------------------------------------------------------------------------------


@login_required
def awards(request):
    require(request.user, "results.view")
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        raise Http404 from None
    years = sorted(set(Award.objects.values_list("year", flat=True)) | set(
        RunTotal.objects.filter(run__kind=PeriodKind.YEAR).values_list("run__year", flat=True).distinct()), reverse=True)
    year = year or (years[0] if years else timezone.localdate().year)
    person = person_of(request.user)
    qs = Award.objects.visible_to(request.user).filter(year=year).order_by("kind", "status", "unit_code")
    if not (request.user.is_superuser or is_reader(person)):
        qs = qs.filter(status="approved") | qs.filter(unit_id=person.unit_id if person else -1)
    if wants_xlsx(request):
        return export(f"awards-{year}", [Table(_("奖项"), [_("年度"), _("奖项"), _("单位"), _("人员"), _("事由"), _("状态")], (
            [a.year, a.get_kind_display(), a.unit_name, a.person_name, a.reason, a.get_status_display()] for a in qs))])
    # The annual run this office may grant first prizes from: the newest one it manages.
    annuals = list(queries.ScoringRun.objects.current().visible_to(request.user).filter(kind=PeriodKind.YEAR, year=year).order_by("-id"))
    annual = next((r for r in annuals if check(request.user, "results.manage", r)), None)
    shown = annual or (annuals[0] if annuals else None)
    readers = request.user.is_superuser or is_reader(person)
    units = OrgUnit.objects.filter(pk=person.unit_id) if (person and not readers) else OrgUnit.objects.filter(
        pk__in=RunTotal.objects.filter(run=shown).visible_to(request.user).values("unit_id")) if shown else OrgUnit.objects.none()
    awards = list(qs)
    for a in awards:
        a.can_decide = a.status == AwardStatus.NOMINATED and check(request.user, "results.decide_award", a)
    return render(request, "results/awards.html", {
        "nav_active": "results", "year": year, "years": years, "awards": awards, "annual": annual,
        "can_manage": annual is not None or any(a.can_decide for a in awards),
        "can_nominate": person is not None and check(request.user, "results.nominate", person.unit), "kinds": [k for k in AwardKind.choices if k[0] != AwardKind.FIRST_PRIZE],
        "units": units.order_by("sort_order", "code"),
    })


@login_required
@require_POST
def award_nominate(request):
    raw = request.POST.get("unit", "")
    unit = get_visible_or_404(request.user, OrgUnit, pk=int(raw) if raw.isdigit() else 0)
    require(request.user, "results.nominate", unit)
    try:
        year = int(request.POST.get("year", ""))
        nominate(year, request.POST.get("kind", ""), unit, request.POST.get("reason", ""), request.user,
                 person_name=request.POST.get("person_name", ""))
        messages.success(request, _("提名已提交，待考核办审批。"))
    except ValueError:
        messages.error(request, _("年度不正确。"))
        year = ""
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect(f"/results/awards/?year={year}")


@login_required
@require_POST
def award_decide(request, pk: int):
    award = get_visible_or_404(request.user, Award, pk=pk)
    require(request.user, "results.decide_award", award)
    try:
        decide_award(award, request.user, approve=request.POST.get("decision") == "approve", note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect(f"/results/awards/?year={award.year}")


@login_required
@require_POST
def award_grant(request, pk: int):
    run = run_or_404(request, pk)
    require(request.user, "results.manage", run)
    by = request.POST.get("by", "tier")
    try:
        count = int(request.POST.get("count") or 0) or None
        made = grant_first_prizes(run, request.user, by=by, count=count)
        messages.success(request, _("已评定综合考核一等奖%(n)d家。") % {"n": len(made)})
    except ValueError:
        messages.error(request, _("名额不正确。"))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect(f"/results/awards/?year={run.year}")
