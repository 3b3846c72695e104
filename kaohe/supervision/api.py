"""JSON API of supervision (督查督办), mounted at /api/supervision/ (a token or the browser session).

Lists are ``Task.objects.visible_to(user)``; a task out of scope is 404, in scope but not allowed 403
(the permission module: ``supervision.manage`` / ``handle`` / ``report`` / ``view``). Every step goes
through ``kaohe.supervision.services`` — the same clock, timeline, audit and documents as the pages;
a step the workflow refuses is 422 with the reason in Chinese.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from kaohe.lib.exports import DOCX_TYPE, attachment
from kaohe.lib.params import Id, Offset, Year
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import check, person_of, scope_unit_ids, subtree_ids
from kaohe.orgs.scope import get_visible_or_404, is_visible
from kaohe.supervision import documents, services
from kaohe.supervision.models import (
    MAX_LIMIT_WORKDAYS,
    OPEN_STATES,
    Colour,
    DocumentKind,
    Extension,
    SourceKind,
    Task,
    TaskDocument,
    TaskState,
)
from kaohe.supervision.views import board_summary, visible_document

router = Router(tags=["supervision"])

MAX_ROWS = 1000


# ---- schemas ------------------------------------------------------------------------------------


class SupervisionTaskOut(Schema):
    id: int
    number: str
    title: str
    content: str
    source_kind: str
    urgency: str
    source_ref: str
    office_unit: str
    lead_unit: str
    lead_unit_name: str
    co_units: list[str]
    leader_name: str
    limit_workdays: int
    cadence: str
    state: str
    colour: str
    assigned_at: dt.datetime | None
    sign_due_at: dt.datetime | None
    signed_at: dt.datetime | None
    due_at: dt.datetime | None
    original_due_at: dt.datetime | None
    reported_at: dt.datetime | None
    closed_at: dt.datetime | None
    on_time: bool | None
    progress: int
    yellow_count: int
    red_count: int
    returned_count: int
    extended_count: int
    reopened_count: int


class SupervisionEventOut(Schema):
    kind: str
    label: str
    at: dt.datetime
    unit: str | None
    text: str
    document: str | None


class SupervisionExtensionOut(Schema):
    id: int
    asked_at: dt.datetime
    reason: str
    proposed_on: dt.date
    old_due_at: dt.datetime
    status: str
    decided_at: dt.datetime | None
    decision: str
    new_due_at: dt.datetime | None


class SupervisionMilestoneOut(Schema):
    id: int
    title: str
    due_on: dt.date
    done_on: dt.date | None


class SupervisionDocumentOut(Schema):
    id: int
    kind: str
    number: str
    title: str
    issued_at: dt.datetime


class SupervisionSourceOut(Schema):
    label: str
    text: str
    link: str


class SupervisionTaskDetailOut(SupervisionTaskOut):
    source: SupervisionSourceOut | None
    timeline: list[SupervisionEventOut]
    extensions: list[SupervisionExtensionOut]
    milestones: list[SupervisionMilestoneOut]
    documents: list[SupervisionDocumentOut]


class SupervisionTaskIn(Schema):
    title: str = ""
    content: str = ""
    source_kind: str = SourceKind.MANUAL
    urgency: str = ""
    source_ref: str = ""
    lead_unit: str = ""  # unit code; with ``source`` it defaults to the source's unit
    co_units: list[str] = []
    leader_name: str = ""
    limit_workdays: Annotated[int, Field(ge=1, le=MAX_LIMIT_WORKDAYS)] | None = None
    cadence: str = ""
    assign: bool = True
    #: 一键督办 from an object: ``projects.problem:12``, ``results.flag:3`` (defaults by source)
    source: str = ""
    #: the office confirms a demand on a unit at its monthly ceiling (基层减负)
    confirm_burden: bool = False


class SupervisionRefusalOut(Schema):
    """409: the unit is at its monthly 减负 ceiling; send again with ``confirm_burden``."""

    detail: str


class SupervisionTextIn(Schema):
    text: str


class SupervisionProgressIn(Schema):
    text: str
    percent: Annotated[int, Field(ge=0, le=100)] | None = None


class SupervisionExtensionIn(Schema):
    reason: str
    proposed_on: dt.date


class SupervisionDecisionIn(Schema):
    approve: bool
    reason: str
    on: dt.date | None = None


class SupervisionReviewIn(Schema):
    accept: bool
    reason: str = ""
    checks: list[str] = []


class SupervisionReasonIn(Schema):
    reason: str


class SupervisionCountsOut(Schema):
    total: int
    closed: int
    open: int
    reported: int
    blue: int
    yellow: int
    red: int
    overdue: int
    week: int


class SupervisionSourceCountOut(Schema):
    source_kind: str
    label: str
    tasks: int


class SupervisionUnitLoadOut(Schema):
    unit: str
    name: str
    open: int
    yellow: int
    red: int
    reports_this_month: int
    at_ceiling: bool


class SupervisionBoardOut(Schema):
    year: int
    counts: SupervisionCountsOut
    by_source: list[SupervisionSourceCountOut]
    by_lead_unit: list[SupervisionUnitLoadOut]
    report_ceiling: int


# ---- helpers ------------------------------------------------------------------------------------


def _tasks(user):
    return Task.objects.visible_to(user).select_related("office_unit", "lead_unit").prefetch_related("co_units")


def _task(request, task_id: Id, rule: str) -> Task:
    task = get_visible_or_404(request.user, Task.objects.select_related("office_unit", "lead_unit"), pk=task_id)
    if not check(request.user, rule, task):
        raise HttpError(403, "无权办理该督办事项")
    return task


def _step(fn):
    try:
        return fn()
    except services.SupervisionError as exc:
        raise HttpError(422, str(exc)) from None


_TASK_FIELDS = [name for name in SupervisionTaskOut.model_fields if name not in ("number", "office_unit", "lead_unit", "lead_unit_name", "co_units")]


def _row(task: Task) -> dict:
    """A task as the API shows it: its fields, with units by code (co-units prefetched)."""
    out = {name: getattr(task, name) for name in _TASK_FIELDS}
    out.update(number=task.number, office_unit=task.office_unit.code, lead_unit=task.lead_unit.code, lead_unit_name=task.lead_unit.name,
               co_units=[u.code for u in task.co_units.all()])
    return out


def _detail(task: Task) -> dict:
    task = Task.objects.select_related("office_unit", "lead_unit").prefetch_related("co_units").get(pk=task.pk)
    source, origin = services.source_of(task)
    out = _row(task)
    out["source"] = ({"label": origin.label, "text": origin.describe(source), "link": origin.link(source)}
                     if source is not None and origin is not None else None)
    out["timeline"] = [
        {"kind": e.kind, "label": e.get_kind_display(), "at": e.at, "unit": e.unit.code if e.unit else None, "text": e.text,
         "document": e.document.number if e.document else None}
        for e in task.events.select_related("unit", "document").order_by("at", "id")]
    out["extensions"] = list(task.extensions.order_by("asked_at", "id").values(
        "id", "asked_at", "reason", "proposed_on", "old_due_at", "status", "decided_at", "decision", "new_due_at"))
    out["milestones"] = list(task.milestones.order_by("due_on", "id").values("id", "title", "due_on", "done_on"))
    out["documents"] = list(task.documents.order_by("issued_at", "id").values("id", "kind", "number", "title", "issued_at"))
    return out


def _unit(code: str, user) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code, is_active=True).first()
    if unit is None or not (user.is_superuser or unit.pk in scope_unit_ids(person_of(user))):
        raise HttpError(422, f"单位代码“{code}”不存在或不在本单位管辖范围内")
    return unit


# ---- routes -------------------------------------------------------------------------------------


@router.get("/tasks", operation_id="supervision_task_list", summary="督办事项列表 / List supervision tasks",
            response=list[SupervisionTaskOut])
def list_tasks(request, state: str = "", colour: str = "", source_kind: str = "", unit: str = "", year: Year | None = None,
               overdue: bool = False, limit: Annotated[int, Field(ge=1, le=MAX_ROWS)] = 100, offset: Offset = 0):
    if not check(request.user, "supervision.inbox"):
        raise HttpError(403, "无权查看督办事项")
    qs = _tasks(request.user)
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state:
        if state not in TaskState.values:
            raise HttpError(422, f"未知的状态：{state}")
        qs = qs.filter(state=state)
    if colour:
        if colour not in Colour.values:
            raise HttpError(422, f"未知的督办等级：{colour}")
        qs = qs.filter(colour=colour)
    if source_kind:
        qs = qs.filter(source_kind=source_kind)
    if unit:
        found = OrgUnit.objects.filter(code=unit).first()
        qs = qs.filter(lead_unit_id__in=subtree_ids(found)) if found else qs.none()
    if year is not None:
        qs = qs.filter(year=year)
    if overdue:
        qs = qs.filter(state__in=OPEN_STATES, due_at__lt=timezone.now())
    return [_row(t) for t in qs.order_by("due_at", "pk")[offset:offset + limit]]


@router.post("/tasks", operation_id="supervision_task_create", summary="立项督办 / Set up a supervision task",
             response={201: SupervisionTaskDetailOut, 409: SupervisionRefusalOut})
def create_task(request, payload: SupervisionTaskIn):
    office = services.supervising_office(request.user)
    if office is None:
        raise HttpError(403, "只有考核办（督查室）可以立项督办")
    if payload.source:
        source = services.source_from_spec(payload.source)
        if source is None or not is_visible(request.user, source):
            raise HttpError(404, "来源对象不存在")
        if not services.can_supervise(request.user, source):
            raise HttpError(422, "该对象不能立项督办")
        lead = services.lead_of(source)
        if services.task_for(source) is None and not payload.confirm_burden:
            warning = services.burden_warning(lead)
            if warning:
                raise HttpError(409, warning + "（确认仍要交办：confirm_burden=true）")
        task = _step(lambda: services.supervise(source, user=request.user, assign=payload.assign))
        return Status(201, _detail(task))
    if payload.source_kind not in SourceKind.values:
        raise HttpError(422, f"未知的督办来源：{payload.source_kind}")
    if not payload.lead_unit:
        raise HttpError(422, "请指定牵头单位（lead_unit）")
    lead = _unit(payload.lead_unit, request.user)
    co = [_unit(code, request.user) for code in payload.co_units]
    if payload.assign and not payload.confirm_burden:
        warning = services.burden_warning(lead)
        if warning:
            raise HttpError(409, warning + "（确认仍要交办：confirm_burden=true）")
    task = _step(lambda: services.create_task(
        payload.source_kind, title=payload.title, content=payload.content, lead_unit=lead, co_units=co,
        leader_name=payload.leader_name, urgency=payload.urgency, source_ref=payload.source_ref,
        limit_workdays=payload.limit_workdays, cadence=payload.cadence, office_unit=office, user=request.user,
        assign=payload.assign))
    return Status(201, _detail(task))


@router.get("/tasks/{task_id}", operation_id="supervision_task_get",
            summary="督办事项详情（含办理记录） / A supervision task with its timeline", response=SupervisionTaskDetailOut)
def get_task(request, task_id: Id):
    return _detail(_task(request, task_id, "supervision.view"))


@router.post("/tasks/{task_id}/assign", operation_id="supervision_task_assign", summary="交办 / Assign a task",
             response=SupervisionTaskDetailOut)
def assign(request, task_id: Id):
    task = _task(request, task_id, "supervision.manage")
    return _detail(_step(lambda: services.assign_task(task, user=request.user)))


@router.post("/tasks/{task_id}/sign", operation_id="supervision_task_sign", summary="签收 / Sign for a task",
             response=SupervisionTaskDetailOut)
def sign(request, task_id: Id):
    task = _task(request, task_id, "supervision.handle")
    return _detail(_step(lambda: services.sign_task(task, user=request.user)))


@router.post("/tasks/{task_id}/progress", operation_id="supervision_progress_report",
             summary="报送进展 / Report a task's progress", response=SupervisionTaskDetailOut)
def progress(request, task_id: Id, payload: SupervisionProgressIn):
    task = _task(request, task_id, "supervision.report")
    _step(lambda: services.report_progress(task, payload.text, percent=payload.percent, user=request.user))
    return _detail(task)


@router.post("/tasks/{task_id}/extensions", operation_id="supervision_extension_request",
             summary="申请延期 / Ask for an extension (before the deadline)", response={201: SupervisionExtensionOut})
def request_extension(request, task_id: Id, payload: SupervisionExtensionIn):
    task = _task(request, task_id, "supervision.handle")
    return Status(201, _step(lambda: services.request_extension(task, payload.reason, payload.proposed_on, user=request.user)))


@router.post("/extensions/{extension_id}/decision", operation_id="supervision_extension_decide",
             summary="延期审批 / Approve or refuse an extension", response=SupervisionExtensionOut)
def decide_extension(request, extension_id: Id, payload: SupervisionDecisionIn):
    ext = get_object_or_404(Extension.objects.select_related("task"), pk=extension_id)
    _task(request, ext.task_id, "supervision.manage")  # out of scope: 404, as if there were no such request
    return _step(lambda: services.decide_extension(ext, approve=payload.approve, reason=payload.reason, on=payload.on,
                                                   user=request.user))


@router.post("/tasks/{task_id}/report", operation_id="supervision_report_submit",
             summary="报送办结报告 / Report a task done", response=SupervisionTaskDetailOut)
def submit_report(request, task_id: Id, payload: SupervisionTextIn):
    task = _task(request, task_id, "supervision.handle")
    return _detail(_step(lambda: services.submit_report(task, payload.text, user=request.user)))


@router.post("/tasks/{task_id}/review", operation_id="supervision_task_review",
             summary="审核：销号或退回重办 / Review: close or return a task", response=SupervisionTaskDetailOut)
def review(request, task_id: Id, payload: SupervisionReviewIn):
    task = _task(request, task_id, "supervision.manage")
    return _detail(_step(lambda: services.review_task(task, accept=payload.accept, reason=payload.reason, checks=payload.checks,
                                                      user=request.user)))


@router.post("/tasks/{task_id}/reopen", operation_id="supervision_task_reopen",
             summary="回头看重启 / Reopen a closed task (follow-up check)", response=SupervisionTaskDetailOut)
def reopen(request, task_id: Id, payload: SupervisionReasonIn):
    task = _task(request, task_id, "supervision.manage")
    return _detail(_step(lambda: services.reopen_task(task, payload.reason, user=request.user)))


@router.get("/board", operation_id="supervision_board_get",
            summary="督办台账统计 / Board figures (colours, sources, lead units, burden)", response=SupervisionBoardOut)
def board(request):
    if not check(request.user, "supervision.board"):
        raise HttpError(403, "无权查看督办台账")
    summary = board_summary(request.user, Task.objects.visible_to(request.user))
    return {
        "year": timezone.localdate().year, "counts": summary["counts"], "report_ceiling": summary["ceiling"],
        "by_source": [{"source_kind": v, "label": label, "tasks": n} for v, label, n in summary["sources"]],
        "by_lead_unit": [{"unit": u["lead_unit__code"], "name": u["lead_unit__name"], "open": u["n"], "yellow": u["yellow"],
                          "red": u["red"], "reports_this_month": u["burden"], "at_ceiling": u["over"]} for u in summary["by_unit"]],
    }


# ---- documents (交办单、催办单、督办函、通报) ------------------------------------------------------


class SupervisionIssuedDocumentOut(Schema):
    id: int = Field(description="download it with supervision_document_download")
    kind: str
    kind_label: str
    number: str = Field(description="文号")
    title: str
    task_id: int | None
    issuer: str
    addressee: str | None
    issued_at: dt.datetime
    period: str


@router.get("/documents", operation_id="supervision_document_list", response=list[SupervisionIssuedDocumentOut],
            summary="督查文书 / Issued documents: 交办单, 催办单, 督办函 (newest first)")
def list_documents(request, kind: DocumentKind | None = None, offset: Offset = 0):
    """The documents the caller's units issued or received, as the 督查文书 page; ``kind=supervise``: the 督办函."""
    if not check(request.user, "supervision.board"):
        raise HttpError(403, "无权查看督查文书")
    docs = (TaskDocument.objects.visible_to(request.user).select_related("issuer", "addressee").defer("docx", "content")
            .order_by("-issued_at", "-id"))
    if kind:
        docs = docs.filter(kind=kind)
    return [{"id": d.pk, "kind": d.kind, "kind_label": d.get_kind_display(), "number": d.number, "title": d.title,
             "task_id": d.task_id, "issuer": d.issuer.code, "addressee": d.addressee.code if d.addressee else None,
             "issued_at": d.issued_at, "period": d.period} for d in docs[offset:offset + MAX_ROWS]]


@router.get("/documents/{document_id}", operation_id="supervision_document_download",
            summary="下载督查文书 / Download an issued document (.docx, GB/T 9704)",
            openapi_extra={"responses": {"200": {"description": "the .docx (Content-Disposition: attachment)", "content": {
                DOCX_TYPE: {"schema": {"type": "string", "format": "binary"}}}}}})
def download_document(request, document_id: Id):
    """For whoever sees its task (or, without one, its issuer or addressee), as the page: the .docx as issued."""
    doc = visible_document(request.user, document_id)
    return attachment(documents.file_of(doc), f"{doc.number}{doc.title}.docx", DOCX_TYPE)
