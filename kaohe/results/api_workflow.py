"""The results' workflows in the JSON API (mounted with kaohe.results.api's router): start a scoring
run and follow its progress, the boards and flags of a run, publish (公示, with the completeness
check and its override), appeals (申诉) and their answers, awards (提名、审批、一等奖).

The same services and rules as the pages: out of the caller's scope is 404, a role that sees the
object but may not act is 403, a rule's refusal is a 422 with the page's message."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from ninja.errors import HttpError
from pydantic import Field

from kaohe.assessment.models import Period, SchemeVersion
from kaohe.assessment.services import stored_period
from kaohe.lib.params import Id, Year
from kaohe.lib.periods import Period as PeriodValue
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import api_require, check, is_reader, person_of
from kaohe.orgs.scope import get_visible_or_404
from kaohe.results import queries, services
from kaohe.results.api import _run, router  # noqa: E402 — one router per app; this module adds its workflows to it
from kaohe.results.models import (
    Appeal,
    Award,
    AwardKind,
    FlagKind,
    Publication,
    RunStatus,
    ScoringRun,
)
from kaohe.results.receivers import run_for_period
from kaohe.results.views.publication import bump_public_cache

# ---- runs ---------------------------------------------------------------------------------------


class CompletenessOut(Schema):
    approved: int
    due: int
    warnings: int
    complete: bool
    pending: list[str] = Field(description="responsible units not yet approved")


class RunDetailOut(Schema):
    id: int
    scheme_code: str
    scheme_name: str
    year: int
    kind: str
    number: int
    label: str
    status: str
    status_label: str
    progress: int = Field(description="0–100")
    error: str
    content_hash: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    publication_id: int | None
    completeness: CompletenessOut | None = Field(description="for the office, before publication")


def _run_out(request, run: ScoringRun) -> dict:
    pub = services.publication_of(run) if run.status == RunStatus.DONE else None
    state = None
    if run.sealed and pub is None and check(request.user, "results.manage", run):
        c = services.completeness(run)
        state = {"approved": c.approved, "due": c.due, "warnings": c.warnings, "complete": c.complete, "pending": list(c.pending)}
    return {"id": run.pk, "scheme_code": run.scheme_code, "scheme_name": run.scheme_name, "year": run.year, "kind": run.kind,
            "number": run.number, "label": run.label, "status": run.status, "status_label": run.get_status_display(),
            "progress": run.progress, "error": run.error, "content_hash": run.content_hash, "created_at": run.created_at,
            "finished_at": run.finished_at, "publication_id": pub.pk if pub else None, "completeness": state}


class StartIn(Schema):
    version: Id = Field(description="an adopted scheme version the caller's office owns")
    period: str = Field(max_length=10, description="its owner's period: 2025-03, 2025Q1, 2025-H1 or 2025")


@router.post("/runs", response={202: RunDetailOut}, operation_id="results_run_start",
             summary="启动计分 / Start a scoring run (in the background)")
def start_run(request, body: StartIn):
    """Scores the approved data of the period; poll ``results_run_progress`` until ``done`` (or ``failed``)."""
    version = get_visible_or_404(request.user, SchemeVersion.objects.select_related("scheme"), pk=body.version)
    api_require(request, "results.manage", version)
    try:
        value = PeriodValue.parse(body.period)
    except ValueError as exc:
        raise HttpError(422, f"period: {exc}") from None
    period = stored_period(version.scheme.owner_unit_id, value)
    if period is None:
        raise HttpError(404, f"period: '{body.period}' does not exist")
    period = get_visible_or_404(request.user, Period, pk=period.pk)
    run = run_for_period(version, period, user=request.user, background=True)
    run.refresh_from_db()
    return 202, _run_out(request, run)


@router.get("/runs/{run_id}", response=RunDetailOut, operation_id="results_run_get",
            summary="计分批次 / A scoring run: status, hashes, publication")
def get_run(request, run_id: Id):
    return _run_out(request, _run(request, run_id, done=False))


class ProgressOut(Schema):
    id: int
    status: str
    status_label: str
    progress: int
    running: bool
    error: str


@router.get("/runs/{run_id}/progress", response=ProgressOut, operation_id="results_run_progress",
            summary="计分进度 / Progress of a scoring run")
def run_progress(request, run_id: Id):
    run = _run(request, run_id, done=False)
    return {"id": run.pk, "status": run.status, "status_label": run.get_status_display(), "progress": run.progress,
            "running": run.status in (RunStatus.QUEUED, RunStatus.RUNNING), "error": run.error}


class BoardMetaOut(Schema):
    code: str
    name: str
    indicators: list[str]


@router.get("/runs/{run_id}/boards", response=list[BoardMetaOut], operation_id="results_board_list",
            summary="批次的榜单 / The boards of a run")
def list_boards(request, run_id: Id):
    run = _run(request, run_id)
    return [{"code": b["code"], "name": b.get("name", b["code"]), "indicators": list(b.get("indicators", []))}
            for b in run.scheme_meta.get("boards", [])]


class FlagOut(Schema):
    kind: str
    kind_label: str
    year: int
    month: int
    unit: str
    unit_name: str
    group: str
    board: str
    reason: str


@router.get("/runs/{run_id}/flags", response=list[FlagOut], operation_id="results_flag_list",
            summary="红旗与黄灯 / Red flags and yellow lights of a run")
def list_flags(request, run_id: Id, kind: Literal["red", "yellow"] | None = None):
    run = _run(request, run_id)
    flags = queries.flags_of(run, services.visible_units(request.user, run))
    kinds = [kind] if kind else [FlagKind.RED, FlagKind.YELLOW]
    return [{"kind": f.kind, "kind_label": f.get_kind_display(), "year": f.year, "month": f.month, "unit": f.unit_code,
             "unit_name": f.unit_name, "group": f.group, "board": f.board, "reason": f.reason}
            for k in kinds for f in flags[k]]


# ---- publication --------------------------------------------------------------------------------


class PublishIn(Schema):
    notice_days: int = Field(default=7, ge=1, le=60, description="公示期, working days")
    override_reason: str = Field(default="", max_length=2000,
                                 description="数据不完整仍公示: why it is published before every unit is approved")


class PublishedOut(Schema):
    id: int
    run_id: int
    title: str
    published_at: dt.datetime
    notice_ends: dt.datetime
    chain_hash: str


@router.post("/runs/{run_id}/publish", response={201: PublishedOut}, operation_id="results_publication_create",
             summary="公示计分结果 / Publish a run (公示)")
def publish_run(request, run_id: Id, body: PublishIn):
    """Refused (422, naming the units not approved) while the data is incomplete, unless ``override_reason`` says why."""
    run = _run(request, run_id)
    api_require(request, "results.manage", run)
    pub = services.publish(run, request.user, notice_days=body.notice_days, override_reason=body.override_reason)
    bump_public_cache()
    return 201, {"id": pub.pk, "run_id": run.pk, "title": pub.title, "published_at": pub.published_at,
                 "notice_ends": pub.notice_ends, "chain_hash": pub.chain_hash}


# ---- appeals ------------------------------------------------------------------------------------


class AppealAttachmentOut(Schema):
    id: int = Field(description="download it with results_attachment_download")
    name: str
    content_type: str


class AppealOut(Schema):
    id: int
    publication_id: int
    unit: str
    unit_name: str
    indicator: str
    indicator_name: str
    reason: str
    claimed_value: float | None
    status: str
    status_label: str
    filed_at: dt.datetime
    answer_due: dt.datetime
    response: str
    answered_at: dt.datetime | None
    corrected_run_id: int | None
    attachments: list[AppealAttachmentOut] = Field(description="申诉材料")


def _appeal_out(a: Appeal) -> dict:
    return {"id": a.pk, "publication_id": a.publication_id, "unit": a.unit.code, "unit_name": a.unit.name,
            "indicator": a.indicator, "indicator_name": a.indicator_name, "reason": a.reason, "claimed_value": a.claimed_value,
            "status": a.status, "status_label": a.get_status_display(), "filed_at": a.filed_at, "answer_due": a.answer_due,
            "response": a.response, "answered_at": a.answered_at, "corrected_run_id": a.corrected_run_id,
            "attachments": [{"id": f.pk, "name": f.name, "content_type": f.content_type} for f in a.attachments.all()]}


def _appeals(request):
    return Appeal.objects.visible_to(request.user).select_related("unit", "publication__run").prefetch_related("attachments")


@router.get("/appeals", response=list[AppealOut], operation_id="results_appeal_list",
            summary="申诉列表 / Appeals in your scope (an assessed unit: its own)")
def list_appeals(request, status: Literal["filed", "accepted", "rejected"] | None = None):
    api_require(request, "results.view")
    qs = _appeals(request).order_by("-filed_at", "-id")
    person = person_of(request.user)
    if not (request.user.is_superuser or is_reader(person)):
        qs = qs.filter(unit_id=person.unit_id if person else -1)
    if status:
        qs = qs.filter(status=status)
    return [_appeal_out(a) for a in qs[:1000]]


@router.get("/appeals/{appeal_id}", response=AppealOut, operation_id="results_appeal_get",
            summary="申诉详情 / An appeal")
def get_appeal(request, appeal_id: Id):
    appeal = get_visible_or_404(request.user, _appeals(request), pk=appeal_id)
    api_require(request, "results.view_appeal", appeal)
    return _appeal_out(appeal)


class AppealIn(Schema):
    indicator: str = Field(max_length=64, description="the contested indicator's code")
    reason: str = Field(max_length=5000)
    claimed_value: float | None = Field(default=None, description="the value the unit claims")


@router.post("/publications/{publication_id}/appeals", response={201: AppealOut}, operation_id="results_appeal_file",
             summary="提出申诉 / File an appeal during the notice period")
def file_appeal(request, publication_id: Id, body: AppealIn):
    """By the assessed unit, about one indicator of its own results (with attachments: results_appeal_upload, multipart)."""
    pub = get_visible_or_404(request.user, Publication.objects.select_related("run"), pk=publication_id)
    person = person_of(request.user)
    if person is None or not check(request.user, "results.appeal", person.unit):
        raise HttpError(403, "permission denied: results.appeal (an assessed unit appeals about its own results)")
    appeal = services.file_appeal(pub, person.unit, body.indicator, body.reason, request.user, claimed_value=body.claimed_value)
    return 201, _appeal_out(appeal)


class AcceptIn(Schema):
    response: str = Field(max_length=5000, description="答复意见")
    value: float | None = Field(default=None, description="the corrected value (default: the claimed one)")


class RejectIn(Schema):
    response: str = Field(max_length=5000, description="驳回理由")


def _answerable(request, appeal_id: int) -> Appeal:
    appeal = get_visible_or_404(request.user, Appeal.objects.select_related("publication__run", "unit"), pk=appeal_id)
    api_require(request, "results.answer_appeal", appeal)
    return appeal


@router.post("/appeals/{appeal_id}/accept", response=AppealOut, operation_id="results_appeal_accept",
             summary="采纳申诉 / Accept an appeal (a corrected run is scored and published)")
def accept_appeal(request, appeal_id: Id, body: AcceptIn):
    appeal = _answerable(request, appeal_id)
    services.accept_appeal(appeal, request.user, response=body.response, value=body.value)
    bump_public_cache()
    return _appeal_out(Appeal.objects.select_related("unit", "publication__run").get(pk=appeal.pk))


@router.post("/appeals/{appeal_id}/reject", response=AppealOut, operation_id="results_appeal_reject",
             summary="驳回申诉 / Reject an appeal with a reason")
def reject_appeal(request, appeal_id: Id, body: RejectIn):
    appeal = _answerable(request, appeal_id)
    services.reject_appeal(appeal, request.user, response=body.response)
    bump_public_cache()
    return _appeal_out(Appeal.objects.select_related("unit", "publication__run").get(pk=appeal.pk))


# ---- awards -------------------------------------------------------------------------------------


class AwardOut(Schema):
    id: int
    year: int
    kind: str
    kind_label: str
    unit: str
    unit_name: str
    person_name: str
    reason: str
    status: str
    status_label: str
    decision_note: str


def _award_out(a: Award) -> dict:
    return {"id": a.pk, "year": a.year, "kind": a.kind, "kind_label": a.get_kind_display(), "unit": a.unit_code,
            "unit_name": a.unit_name, "person_name": a.person_name, "reason": a.reason, "status": a.status,
            "status_label": a.get_status_display(), "decision_note": a.decision_note}


@router.get("/awards", response=list[AwardOut], operation_id="results_award_list",
            summary="奖项 / Awards of a year (an assessed unit: the approved and its own)")
def list_awards(request, year: Year):
    api_require(request, "results.view")
    person = person_of(request.user)
    qs = Award.objects.visible_to(request.user).filter(year=year)
    if not (request.user.is_superuser or is_reader(person)):
        qs = qs.filter(status="approved") | qs.filter(unit_id=person.unit_id if person else -1)
    return [_award_out(a) for a in qs.order_by("kind", "status", "unit_code", "id")]


class NominateIn(Schema):
    year: Year
    kind: Literal[tuple(k for k in AwardKind.values if k != AwardKind.FIRST_PRIZE)]  # type: ignore[valid-type]
    unit: str = Field(max_length=32, description="the nominated unit (your own)")
    reason: str = Field(max_length=5000)
    person_name: str = Field(default="", max_length=50, description="好班长、好助手: the person")


@router.post("/awards", response={201: AwardOut}, operation_id="results_award_nominate",
             summary="提名奖项 / Nominate a unit for an award")
def nominate(request, body: NominateIn):
    unit = get_visible_or_404(request.user, OrgUnit, code=body.unit)
    api_require(request, "results.nominate", unit)
    award = services.nominate(body.year, body.kind, unit, body.reason, request.user, person_name=body.person_name)
    return 201, _award_out(award)


class DecideIn(Schema):
    approve: bool
    note: str = Field(default="", max_length=2000, description="审批意见")


@router.post("/awards/{award_id}/decide", response=AwardOut, operation_id="results_award_decide",
             summary="审批提名 / Approve or reject a nomination")
def decide(request, award_id: Id, body: DecideIn):
    award = get_visible_or_404(request.user, Award, pk=award_id)
    api_require(request, "results.decide_award", award)
    return _award_out(services.decide_award(award, request.user, approve=body.approve, note=body.note))


class GrantIn(Schema):
    by: Literal["tier", "quota"] = Field(default="tier", description="tier: the first tier; quota: the top count of each group")
    count: int | None = Field(default=None, ge=1, le=1000)


@router.post("/runs/{run_id}/first-prizes", response=list[AwardOut], operation_id="results_award_grant",
             summary="评定综合考核一等奖 / Grant the first prizes from an annual run")
def grant_first_prizes(request, run_id: Id, body: GrantIn):
    run = _run(request, run_id)
    api_require(request, "results.manage", run)
    return [_award_out(a) for a in services.grant_first_prizes(run, request.user, by=body.by, count=body.count)]
