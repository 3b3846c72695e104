"""JSON API of enterprise service (django-ninja router, mounted at /api/enterprise/).

Token or session (``API_AUTH``) for people: every handler asks the rules of
:mod:`kaohe.enterprise.rules` and reads through ``requests_for`` / ``enterprises_for`` (the
``visible_to`` scope plus the enterprises a 服务专员 serves): out of scope is 404, in scope but
not allowed 403, a step the workflow refuses 422 with the reason. Writes go through
:mod:`kaohe.enterprise.services`, as the pages do (audited, on the one deadline clock).

The enterprise itself has no account: ``/link/{key}/…`` answers only to the browser session its
own link verified with a one-time code (``portal.verified``), and only with its own requests.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from kaohe.enterprise import figures, portal, services
from kaohe.enterprise.models import (
    OPEN_STATUSES,
    Channel,
    Enterprise,
    EnterpriseRequest,
    RequestExtension,
    RequestStep,
    RequestType,
    Status,
    Urgency,
)
from kaohe.enterprise.rules import enterprises_for, requests_for
from kaohe.enterprise.sources import unit_rollup
from kaohe.enterprise.views import handler_choices
from kaohe.lib.deadlines import Clock
from kaohe.lib.params import Id, Offset, Year
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import api_require, person_of
from kaohe.orgs.scope import get_visible_or_404

router = Router(tags=["enterprise"])


def _request_or_404(user, pk: int) -> EnterpriseRequest:
    req = requests_for(user).select_related("enterprise", "enterprise__unit", "first_unit", "handler_unit").filter(pk=pk).first()
    if req is None:
        raise Http404("no such request in scope")
    return req


# ---- schemas ------------------------------------------------------------------------------


class EnterpriseOut(Schema):
    id: int
    credit_code: str
    name: str
    industry: str
    size: str
    is_key: bool
    unit: str
    specialist: str | None
    task_force: str

    @staticmethod
    def resolve_unit(obj: Enterprise) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_specialist(obj: Enterprise) -> str | None:
        return obj.specialist.get_username() if obj.specialist_id else None


class ClockOut(Schema):
    due_at: dt.datetime
    status: str
    colour: str
    remaining_seconds: int
    paused: bool
    finished_at: dt.datetime | None
    text: str


class StepOut(Schema):
    kind: str
    label: str
    at: dt.datetime
    round: int
    unit: str | None
    by: str | None
    by_enterprise: bool
    note: str
    basis: str
    satisfaction: str

    @staticmethod
    def resolve_label(obj: RequestStep) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_unit(obj: RequestStep) -> str | None:
        return obj.unit.code if obj.unit_id else None

    @staticmethod
    def resolve_by(obj: RequestStep) -> str | None:
        return obj.by.get_username() if obj.by_id else None


class RequestOut(Schema):
    id: int
    number: str
    enterprise: str
    credit_code: str
    rtype: str
    urgency: str
    tier: str
    channel: str
    title: str
    status: str
    round: int
    first_unit: str
    handler_unit: str | None
    level: str
    received_at: dt.datetime
    response_due_at: dt.datetime | None
    due_at: dt.datetime | None
    replied_at: dt.datetime | None
    closed_at: dt.datetime | None
    satisfaction: str
    handbacks: int
    escalated: bool
    paused: bool

    @staticmethod
    def resolve_enterprise(obj: EnterpriseRequest) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_credit_code(obj: EnterpriseRequest) -> str:
        return obj.enterprise.credit_code

    @staticmethod
    def resolve_first_unit(obj: EnterpriseRequest) -> str:
        return obj.first_unit.code

    @staticmethod
    def resolve_handler_unit(obj: EnterpriseRequest) -> str | None:
        return obj.handler_unit.code if obj.handler_unit_id else None

    @staticmethod
    def resolve_escalated(obj: EnterpriseRequest) -> bool:
        return obj.escalated_at is not None

    @staticmethod
    def resolve_paused(obj: EnterpriseRequest) -> bool:
        return obj.paused_at is not None


class ExtensionOut(Schema):
    id: int
    round: int
    asked_at: dt.datetime
    reason: str
    basis: str
    proposed_on: dt.date
    old_due_at: dt.datetime
    status: str
    decided_at: dt.datetime | None
    decision: str
    new_due_at: dt.datetime | None


class RequestDetail(RequestOut):
    content: str
    reply: str
    clocks: dict[str, ClockOut | None]
    timeline: list[StepOut]
    extensions: list[ExtensionOut]

    @staticmethod
    def resolve_extensions(obj: EnterpriseRequest) -> list[RequestExtension]:
        return list(obj.extensions.all())


class IntakeIn(Schema):
    rtype: str
    title: str
    content: str = ""
    urgency: str = Urgency.NORMAL
    channel: str | None = None  # office (default) or hotline (12345转办); a 服务专员 is always "specialist"
    answer: str = ""  # given on the spot: 即办


class AssignIn(Schema):
    handler_unit: str  # the unit's code


class TextIn(Schema):
    text: str


class HandBackIn(Schema):
    basis: str  # 法定依据
    reason: str = ""


class PauseIn(Schema):
    reason: str  # what the enterprise is asked for (等待企业补充材料…)


class ResumeIn(Schema):
    note: str = ""


class ExtensionIn(Schema):
    reason: str
    until: dt.date  # a later working day
    basis: str = ""  # the legal time limit relied on


class DecisionIn(Schema):
    approve: bool
    reason: str


class VisitIn(Schema):
    answer: str  # satisfied / basic / unsatisfied
    comment: str = ""
    solved: bool | None = None


def _clock(c: Clock | None) -> dict | None:
    if c is None:
        return None
    return {"due_at": c.due_at, "status": c.status.value, "colour": c.colour, "remaining_seconds": c.remaining_seconds,
            "paused": c.paused, "finished_at": c.finished_at, "text": c.remaining_text}


def _detail(req: EnterpriseRequest) -> EnterpriseRequest:
    c = services.clocks(req)
    req.clocks = {"response": _clock(c[services.RESPONSE]), "sign": _clock(c[services.SIGN]),
                  "resolve": _clock(c[services.RESOLVE])}
    req.timeline = list(req.steps.select_related("by", "unit"))
    return req


# ---- enterprises --------------------------------------------------------------------------


@router.get("/enterprises", operation_id="enterprise_enterprise_list", summary="企业名录 / List enterprises in scope",
            response=list[EnterpriseOut])
def list_enterprises(request, unit: str | None = None, q: str | None = None, limit: int = 200, offset: Offset = 0):
    """The enterprises the caller sees (in scope, or served as 服务专员), by name."""
    api_require(request, "enterprise.list")
    rows = enterprises_for(request.user).select_related("unit", "specialist")
    if unit:
        rows = rows.filter(unit__code=unit)
    if q:
        rows = rows.filter(name__icontains=q) | rows.filter(credit_code=q.strip().upper())
    limit = max(1, min(limit, 1000))
    return list(rows.order_by("name", "pk")[offset: offset + limit])


@router.get("/enterprises/{pk}", operation_id="enterprise_enterprise_get", summary="企业详情 / An enterprise",
            response=EnterpriseOut)
def enterprise(request, pk: Id):
    ent = enterprises_for(request.user).select_related("unit", "specialist").filter(pk=pk).first()
    if ent is None:
        raise Http404("no such enterprise in scope")
    return ent


@router.post("/enterprises/{pk}/requests", operation_id="enterprise_request_create",
             summary="受理企业诉求 / Receive a request (首问负责)", response={201: RequestDetail})
def receive(request, pk: Id, body: IntakeIn):
    """受理: the caller's unit becomes the first-contact unit; with ``answer`` it is 即办."""
    ent = enterprises_for(request.user).select_related("unit").filter(pk=pk).first()
    if ent is None:
        raise Http404("no such enterprise in scope")
    api_require(request, "enterprise.receive", ent)
    if body.rtype not in RequestType.values:
        raise HttpError(422, f"rtype: one of {', '.join(RequestType.values)}")
    if body.urgency not in Urgency.values:
        raise HttpError(422, f"urgency: one of {', '.join(Urgency.values)}")
    person = person_of(request.user)
    channel = Channel.SPECIALIST if ent.specialist_id == request.user.pk else (
        Channel.HOTLINE if body.channel == Channel.HOTLINE else Channel.OFFICE)
    try:
        req = services.receive(ent, rtype=body.rtype, urgency=body.urgency, title=body.title, content=body.content,
                               channel=channel, first_unit=person.unit if person is not None else ent.unit,
                               user=request.user, answer=body.answer)
    except services.RequestError as exc:
        raise HttpError(422, str(exc)) from None
    return 201, _detail(_request_or_404(request.user, req.pk))


# ---- requests -----------------------------------------------------------------------------


@router.get("/requests", operation_id="enterprise_request_list", summary="企业诉求列表 / List requests in scope",
            response=list[RequestOut])
def list_requests(request, status: str | None = None, rtype: str | None = None, unit: str | None = None,
                  limit: int = 200, offset: Offset = 0):
    """Requests the caller sees, newest first; ``status=open`` for the three open states, ``unit``
    a first-contact or handling unit's code."""
    api_require(request, "enterprise.list")
    rows = requests_for(request.user).select_related("enterprise", "first_unit", "handler_unit")
    if status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status:
        if status not in Status.values:
            raise HttpError(422, f"unknown status {status!r}; one of open, {', '.join(Status.values)}")
        rows = rows.filter(status=status)
    if rtype:
        if rtype not in RequestType.values:
            raise HttpError(422, f"unknown rtype {rtype!r}; one of {', '.join(RequestType.values)}")
        rows = rows.filter(rtype=rtype)
    if unit:
        rows = rows.filter(handler_unit__code=unit) | rows.filter(first_unit__code=unit)
    limit = max(1, min(limit, 1000))
    return list(rows.order_by("-received_at", "-id")[offset: offset + limit])


@router.get("/requests/{pk}", operation_id="enterprise_request_get",
            summary="企业诉求详情 / A request with its clocks and timeline", response=RequestDetail)
def request_detail(request, pk: Id):
    return _detail(_request_or_404(request.user, pk))


def _step(request, pk: int, rule: str, do) -> EnterpriseRequest:
    req = _request_or_404(request.user, pk)
    api_require(request, rule, req)
    person = person_of(request.user)
    try:
        do(req, person.unit if person is not None else None)
    except services.RequestError as exc:
        raise HttpError(422, str(exc)) from None
    return _detail(_request_or_404(request.user, pk))


@router.post("/requests/{pk}/assign", operation_id="enterprise_request_assign",
             summary="分派 / Route a request to a handling unit", response=RequestDetail)
def assign(request, pk: Id, body: AssignIn):
    """分派 by the first-contact side, to the enterprise's unit or a unit above it (and their departments)."""
    def do(req, _unit):
        allowed = {u.code: u for u, _suggested in handler_choices(request.user, req)}
        if body.handler_unit not in allowed:
            raise services.RequestError(f"handler_unit: {body.handler_unit} is not the enterprise's unit, one above it "
                                        f"or their department")
        services.assign(req, allowed[body.handler_unit], user=request.user)
    return _step(request, pk, "enterprise.assign", do)


@router.post("/requests/{pk}/sign", operation_id="enterprise_request_sign", summary="签收 / Sign for a request",
             response=RequestDetail)
def sign(request, pk: Id):
    return _step(request, pk, "enterprise.handle", lambda req, _u: services.sign(req, user=request.user))


@router.post("/requests/{pk}/respond", operation_id="enterprise_request_respond",
             summary="首次响应 / The first substantive response (事不过夜)", response=RequestDetail)
def respond(request, pk: Id, body: TextIn):
    return _step(request, pk, "enterprise.respond",
                 lambda req, unit: services.respond(req, body.text, user=request.user, unit=unit))


@router.post("/requests/{pk}/notes", operation_id="enterprise_note_create", summary="办理进展 / Add a progress note",
             response=RequestDetail)
def note(request, pk: Id, body: TextIn):
    return _step(request, pk, "enterprise.respond", lambda req, unit: services.note(req, body.text, user=request.user, unit=unit))


@router.post("/requests/{pk}/hand-back", operation_id="enterprise_request_return",
             summary="退回 / Hand a request back with its legal basis", response=RequestDetail)
def hand_back(request, pk: Id, body: HandBackIn):
    """退回 by the handling unit, only with the legal basis (法定依据); it goes back to the first-contact unit."""
    return _step(request, pk, "enterprise.handle",
                 lambda req, _u: services.hand_back(req, body.basis, reason=body.reason, user=request.user))


@router.post("/requests/{pk}/reply", operation_id="enterprise_request_reply", summary="答复 / Answer the enterprise",
             response=RequestDetail)
def reply(request, pk: Id, body: TextIn):
    return _step(request, pk, "enterprise.handle", lambda req, unit: services.reply(req, body.text, user=request.user, unit=unit))


@router.post("/requests/{pk}/visit", operation_id="enterprise_request_visit",
             summary="回访 / Record the satisfaction visit (满意 → 办结, 不满意 → 二次办理)", response=RequestDetail)
def visit(request, pk: Id, body: VisitIn):
    """回访 by the first-contact side (by phone): 满意/基本满意 close the request (办结); 不满意
    sends it out again (二次办理, a new round on the clock)."""
    return _step(request, pk, "enterprise.assign",
                 lambda req, _u: services.visit(req, body.answer, comment=body.comment, solved=body.solved, user=request.user))


@router.post("/requests/{pk}/escalate", operation_id="enterprise_request_escalate",
             summary="督办 / Hand an overdue request to supervision", response=RequestDetail)
def escalate(request, pk: Id):
    return _step(request, pk, "enterprise.escalate", lambda req, _u: services.escalate(req, user=request.user))


@router.post("/requests/{pk}/pause", operation_id="enterprise_request_pause",
             summary="挂起 / Stop the clock while waiting on the enterprise (中止计时)", response=RequestDetail)
def pause(request, pk: Id, body: PauseIn):
    return _step(request, pk, "enterprise.handle", lambda req, unit: services.pause(req, body.reason, user=request.user, unit=unit))


@router.post("/requests/{pk}/resume", operation_id="enterprise_request_resume", summary="恢复计时 / Restart the clock",
             response=RequestDetail)
def resume(request, pk: Id, body: ResumeIn):
    return _step(request, pk, "enterprise.handle",
                 lambda req, unit: services.resume(req, note=body.note, user=request.user, unit=unit))


@router.post("/requests/{pk}/extensions", operation_id="enterprise_extension_create",
             summary="申请延期 / Ask for more time before the limit", response={201: ExtensionOut})
def ask_extension(request, pk: Id, body: ExtensionIn):
    req = _request_or_404(request.user, pk)
    api_require(request, "enterprise.handle", req)
    try:
        ext = services.request_extension(req, body.reason, body.until, basis=body.basis, user=request.user)
    except services.RequestError as exc:
        raise HttpError(422, str(exc)) from None
    return 201, ext


@router.post("/extensions/{pk}/decision", operation_id="enterprise_extension_decide",
             summary="审批延期 / Approve or refuse an extension, with the reason", response=ExtensionOut)
def decide_extension(request, pk: Id, body: DecisionIn):
    ext = RequestExtension.objects.visible_to(request.user).select_related("request").filter(pk=pk).first()
    if ext is None:
        raise Http404("no such extension in scope")
    req = _request_or_404(request.user, ext.request_id)
    api_require(request, "enterprise.decide_extension", req)
    ext.request = req
    try:
        return services.decide_extension(ext, approve=body.approve, reason=body.reason, user=request.user)
    except services.RequestError as exc:
        raise HttpError(422, str(exc)) from None


# ---- figures ------------------------------------------------------------------------------


@router.get("/units/{code}/figures", operation_id="enterprise_unit_figures_get",
            summary="单位企业诉求指标 / A unit's enterprise-service figures (三率)")
def unit_figures(request, code: str, year: Year | None = None):
    """The unit's 效能榜 figures, year to date as at today (or the end of ``year``)."""
    unit = get_visible_or_404(request.user, OrgUnit, code=code)
    api_require(request, "orgs.view_unit", unit)
    today = timezone.localdate()
    year = year or today.year
    values = figures.compute(year, min(today, dt.date(year, 12, 31)), unit_rollup([unit.code])).get(unit.code, {})
    return {"unit": unit.code, "year": year,
            "figures": {k: {"name": zh, "unit": uom, "value": values.get(k, (None, []))[0]}
                        for k, (zh, _en, uom) in figures.INDICATORS.items()}}


# ---- the enterprise's own link ------------------------------------------------------------


class OwnRequestOut(Schema):
    number: str
    rtype: str
    title: str
    status: str
    received_at: dt.datetime
    replied_at: dt.datetime | None
    reply: str
    satisfaction: str


def _own(request, key: str) -> Enterprise:
    ent = services.enterprise_by_link(key)
    if ent is None:
        raise Http404("unknown or expired link")
    if not portal.verified(request, ent):
        raise HttpError(401, "verify the link with its one-time code first")
    return ent


@router.get("/link/{key}/requests", operation_id="enterprise_own_request_list", auth=None,
            summary="本企业诉求 / The enterprise's own requests (its verified link)", response=list[OwnRequestOut])
def own_requests(request, key: str):
    return list(_own(request, key).requests.order_by("-received_at", "-id")[:500])


@router.get("/link/{key}/requests/{number}", operation_id="enterprise_own_request_get", auth=None,
            summary="本企业诉求详情 / One of the enterprise's own requests", response=OwnRequestOut)
def own_request(request, key: str, number: str):
    req = _own(request, key).requests.filter(number=number).first()
    if req is None:
        raise Http404("no such request of this enterprise")
    return req
