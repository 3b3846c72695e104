"""Review (审核): the completion board, approve/return/remind, bulk approve, lock, the quality
review queue, corrections of locked values and periods."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.assessment import services
from kaohe.assessment.models import (
    DataValue,
    Period,
    PeriodStatus,
    QualityFinding,
    SchemeVersion,
    Submission,
    SubmissionStatus,
    VersionStatus,
)
from kaohe.assessment.views.common import default_period, default_version
from kaohe.lib.numbers import NumberError, parse_number
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import check, is_office, person_of, require
from kaohe.orgs.scope import get_visible_or_404


@login_required
def review(request, version_id: int | None = None, period_id: int | None = None):
    if version_id:
        version = get_visible_or_404(request.user, SchemeVersion.objects.select_related("scheme"), pk=version_id)
    else:
        version = default_version(SchemeVersion.objects.managed_by(request.user))
        if version is None and not (request.user.is_superuser or is_office(person_of(request.user))):
            raise PermissionDenied("assessment.review")
    if version is None:
        messages.info(request, _("尚无已发布的方案"))
        return redirect("assessment:scheme_list")
    require(request.user, "assessment.review", version)
    period = get_visible_or_404(request.user, Period, pk=period_id) if period_id else default_period(version)
    if period is None:
        return redirect("assessment:periods")
    rows = services.completion_board(version, period)
    findings = QualityFinding.objects.visible_to(request.user).filter(submission__version=version, submission__period=period, resolved=False).select_related("unit", "submission__responsible_unit")[:200]
    explained = list(DataValue.objects.visible_to(request.user).filter(version=version, period=period).exclude(explanation="").select_related("unit")[:200])
    # Indicators by name with their unit of measure, never by code.
    specs = {code: (name, uom) for code, name, uom in version.indicators.values_list("code", "name", "unit_of_measure")}
    findings = list(findings)
    for item in (*findings, *explained):
        item.indicator_name, item.indicator_uom = specs.get(item.indicator, (item.indicator, ""))
    periods = services.periods_of(version.scheme.owner_unit_id, version.scheme.year).order_by("end", "kind")
    return render(request, "assessment/review.html", {
        "nav_active": "data", "version": version, "period": period, "rows": rows, "findings": findings,
        "explained": explained, "periods": periods,
        "counts": {
            "due": len(rows), "submitted": sum(r["status"] in ("submitted", "approved", "locked") for r in rows),
            "approved": sum(r["status"] in ("approved", "locked") for r in rows),
            "late": sum(r["late"] and r["status"] in ("draft", "returned") for r in rows),
            "returned": sum(r["status"] == "returned" for r in rows),
        },
    })


def _sub(request, pk: int) -> Submission:
    sub = get_visible_or_404(request.user, Submission.objects.select_related("version__scheme", "period", "responsible_unit"), pk=pk)
    require(request.user, "assessment.review", sub)
    return sub


@login_required
@require_POST
def review_action(request, pk: int, action: str):
    sub = _sub(request, pk)
    try:
        if action == "approve":
            services.approve(sub, user=request.user)
            messages.success(request, _("已审核通过：%(u)s") % {"u": sub.responsible_unit})
        elif action == "return":
            services.return_submission(sub, reason=request.POST.get("reason", ""), user=request.user)
            messages.success(request, _("已退回：%(u)s") % {"u": sub.responsible_unit})
        elif action == "remind":
            services.remind(sub, user=request.user, message=request.POST.get("message", ""))
            messages.success(request, _("已发送催报提醒：%(u)s") % {"u": sub.responsible_unit})
        else:
            raise services.WorkflowError(_("未知操作"))
    except services.WorkflowError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return redirect("assessment:review_period", sub.version_id, sub.period_id)


@login_required
@require_POST
def remind_unit(request, version_id: int, period_id: int, unit_id: int):
    version = get_visible_or_404(request.user, SchemeVersion.objects.select_related("scheme"), pk=version_id)
    period = get_visible_or_404(request.user, Period, pk=period_id)
    unit = get_visible_or_404(request.user, OrgUnit, pk=unit_id)
    require(request.user, "assessment.review", Submission(version=version, responsible_unit=unit, period=period))
    sub = services.submission_for(version, unit, period)
    services.remind(sub, user=request.user, message=request.POST.get("message", ""))
    messages.success(request, _("已发送催报提醒：%(u)s") % {"u": sub.responsible_unit})
    return redirect("assessment:review_period", version.pk, period.pk)


@login_required
@require_POST
def bulk(request, version_id: int, period_id: int):
    version = get_visible_or_404(request.user, SchemeVersion.objects.select_related("scheme"), pk=version_id)
    period = get_visible_or_404(request.user, Period, pk=period_id)
    require(request.user, "assessment.review", version)
    action = request.POST.get("action")
    try:
        if action == "approve":
            ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
            n = services.bulk_approve(Submission.objects.managed_by(request.user).filter(pk__in=ids, version=version, period=period).select_related("period", "version"), user=request.user)
            messages.success(request, _("已批量审核通过 %(n)s 家") % {"n": n})
        elif action == "lock":
            n = services.lock_period(version, period, user=request.user)
            messages.success(request, _("%(p)s 已锁定（%(n)s 家）") % {"p": period.label, "n": n})
        elif action == "remind_late":
            n = 0
            for row in services.completion_board(version, period):
                if row["status"] in ("draft", "returned") and check(
                    request.user, "assessment.review", Submission(version=version, responsible_unit=row["unit"], period=period)
                ):
                    services.remind(services.submission_for(version, row["unit"], period), user=request.user)
                    n += 1
            messages.success(request, _("已向 %(n)s 家未提交单位发送催报") % {"n": n})
    except services.WorkflowError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return redirect("assessment:review_period", version.pk, period.pk)


@login_required
@require_POST
def finding_resolve(request, pk: int):
    finding = get_visible_or_404(request.user, QualityFinding.objects.select_related("submission__version__scheme"), pk=pk)
    require(request.user, "assessment.review", finding)
    try:
        services.resolve_finding(finding, user=request.user)
    except services.WorkflowError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return redirect("assessment:review_period", finding.submission.version_id, finding.submission.period_id)


@login_required
def correct(request, version_id: int, period_id: int):
    """更正: the office changes a submitted or locked value with a reason."""
    version = get_visible_or_404(request.user, SchemeVersion.objects.select_related("scheme"), pk=version_id)
    period = get_visible_or_404(request.user, Period, pk=period_id)
    require(request.user, "assessment.review", version)
    units = [u for u in services.assessed_units(version)
             if check(request.user, "assessment.correct", DataValue(version=version, period=period, unit=u))]
    specs = list(version.indicators.filter(is_collected=True, frequency=period.frequency))
    if request.method == "POST":
        try:
            unit = get_visible_or_404(request.user, OrgUnit, pk=int(request.POST.get("unit", "0")))
            require(request.user, "assessment.correct", DataValue(version=version, period=period, unit=unit))
            value = parse_number(request.POST.get("value"))
            services.correct_value(request.user, version, period, unit, request.POST.get("indicator", ""), value,
                                   reason=request.POST.get("reason", ""))
        except NumberError as exc:
            messages.error(request, _("数值“%(v)s”%(reason)s") % {"v": exc.raw, "reason": exc.text(get_language())})
        except ValueError:
            messages.error(request, _("数值不是数字"))
        except services.WorkflowError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("已更正；相关考核结果已标记为需重新计算"))
            return redirect("assessment:review_period", version.pk, period.pk)
    return render(request, "assessment/correct.html", {"nav_active": "data", "version": version, "period": period,
                                                       "units": units, "specs": specs, "post": request.POST})


@login_required
def periods(request):
    require(request.user, "assessment.view_values")
    owner = services.assessment_owner(person_of(request.user))
    if owner is None:
        messages.info(request, _("尚无单位"))
        return redirect("assessment:scheme_list")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "generate":
            try:
                year = int(request.POST.get("year", ""))
                day = int(request.POST.get("deadline_day") or 5)
                if not (2000 <= year <= 2100 and 1 <= day <= 28):
                    raise ValueError
            except ValueError:
                require(request.user, "assessment.manage_periods", Period(owner_unit=owner))
                messages.error(request, _("年度或截止日无效"))
            else:
                # The periods a year gets are new objects of the owner: the office must manage it.
                require(request.user, "assessment.manage_periods", Period(owner_unit=owner, year=year))
                services.ensure_periods(owner, year, deadline_day=day, user=request.user)
                messages.success(request, _("已生成 %(y)s 年考核期") % {"y": year})
        elif action == "status":
            try:
                period = get_visible_or_404(request.user, Period, pk=int(request.POST.get("period") or 0))
            except ValueError:
                raise Http404 from None
            require(request.user, "assessment.manage_periods", period)
            status = request.POST.get("status")
            deadline = None
            if request.POST.get("deadline"):
                try:
                    deadline = dt.date.fromisoformat(request.POST["deadline"])
                except ValueError:
                    messages.error(request, _("截止日期无效"))
                    return redirect("assessment:periods")
            if status in PeriodStatus.values:
                try:
                    services.set_period_status(period, status, user=request.user, deadline=deadline)
                except services.WorkflowError as exc:
                    for m in exc.messages:
                        messages.error(request, m)
                else:
                    messages.success(request, _("%(p)s 已更新") % {"p": period.label})
        else:
            require(request.user, "assessment.manage_periods", Period(owner_unit=owner))
        return redirect("assessment:periods")
    year = request.GET.get("year")
    years = sorted(set(services.periods_of(owner).values_list("year", flat=True)), reverse=True)
    try:
        year = int(year) if year else (years[0] if years else timezone.localdate().year)
    except ValueError:
        year = years[0] if years else timezone.localdate().year
    return render(request, "assessment/periods.html", {
        "nav_active": "data", "periods": services.periods_of(owner, year).order_by("kind", "number"), "years": years,
        "year": year, "can_manage": check(request.user, "assessment.manage_periods", Period(owner_unit=owner, year=year)),
        "statuses": [(v, label) for v, label in PeriodStatus.choices if v != PeriodStatus.LOCKED], "today": timezone.localdate(), "owner": owner,
        "version": SchemeVersion.objects.managed_by(request.user).filter(status=VersionStatus.ADOPTED, scheme__year=year,
                                                                         scheme__owner_unit=owner).first(),
    })


def status_label(status: str) -> str:
    return SubmissionStatus(status).label
