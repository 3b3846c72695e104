"""The assessment's workflows in the JSON API (mounted with kaohe.assessment.api's router):
periods (生成、开放/截止、锁定), submissions (提交、退回、审核通过、催报) and the history and
correction (更正) of values.

The same services and permission rules as the pages: an object out of the caller's scope is 404,
a role that sees it but may not act is 403, a rule's refusal is a 422 with its message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Query, Schema
from ninja.errors import HttpError
from pydantic import Field

from kaohe.assessment import services
from kaohe.assessment.api import router  # noqa: E402 — one router per app; this module adds its workflows to it
from kaohe.assessment.models import (
    DataValue,
    Period,
    PeriodStatus,
    QualityFinding,
    SchemeVersion,
    Submission,
)
from kaohe.lib.numbers import NumberError, parse_number, plain
from kaohe.lib.params import Id, Year
from kaohe.lib.periods import Period as PeriodValue
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import api_require, check, person_of
from kaohe.orgs.scope import get_visible_or_404

# ---- periods ------------------------------------------------------------------------------------


class PeriodOut(Schema):
    id: int
    owner_unit: str
    code: str
    label: str
    year: int
    kind: str
    number: int
    start: dt.date
    end: dt.date
    deadline: dt.date
    status: str
    status_label: str


def _period_out(p: Period) -> dict:
    return {"id": p.pk, "owner_unit": p.owner_unit.code, "code": p.code, "label": p.label, "year": p.year, "kind": p.kind,
            "number": p.number, "start": p.start, "end": p.end, "deadline": p.deadline, "status": p.status,
            "status_label": p.get_status_display()}


class GenerateIn(Schema):
    year: Year
    deadline_day: int = Field(default=5, ge=1, le=28, description="填报截止: the n-th working day after a period ends")


class StatusIn(Schema):
    deadline: dt.date | None = Field(default=None, description="a new 填报截止 (optional)")


@router.get("/periods", response=list[PeriodOut], operation_id="assessment_period_list",
            summary="考核期列表 / List periods")
def list_periods(request, year: Year | None = None, owner: str | None = None):
    """The periods in the caller's scope (their own assessment owner's and those above), by owner and date."""
    api_require(request, "assessment.view_values")
    qs = Period.objects.visible_to(request.user).select_related("owner_unit")
    if year:
        qs = qs.filter(year=year)
    if owner:
        qs = qs.filter(owner_unit__code=owner)
    return [_period_out(p) for p in qs.order_by("owner_unit__sort_order", "owner_unit__code", "end", "kind")[:2000]]


@router.post("/periods", response=list[PeriodOut], operation_id="assessment_period_generate",
             summary="生成年度考核期 / Generate a year's periods")
def generate_periods(request, body: GenerateIn):
    """The months, quarters, half-years and year of the caller's assessment (idempotent)."""
    owner = services.assessment_owner(person_of(request.user))
    if owner is None:
        raise HttpError(404, "no assessment owner for your account")
    api_require(request, "assessment.manage_periods", Period(owner_unit=owner, year=body.year))
    periods = services.ensure_periods(owner, body.year, deadline_day=body.deadline_day, user=request.user)
    return [_period_out(p) for p in sorted(periods, key=lambda p: (p.end, p.kind))]


def _set_status(request, period_id: int, status: str, body: StatusIn | None) -> dict:
    period = get_visible_or_404(request.user, Period.objects.select_related("owner_unit"), pk=period_id)
    api_require(request, "assessment.manage_periods", period)
    services.set_period_status(period, status, user=request.user, deadline=body.deadline if body else None)
    return _period_out(period)


@router.post("/periods/{period_id}/open", response=PeriodOut, operation_id="assessment_period_open",
             summary="开放或重新开放填报 / Open (or reopen) a period for entry")
def open_period(request, period_id: Id, body: StatusIn | None = None):
    return _set_status(request, period_id, PeriodStatus.OPEN, body)


@router.post("/periods/{period_id}/close", response=PeriodOut, operation_id="assessment_period_close",
             summary="截止填报 / Close a period for entry")
def close_period(request, period_id: Id, body: StatusIn | None = None):
    return _set_status(request, period_id, PeriodStatus.CLOSED, body)


class LockIn(Schema):
    version: Id = Field(description="the scheme version whose approved submissions are locked")


@router.post("/periods/{period_id}/lock", response=PeriodOut, operation_id="assessment_period_lock",
             summary="锁定考核期 / Lock a period's approved submissions")
def lock_period(request, period_id: Id, body: LockIn):
    version = get_visible_or_404(request.user, SchemeVersion.objects.select_related("scheme"), pk=body.version)
    # A version scores its owner's periods: the city's March is not 甲区's.
    period = get_visible_or_404(request.user, Period.objects.filter(owner_unit_id=version.scheme.owner_unit_id)
                                .select_related("owner_unit"), pk=period_id)
    api_require(request, "assessment.review", version)
    services.lock_period(version, period, user=request.user)
    period.refresh_from_db()
    return _period_out(period)


# ---- submissions --------------------------------------------------------------------------------


class SubmissionOut(Schema):
    id: int | None = Field(description="null: nothing saved yet (填报中)")
    version: int
    period: str
    responsible_unit: str
    responsible_unit_name: str
    status: str
    status_label: str
    reason: str = Field(description="退回原因 of a returned submission")
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    indicators: int | None = None
    filled: int | None = None
    expected: int | None = None
    late: bool | None = None
    reminders: int | None = None
    findings: int | None = None


def _submission_out(sub: Submission, row: dict | None = None) -> dict:
    out = {"id": sub.pk, "version": sub.version_id, "period": sub.period.code, "responsible_unit": sub.responsible_unit.code,
           "responsible_unit_name": sub.responsible_unit.name, "status": sub.status,
           "status_label": sub.get_status_display(), "reason": sub.reason, "submitted_at": sub.submitted_at,
           "reviewed_at": sub.reviewed_at}
    if row is not None:
        out.update({k: row[k] for k in ("indicators", "filled", "expected", "late", "reminders", "findings")})
    return out


def _version_period(request, version_id: int, period_code: str) -> tuple[SchemeVersion, Period]:
    version = get_visible_or_404(request.user, SchemeVersion.objects.select_related("scheme"), pk=version_id)
    try:
        value = PeriodValue.parse(period_code)
    except ValueError as exc:
        raise HttpError(422, f"period: {exc}") from None
    period = services.stored_period(version.scheme.owner_unit_id, value)
    if period is None:
        raise HttpError(404, f"period: '{period_code}' does not exist")
    return version, period


@router.get("/submissions", response=list[SubmissionOut], operation_id="assessment_submission_list",
            summary="报送完成情况 / Submissions of a period, per responsible unit")
def list_submissions(request, version: Id, period: str = Query(..., max_length=10)):
    """完成情况: every responsible unit due, with its status, values filled, lateness and reminders — the
    units whose submission the caller may read (an office all it manages, a submitter its own)."""
    v, p = _version_period(request, version, period)
    api_require(request, "assessment.view_values")
    out = []
    for row in services.completion_board(v, p):
        sub = row["submission"] or Submission(version=v, period=p, responsible_unit=row["unit"])
        if check(request.user, "assessment.view_values", sub) or check(request.user, "assessment.review", sub):
            out.append(_submission_out(sub, row))
    return out


class SubmitIn(Schema):
    version: Id
    period: str = Field(max_length=10, description="2025-03, 2025Q1, 2025-H1 or 2025")
    unit: str = Field(max_length=32, description="the responsible unit (指标责任单位) submitting")


class SubmittedOut(SubmissionOut):
    quality_findings: int = Field(description="数据质量筛查 findings sent to the office with it")


@router.post("/submissions/submit", response=SubmittedOut, operation_id="assessment_submission_submit",
             summary="提交报送 / Submit a responsible unit's data of a period")
def submit_submission(request, body: SubmitIn):
    """Refused (422, every blocking problem named) while a value is missing or wrong, or a warning lacks its 说明."""
    version, period = _version_period(request, body.version, body.period)
    unit = get_visible_or_404(request.user, OrgUnit, code=body.unit)
    stored = Submission.objects.filter(version=version, period=period, responsible_unit=unit).first()
    api_require(request, "assessment.enter_values", stored or Submission(version=version, period=period, responsible_unit=unit))
    sub = services.submission_for(version, unit, period)
    findings = services.submit(sub, user=request.user)
    sub.refresh_from_db()
    return {**_submission_out(sub), "quality_findings": len(findings)}


class BulkApproveIn(Schema):
    version: Id
    period: str = Field(max_length=10, description="2025-03, 2025Q1, 2025-H1 or 2025")
    ids: list[Id] = Field(max_length=1000, description="the submissions to approve (those not 已提交 are left as they are)")


class BulkApprovedOut(Schema):
    approved: int = Field(description="how many were approved")
    submissions: list[SubmissionOut] = Field(description="the submissions asked for that the caller manages, as they are now")


# Before /submissions/{submission_id}: its pattern would take "approve" for an id (405).
@router.post("/submissions/approve", response=BulkApprovedOut, operation_id="assessment_submission_bulk_approve",
             summary="批量审核通过 / Approve several submissions of a period at once")
def bulk_approve_submissions(request, body: BulkApproveIn):
    """The review page's 批量审核通过: every submitted one of ``ids`` among the period's submissions the
    caller manages is approved; refused (422) when none of them is waiting for review."""
    version, period = _version_period(request, body.version, body.period)
    api_require(request, "assessment.review", version)
    chosen = (Submission.objects.managed_by(request.user).filter(pk__in=body.ids, version=version, period=period)
              .select_related("version__scheme", "period", "responsible_unit").order_by("pk"))
    n = services.bulk_approve(chosen, user=request.user)
    return {"approved": n, "submissions": [_submission_out(sub) for sub in chosen.all()]}


def _submission(request, submission_id: int) -> Submission:
    return get_visible_or_404(request.user, Submission.objects.select_related("version__scheme", "period", "responsible_unit"),
                              pk=submission_id)


@router.get("/submissions/{submission_id}", response=SubmissionOut, operation_id="assessment_submission_get",
            summary="报送详情 / A submission")
def get_submission(request, submission_id: Id):
    sub = _submission(request, submission_id)
    if not (check(request.user, "assessment.view_values", sub) or check(request.user, "assessment.review", sub)):
        raise HttpError(403, "permission denied: assessment.view_values")
    return _submission_out(sub)


class ReturnIn(Schema):
    reason: str = Field(max_length=2000, description="退回原因 (required)")


class RemindIn(Schema):
    message: str = Field(default="", max_length=2000, description="催报 text (default: the deadline and the time left)")


def _reviewed(request, submission_id: int) -> Submission:
    sub = _submission(request, submission_id)
    api_require(request, "assessment.review", sub)
    return sub


@router.post("/submissions/{submission_id}/approve", response=SubmissionOut, operation_id="assessment_submission_approve",
             summary="审核通过报送 / Approve a submission")
def approve_submission(request, submission_id: Id):
    sub = _reviewed(request, submission_id)
    services.approve(sub, user=request.user)
    sub.refresh_from_db()
    return _submission_out(sub)


@router.post("/submissions/{submission_id}/return", response=SubmissionOut, operation_id="assessment_submission_return",
             summary="退回报送 / Return a submission with a reason")
def return_submission(request, submission_id: Id, body: ReturnIn):
    sub = _reviewed(request, submission_id)
    services.return_submission(sub, reason=body.reason, user=request.user)
    sub.refresh_from_db()
    return _submission_out(sub)


class ReminderOut(Schema):
    id: int
    submission: int
    message: str


@router.post("/submissions/{submission_id}/remind", response=ReminderOut, operation_id="assessment_submission_remind",
             summary="催报 / Remind a responsible unit to submit")
def remind_submission(request, submission_id: Id, body: RemindIn):
    sub = _reviewed(request, submission_id)
    reminder = services.remind(sub, user=request.user, message=body.message)
    return {"id": reminder.pk, "submission": sub.pk, "message": reminder.message}


# ---- value history and corrections --------------------------------------------------------------


class ChangeOut(Schema):
    at: dt.datetime
    user: str
    action: str
    before: str | None
    after: str | None
    revision: int
    source: str
    reason: str


@router.get("/values/history", response=list[ChangeOut], operation_id="assessment_value_history",
            summary="数据修改记录 / Every change of one value, newest first")
def value_history(request, version: Id, period: str = Query(..., max_length=10), unit: str = Query(..., max_length=32),
                  indicator: str = Query(..., max_length=64)):
    v, p = _version_period(request, version, period)
    target = get_visible_or_404(request.user, OrgUnit, code=unit)
    spec = v.indicators.select_related("responsible_unit").filter(code=indicator).first()
    if spec is None or spec.responsible_unit is None:
        raise HttpError(404, f"indicator: '{indicator}' is not collected under this version")
    ru = spec.responsible_unit
    sub = (Submission.objects.filter(version=v, period=p, responsible_unit=ru).first()
           or Submission(version=v, period=p, responsible_unit=ru))
    api_require(request, "assessment.view_values", sub)
    return services.value_history(v, p, target.pk, indicator)


class CorrectIn(Schema):
    version: Id
    period: str = Field(max_length=10)
    unit: str = Field(max_length=32)
    indicator: str = Field(max_length=64)
    value: float | str | None = Field(description="the corrected number (null clears it)")
    reason: str = Field(max_length=2000, description="更正原因 (required)")


class CorrectedOut(Schema):
    saved: int
    unchanged: int
    revision: int | None
    value: str | None


@router.post("/values/correct", response=CorrectedOut, operation_id="assessment_value_correct",
             summary="更正已报送的数据 / Correct a submitted or locked value with a reason")
def correct_value(request, body: CorrectIn):
    """The office's 更正: the value changes with its reason in the audit log; results scored on it are marked stale."""
    version, period = _version_period(request, body.version, body.period)
    unit = get_visible_or_404(request.user, OrgUnit, code=body.unit)
    api_require(request, "assessment.review", version)
    api_require(request, "assessment.correct", DataValue(version=version, period=period, unit=unit))
    try:
        value: Decimal | None = parse_number(body.value)
    except NumberError as exc:
        raise HttpError(422, f"value: '{exc.raw}' {exc.reason_en}") from None
    result = services.correct_value(request.user, version, period, unit, body.indicator, value, reason=body.reason)
    row = DataValue.objects.filter(version=version, period=period, unit=unit, indicator=body.indicator).first()
    return {"saved": result.saved, "unchanged": result.unchanged, "revision": row.revision if row else None,
            "value": plain(row.value) if row and row.value is not None else None}


# ---- quality findings (质量筛查) ------------------------------------------------------------------


class FindingOut(Schema):
    id: int
    submission: int
    responsible_unit: str
    unit: str | None = Field(description="the assessed unit the finding is about (null: the whole submission)")
    unit_name: str | None
    indicator: str
    indicator_name: str
    check: str = Field(description="the check that found it (code)")
    label: str = Field(description="the check's name (同比突变)")
    severity: str
    message: str
    resolved: bool


def _finding_out(f: QualityFinding, names: dict[str, str] | None = None) -> dict:
    if names is None:
        names = dict(f.submission.version.indicators.filter(code=f.indicator).values_list("code", "name"))
    return {"id": f.pk, "submission": f.submission_id, "responsible_unit": f.submission.responsible_unit.code,
            "unit": f.unit.code if f.unit else None, "unit_name": f.unit.name if f.unit else None, "indicator": f.indicator,
            "indicator_name": names.get(f.indicator, f.indicator), "check": f.code, "label": str(f.label),
            "severity": f.severity, "message": f.message, "resolved": f.resolved}


_FINDING = QualityFinding.objects.select_related("submission__version__scheme", "submission__responsible_unit", "unit")


@router.get("/findings", response=list[FindingOut], operation_id="assessment_finding_list",
            summary="质量筛查待处理 / Quality findings of a period waiting for the office")
def list_findings(request, version: Id, period: str = Query(..., max_length=10), resolved: bool = False):
    """The review page's 质量筛查待处理 queue (``resolved=true``: those already checked)."""
    v, p = _version_period(request, version, period)
    api_require(request, "assessment.review", v)
    names = dict(v.indicators.values_list("code", "name"))
    qs = _FINDING.visible_to(request.user).filter(submission__version=v, submission__period=p, resolved=resolved)
    return [_finding_out(f, names) for f in qs.order_by("submission__responsible_unit__code", "unit__code", "indicator", "pk")[:2000]]


@router.post("/findings/{finding_id}/resolve", response=FindingOut, operation_id="assessment_finding_resolve",
             summary="核实质量筛查发现 / Mark a quality finding checked (已核实)")
def resolve_finding(request, finding_id: Id):
    finding = get_visible_or_404(request.user, _FINDING, pk=finding_id)
    api_require(request, "assessment.review", finding)
    services.resolve_finding(finding, user=request.user)
    finding.refresh_from_db()
    return _finding_out(finding)
