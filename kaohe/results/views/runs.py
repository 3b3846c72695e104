"""Scoring runs: list, start (background task), progress (htmx polling), detail, diff, reviews."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.assessment.models import Period, PeriodKind, SchemeVersion, VersionStatus
from kaohe.lib.exports import Table
from kaohe.orgs.permissions import check, require
from kaohe.orgs.scope import get_visible_or_404
from kaohe.results import queries
from kaohe.results.models import RANK_ORDER, RunStatus, RunTotal, ScoringRun
from kaohe.results.receivers import run_for_period
from kaohe.results.recovery import recover_abandoned
from kaohe.results.runs import diff_runs
from kaohe.results.services import (
    add_review,
    completeness,
    may_compare,
    publication_of,
    visible_units,
)
from kaohe.results.views.common import export, run_or_404, wants_xlsx


def _assessment_choices(user):
    """Adopted scheme versions the user's office may score (its own unit's and below), and their owners' periods."""
    versions = [v for v in SchemeVersion.objects.visible_to(user).filter(status=VersionStatus.ADOPTED)
                .select_related("scheme__owner_unit").order_by("-scheme__year") if check(user, "results.manage", v)]
    periods = list(Period.objects.filter(owner_unit_id__in={v.scheme.owner_unit_id for v in versions})
                   .select_related("owner_unit").order_by("-year", "kind", "-number")[:80])
    return versions, periods


@login_required
def run_list(request):
    require(request.user, "results.view")
    qs = ScoringRun.objects.visible_to(request.user).order_by("-year", "kind", "-number", "-id")
    kind = request.GET.get("kind", "")
    if kind in PeriodKind.values:
        qs = qs.filter(kind=kind)
    runs = list(qs[:200])
    unfinished = [r for r in runs if r.status in (RunStatus.RUNNING, RunStatus.QUEUED)]
    if unfinished:  # those whose process died are shown failed
        recover_abandoned(unfinished)
    versions, periods = _assessment_choices(request.user)
    if wants_xlsx(request):
        return export("runs", [Table(_("计分批次"), [_("编号"), _("方案"), _("期次"), _("状态"), _("内容哈希"), _("更正自")], (
            [r.pk, r.scheme_name, r.label, r.get_status_display(), r.content_hash, r.previous_id] for r in runs))])
    return render(request, "results/run_list.html", {
        "nav_active": "results", "runs": runs, "kind": kind, "kinds": PeriodKind.choices, "versions": versions, "periods": periods,
        "can_manage": bool(versions),
    })


@login_required
@require_POST
def run_new(request):
    """Score an adopted scheme version for a period in the background."""
    version = get_visible_or_404(request.user, SchemeVersion.objects.select_related("scheme"), pk=_pk(request.POST.get("version")))
    require(request.user, "results.manage", version)
    # A run scores one owner's scheme on that owner's period (the city's March is not 明湖区's).
    period = get_visible_or_404(request.user, Period.objects.filter(owner_unit_id=version.scheme.owner_unit_id),
                                pk=_pk(request.POST.get("period")))
    run = run_for_period(version, period, user=request.user, background=True)
    messages.success(request, _("已提交计分任务，正在后台计算。"))
    return redirect("results:run_detail", run.pk)


def _pk(raw) -> int:
    if not str(raw or "").isdigit():
        raise Http404
    return int(raw)


def _progress_context(run: ScoringRun) -> dict:
    return {"run": run, "running": run.status in (RunStatus.QUEUED, RunStatus.RUNNING)}


@login_required
def run_progress(request, pk: int):
    """htmx fragment polled every second while a run computes."""
    run = run_or_404(request, pk, done=False)
    response = render(request, "results/_progress.html", _progress_context(run))
    if run.status in (RunStatus.DONE, RunStatus.FAILED) and request.headers.get("HX-Request"):  # the results, or 重新计分
        response["HX-Refresh"] = "true"
    return response


@login_required
def run_detail(request, pk: int):
    run = run_or_404(request, pk, done=False)
    if run.status != RunStatus.DONE:
        # A failed run of the assessment's data can be started again from its page (the same form as the list's).
        again = (run.status == RunStatus.FAILED and run.scheme_version_id and run.period_id
                 and check(request.user, "results.manage", run))
        return render(request, "results/run_detail.html", {"nav_active": "results", "start_again": again,
                                                           **_progress_context(run)})
    visible = visible_units(request.user, run)
    totals = RunTotal.objects.filter(run=run).order_by("group", RANK_ORDER, "unit_code")
    if visible is not None:
        totals = totals.filter(unit_code__in=visible)
    cats = run.scheme_meta.get("categories", [])
    if wants_xlsx(request):
        cols = [_("分组"), _("排名"), _("单位代码"), _("单位"), *[c["name"] for c in cats], _("加分"), _("扣分"), _("总分"), _("等次"), _("一票否决")]
        return export(f"totals-{run.label}", [Table(_("总分"), cols, (
            [t.group, t.rank, t.unit_code, t.unit_name, *[t.categories.get(c["code"]) for c in cats], t.bonus, t.deduction, t.total, t.tier, t.vetoed]
            for t in totals.iterator()))])
    count = totals.count()
    # The engine's scoring notes are for the office (whoever sees every unit), in words.
    groups = queries.warning_groups(run) if visible is None else []
    can_manage = check(request.user, "results.manage", run)
    publication = publication_of(run)
    return render(request, "results/run_detail.html", {
        "completeness": completeness(run) if can_manage and publication is None else None,
        "nav_active": "results", "run": run, "totals": list(totals[:500]), "count": count, "categories": cats,
        "publication": publication, "previous": run.previous, "corrections": run.corrections.all(),
        "stale": run.stale_marks.all()[:5], "reviews": run.reviews.all(), "can_manage": can_manage,
        "can_view_all": visible is None, "tiers": queries.tier_counts(run) if visible is None else [],
        "previous_period": queries.previous_run(run), "is_published": publication is not None,
        "group_names": queries.group_names(run),
        "warning_groups": groups,
        "warning_count": queries.warning_count(groups),
    })


@login_required
def run_diff(request, pk: int, other: int):
    """Who moved between two runs, by how many places, because of which values."""
    before = run_or_404(request, other)
    after = run_or_404(request, pk)
    if not may_compare(request.user, before, after):
        raise PermissionDenied("results.view_all")
    moves = diff_runs(before, after)
    names = queries.indicator_names(after)
    if wants_xlsx(request):
        return export(f"diff-{before.pk}-{after.pk}", [Table(_("名次变化"), [
            _("单位"), _("分组"), _("原排名"), _("新排名"), _("变化"), _("原总分"), _("新总分"), _("数据变化")], (
            [m.name, m.group, m.rank_before, m.rank_after, m.places, m.total_before, m.total_after,
             "; ".join(f"{names.get(i, {}).get('name', i)}: {a} → {b}" for i, a, b in m.changed_values)] for m in moves))])
    return render(request, "results/run_diff.html", {
        "nav_active": "results", "before": before, "after": after, "names": names,
        # The movers first; units whose place did not change are folded away (a month-on-month
        # comparison changes every value of every unit: listing them all made a page 11,000 px tall).
        "moves": [m for m in moves if m.places], "stayed": [m for m in moves if not m.places],
    })


@login_required
@require_POST
def review_add(request, pk: int):
    run = run_or_404(request, pk)
    require(request.user, "results.manage", run)
    try:
        add_review(run, request.POST.get("title", ""), request.POST.get("text", ""), request.user)
        messages.success(request, _("点评已保存。"))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect("results:run_detail", run.pk)
