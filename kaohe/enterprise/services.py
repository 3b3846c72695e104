"""企业诉求 workflow (12345 discipline) and the enterprise register: the business rules.

受理 (:func:`receive`) → 分派 (:func:`assign`) → 签收 (:func:`sign`) → 办理 (:func:`note`) →
答复 (:func:`reply`) → 回访 (:func:`visit`) → 办结. The first-contact unit (首问单位) owns the
request to the end: a handling unit may hand it back (:func:`hand_back`) only with a stated legal
basis, and it returns to the first-contact unit to be routed again; "不满意" at 回访 sends it out
again (二次办理, a new round with a fresh time limit). Every step is a :class:`RequestStep`
audited with the request as parent (``kaohe.audit.services.record``).

Three clocks, each from the request's event log (``kaohe.orgs.deadlines``) on the working-day
calendar, never a stored counter:

- ``response`` — 首次响应, **事不过夜** (``config.response_limit``): stopped by the first
  substantive response to the enterprise (:func:`respond`, or the reply itself);
- ``sign`` — 签收 within 1 working day of each 分派;
- ``""`` (the resolution clock) — 办结时限 by tier (即办, 2 hours, 1/3/15 working days), stopped
  by the reply, started afresh in a second round.

Overdue requests escalate to supervision (督办): :func:`escalate` by one click, or
:func:`sweep` (daily task) after ``auto_escalate_workdays``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.enterprise import config
from kaohe.enterprise.models import (
    OPEN_STATUSES,
    AccessCode,
    Enterprise,
    EnterpriseRequest,
    ExtensionStatus,
    Level,
    LimitTier,
    RequestAttachment,
    RequestExtension,
    RequestStep,
    RoutingRule,
    Satisfaction,
    Status,
    StepKind,
    Urgency,
)
from kaohe.lib import creditcode
from kaohe.lib.changes import snapshot
from kaohe.lib.deadlines import Clock, ClockEvent, EventKind
from kaohe.lib.files import UploadRefused, check_upload
from kaohe.notifications.models import NotificationKind
from kaohe.notifications.services import notify
from kaohe.orgs import deadlines
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import OrgUnit, UnitKind
from kaohe.supervision import services as supervision

RESPONSE, SIGN, RESOLVE = "response", "sign", ""


class RequestError(ValueError):
    """A step the request's state or the rules refuse (shown to the user as it is)."""


class RateLimited(RequestError):
    """Too many one-time codes for this enterprise or this address."""


# ---- the register -------------------------------------------------------------------------


def clean_credit_code(text: str) -> str:
    code = creditcode.normalise(text)
    reason = creditcode.problem(code)
    if reason:
        raise RequestError(reason)
    return code


def new_link_key() -> str:
    return secrets.token_urlsafe(24)


def register_enterprise(data: dict, *, user=None) -> Enterprise:
    """Add an enterprise to the register (统一社会信用代码 checked, unique)."""
    code = clean_credit_code(data.get("credit_code", ""))
    if Enterprise.objects.filter(credit_code=code).exists():
        raise RequestError(_("统一社会信用代码 %(code)s 已登记") % {"code": code})
    if not str(data.get("name", "")).strip():
        raise RequestError(_("请填写企业名称"))
    fields = {k: v for k, v in data.items() if k != "credit_code"}
    now = timezone.now()
    with transaction.atomic():
        ent = Enterprise.objects.create(credit_code=code, link_key=new_link_key(),
                                        link_expires_at=now + dt.timedelta(days=config.get("link_days")), **fields)
        record(AuditAction.CREATE, ent, after=snapshot(ent, _ENT_FIELDS), user=user)
    return ent


_ENT_FIELDS = ["credit_code", "name", "industry", "size", "is_key", "unit", "specialist", "task_force",
               "contact_name", "contact_phone", "contact_email"]


def renew_link(ent: Enterprise, *, user=None) -> Enterprise:
    """A new own link (the old one stops working at once), valid for ``link_days``."""
    ent.link_key = new_link_key()
    ent.link_expires_at = timezone.now() + dt.timedelta(days=config.get("link_days"))
    ent.save(update_fields=["link_key", "link_expires_at"])
    record(AuditAction.UPDATE, ent, after={"link": "renewed", "expires": ent.link_expires_at}, user=user,
           reason=_("更换企业专属链接"))
    return ent


# ---- levels and routing -------------------------------------------------------------------


def level_of(unit: OrgUnit) -> str:
    """市级 / 区级 / 镇街级 by where the unit sits: the city and its departments are city level; a
    district (zone, park) and its departments district level; towns and streets town level."""
    if unit.kind in (UnitKind.TOWN, UnitKind.STREET):
        return Level.TOWN
    if unit.parent_id is None or unit.kind == UnitKind.CITY:
        return Level.CITY
    parent = unit.parent
    if unit.kind == UnitKind.DEPARTMENT:
        return Level.CITY if parent.parent_id is None else Level.DISTRICT
    return Level.DISTRICT if parent.parent_id is None else Level.TOWN


def suggested_handler(req: EnterpriseRequest, level: str) -> OrgUnit | None:
    """The routing rule's unit for the request's type at ``level`` (the nearest owner above the enterprise)."""
    unit = req.enterprise.unit
    chain = []
    while unit is not None:
        chain.append(unit.pk)
        unit = unit.parent
    rules = {r.owner_unit_id: r for r in RoutingRule.objects.filter(rtype=req.rtype, level=level, owner_unit_id__in=chain)
             .select_related("handler_unit")}
    for pk in chain:
        if pk in rules:
            return rules[pk].handler_unit
    return None


# ---- clocks -------------------------------------------------------------------------------


def _limit(name: str, req: EnterpriseRequest):
    if name == RESPONSE:
        return config.response_limit()
    if name == SIGN:
        return config.sign_limit()
    return config.tier_limit(req.tier)


def clocks(req: EnterpriseRequest, *, now: dt.datetime | None = None, calendar=None) -> dict[str, Clock | None]:
    """The request's three clocks (``sign`` is None before the first 分派)."""
    calendar = calendar or work_calendar()
    now = now or timezone.now()
    rows = defaultdict(list)
    for name, kind, at, due in deadlines.DeadlineEvent.objects.filter(
            content_type=_ct(), object_id=req.pk).order_by("at", "id").values_list("clock", "kind", "at", "due"):
        rows[name].append(ClockEvent(kind, at, due))
    return {name: deadlines.clock_for(rows[name], _limit(name, req), now=now, calendar=calendar) if rows[name] else None
            for name in (RESPONSE, SIGN, RESOLVE)}


def events_of_many(ids, names=(RESPONSE, SIGN, RESOLVE)) -> dict[int, dict[str, list[ClockEvent]]]:
    """The clock events of many requests, one query per 20,000 ids (or one, given a queryset of
    ids: ``period.values("pk")``): {pk: {clock name: [events in order]}}.

    On PostgreSQL the moments travel as epoch seconds (``float8``) and become datetimes in C: parsing
    a million timestamp strings in Python is most of a sweep's time otherwise."""
    from django.db import connection
    from django.db.models import FloatField, QuerySet
    from django.db.models.expressions import RawSQL

    events: dict[int, dict[str, list[ClockEvent]]] = defaultdict(lambda: defaultdict(list))
    ct = _ct()
    epoch = connection.vendor == "postgresql"
    utc = dt.UTC
    # a queryset of request ids is one query with a subquery; a list goes in chunks of 20,000
    if isinstance(ids, QuerySet):
        chunks = [ids]
    else:
        ids = list(ids)
        chunks = [ids[i:i + 20000] for i in range(0, len(ids), 20000)]
    for chunk in chunks:
        rows = deadlines.DeadlineEvent.objects.filter(content_type=ct, object_id__in=chunk, clock__in=list(names))
        if epoch:
            table = deadlines.DeadlineEvent._meta.db_table
            rows = rows.annotate(
                t=RawSQL(f'EXTRACT(EPOCH FROM "{table}"."at")::float8', (), output_field=FloatField()),  # noqa: S611
                d=RawSQL(f'EXTRACT(EPOCH FROM "{table}"."due")::float8', (), output_field=FloatField()))  # noqa: S611
            fields = ("object_id", "clock", "kind", "t", "d")
        else:
            fields = ("object_id", "clock", "kind", "at", "due")
        rows = rows.order_by("object_id", "at", "id").values_list(*fields)
        # a page's few rows in one fetch; a sweep's million through a server-side cursor
        for oid, name, kind, at, due in (rows.iterator(chunk_size=20000) if len(chunk) > 2000 or isinstance(chunk, QuerySet)
                                         else rows):
            if epoch:
                at = dt.datetime.fromtimestamp(at, utc)
                due = None if due is None else dt.datetime.fromtimestamp(due, utc)
            events[oid][name].append(ClockEvent(kind, at, due))
    return events


def clocks_of_many(reqs, *, now: dt.datetime | None = None, calendar=None, names=(RESPONSE, SIGN, RESOLVE)):
    """Clocks of many requests: one query for all their events; {pk: {name: Clock | None}}."""
    reqs = list(reqs)
    calendar = calendar or work_calendar()
    now = now or timezone.now()
    events = events_of_many([r.pk for r in reqs], names)
    limits = {RESPONSE: config.response_limit(), SIGN: config.sign_limit()}
    tiers = {t: config.tier_limit(t) for t in LimitTier.values}
    out = {}
    for r in reqs:
        mine = events.get(r.pk, {})
        out[r.pk] = {name: (deadlines.clock(mine[name], limits.get(name) or tiers[r.tier], calendar, now)
                            if mine.get(name) else None) for name in names}
    return out


def rounds(events: list[ClockEvent]) -> list[list[ClockEvent]]:
    """The resolution clock's events split into 办理轮次 (a new round starts at each start event)."""
    out: list[list[ClockEvent]] = []
    for e in events:
        if e.kind == EventKind.START or not out:
            out.append([])
        out[-1].append(e)
    return out


def _ct():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(EnterpriseRequest)


def _log(req, name, kind, at, user=None, note=""):
    deadlines.log(req, kind, at, user=user, note=note, name=name)


# ---- steps --------------------------------------------------------------------------------


def _step(req: EnterpriseRequest, kind: str, at: dt.datetime, *, user=None, unit=None, note: str = "", basis: str = "",
          by_enterprise: bool = False, before: dict | None = None, satisfaction: str = "") -> RequestStep:
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    step = RequestStep.objects.create(request=req, kind=kind, at=at, by=user, unit=unit, note=note, basis=basis,
                                      round=req.round, by_enterprise=by_enterprise,
                                      satisfaction=satisfaction)
    record(AuditAction.CREATE if kind == StepKind.RECEIVE else AuditAction.UPDATE, step, parent=req,
           unit=req.enterprise.unit_id, user=user, before=before,
           after={"status": req.status, "step": kind, "note": note[:500], **({"basis": basis} if basis else {}),
                  **({"handler_unit": req.handler_unit_id} if kind == StepKind.ASSIGN else {})},
           reason=basis or note[:200], object_repr=f"{req.number} {StepKind(kind).label}")
    return step


def _require(req: EnterpriseRequest, *statuses: str) -> None:
    if req.status not in statuses:
        raise RequestError(_("工单 %(n)s 当前“%(s)s”，不能进行此操作") % {"n": req.number, "s": req.get_status_display()})


def _refresh_dues(req: EnterpriseRequest, now: dt.datetime) -> None:
    c = clocks(req, now=now)
    req.response_due_at = c[RESPONSE].due_at if c[RESPONSE] else None
    req.due_at = c[RESOLVE].due_at if c[RESOLVE] else None


def _is_repeat(enterprise: Enterprise, rtype: str, now: dt.datetime) -> EnterpriseRequest | None:
    since = now - dt.timedelta(days=config.get("repeat_days"))
    return (EnterpriseRequest.objects.filter(enterprise=enterprise, rtype=rtype, received_at__gte=since, received_at__lte=now)
            .order_by("-received_at").first())


def receive(enterprise: Enterprise, *, rtype: str, title: str, content: str = "", urgency: str = Urgency.NORMAL,
            channel: str, first_unit: OrgUnit, user=None, now: dt.datetime | None = None, tier: str | None = None,
            answer: str = "") -> EnterpriseRequest:
    """受理: the receiving unit becomes the first-contact unit (首问负责); the clocks start.

    With ``answer`` it is 即办: answered at intake (the reply is given at once and the request goes
    to 回访)."""
    if not title.strip():
        raise RequestError(_("请填写诉求事项"))
    now = now or timezone.now()
    tier = LimitTier.IMMEDIATE if answer.strip() else (tier or config.default_tier(rtype, urgency))
    with transaction.atomic():
        req = EnterpriseRequest.objects.create(
            number=f"TMP-{secrets.token_hex(6)}", enterprise=enterprise, rtype=rtype, urgency=urgency, tier=tier,
            channel=channel, title=title.strip()[:200], content=content, first_unit=first_unit,
            received_by=user if getattr(user, "is_authenticated", False) else None, received_at=now,
            repeat_of=_is_repeat(enterprise, rtype, now))
        req.number = f"QY{timezone.localtime(now):%Y}{req.pk:06d}"
        _log(req, RESPONSE, EventKind.START, now, user, "受理")
        _log(req, RESOLVE, EventKind.START, now, user, "受理")
        _refresh_dues(req, now)
        req.save(update_fields=["number", "response_due_at", "due_at"])
        _step(req, StepKind.RECEIVE, now, user=user, unit=first_unit, by_enterprise=channel == "enterprise",
              note=content[:500])
    _tell(first_unit, _("新企业诉求待分派：%(t)s") % {"t": req.title}, req)
    if enterprise.specialist_id and channel != "specialist":
        _tell(enterprise.specialist, _("您服务的企业提出诉求：%(t)s") % {"t": req.title}, req)
    if answer.strip():
        reply(req, answer, user=user, now=now, unit=first_unit)
    return req


def assign(req: EnterpriseRequest, handler_unit: OrgUnit, *, user=None, now: dt.datetime | None = None,
           note: str = "") -> EnterpriseRequest:
    """分派: the first-contact unit routes it to a handling unit (by type and level); 签收 within 1 working day."""
    _require(req, Status.RECEIVED)
    now = now or timezone.now()
    with transaction.atomic():
        before = {"status": req.status, "handler_unit": req.handler_unit_id}
        req.handler_unit, req.level, req.assigned_at, req.status = handler_unit, level_of(handler_unit), now, Status.ASSIGNED
        req.save(update_fields=["handler_unit", "level", "assigned_at", "status"])
        _log(req, SIGN, EventKind.START, now, user, "分派")
        _step(req, StepKind.ASSIGN, now, user=user, unit=req.first_unit, note=note or handler_unit.name, before=before)
    _tell(handler_unit, _("企业诉求待签收：%(t)s（1个工作日内签收）") % {"t": req.title}, req)
    return req


def sign(req: EnterpriseRequest, *, user=None, now: dt.datetime | None = None) -> EnterpriseRequest:
    """签收: the handling unit accepts the request; it is now 办理中."""
    _require(req, Status.ASSIGNED)
    now = now or timezone.now()
    with transaction.atomic():
        req.status, req.signed_at = Status.HANDLING, now
        req.save(update_fields=["status", "signed_at"])
        _log(req, SIGN, EventKind.STOP, now, user, "签收")
        _step(req, StepKind.SIGN, now, user=user, unit=req.handler_unit)
    return req


def respond(req: EnterpriseRequest, text: str, *, user=None, unit=None, now: dt.datetime | None = None) -> EnterpriseRequest:
    """首次响应: the first substantive contact with the enterprise (事不过夜) — what was done or agreed."""
    _require(req, *OPEN_STATUSES)
    if len(text.strip()) < 4:
        raise RequestError(_("请写明对企业的实质性响应内容（已联系企业、初步意见或办理安排）"))
    if req.responded_at is not None:
        return note(req, text, user=user, unit=unit, now=now)
    now = now or timezone.now()
    with transaction.atomic():
        req.responded_at = now
        req.save(update_fields=["responded_at"])
        _log(req, RESPONSE, EventKind.STOP, now, user, "首次响应")
        _step(req, StepKind.RESPOND, now, user=user, unit=unit, note=text.strip())
    return req


def note(req: EnterpriseRequest, text: str, *, user=None, unit=None, now: dt.datetime | None = None) -> EnterpriseRequest:
    """办理进展: a note on the timeline (the clocks do not change)."""
    _require(req, *OPEN_STATUSES)
    if not text.strip():
        raise RequestError(_("请填写办理进展"))
    with transaction.atomic():
        _step(req, StepKind.NOTE, now or timezone.now(), user=user, unit=unit, note=text.strip())
    return req


def hand_back(req: EnterpriseRequest, basis: str, *, reason: str = "", user=None,
              now: dt.datetime | None = None) -> EnterpriseRequest:
    """退回: the handling unit returns the request to the first-contact unit — only with the legal basis
    (法定依据: the law, regulation or 三定 provision that puts it outside its duty)."""
    _require(req, Status.ASSIGNED, Status.HANDLING)
    if req.paused_at is not None:
        raise RequestError(_("工单 %(n)s 已挂起，请先恢复计时再退回") % {"n": req.number})
    if len(basis.strip()) < 6:
        raise RequestError(_("退回须写明法定依据（法律法规或职责规定的名称和条款）"))
    now = now or timezone.now()
    with transaction.atomic():
        before = {"status": req.status, "handler_unit": req.handler_unit_id}
        unit = req.handler_unit
        if req.status == Status.ASSIGNED:
            _log(req, SIGN, EventKind.STOP, now, user, "退回")
        req.status, req.handler_unit, req.level, req.handbacks = Status.RECEIVED, None, "", req.handbacks + 1
        req.save(update_fields=["status", "handler_unit", "level", "handbacks"])
        _step(req, StepKind.HAND_BACK, now, user=user, unit=unit, note=reason.strip(), basis=basis.strip(), before=before)
    _tell(req.first_unit, _("企业诉求被退回，请重新分派：%(t)s") % {"t": req.title}, req)
    return req


def reply(req: EnterpriseRequest, answer: str, *, user=None, unit=None, now: dt.datetime | None = None) -> EnterpriseRequest:
    """答复: the handling unit answers the enterprise; the resolution clock stops; the one-time
    satisfaction link (回访) goes to the enterprise."""
    _require(req, Status.HANDLING, Status.RECEIVED)
    if req.status == Status.RECEIVED and req.tier != LimitTier.IMMEDIATE:
        raise RequestError(_("请先分派并由承办单位签收后再答复（即办件除外）"))
    if len(answer.strip()) < 4:
        raise RequestError(_("请填写答复内容"))
    now = now or timezone.now()
    with transaction.atomic():
        if req.responded_at is None:
            req.responded_at = now
            _log(req, RESPONSE, EventKind.STOP, now, user, "答复")
        req.status, req.replied_at, req.reply = Status.REPLIED, now, answer.strip()
        _log(req, RESOLVE, EventKind.STOP, now, user, "答复")
        key = secrets.token_urlsafe(24)
        req.survey_hash = _hash(key)
        req.survey_expires_at = now + dt.timedelta(days=config.get("survey_days"))
        req.paused_at = None  # an answer ends a wait as well (the clock counts the pause up to it)
        req.save(update_fields=["status", "replied_at", "reply", "responded_at", "survey_hash", "survey_expires_at",
                                "paused_at"])
        _step(req, StepKind.REPLY, now, user=user, unit=unit or req.handler_unit or req.first_unit, note=answer.strip())
    link = reverse("enterprise:survey", args=[key])
    deliver(req.enterprise, _("诉求答复与满意度评价：%(t)s") % {"t": req.title},
            _("您的诉求“%(t)s”已答复：%(a)s\n请通过以下一次性链接评价（%(d)s天内有效）：%(link)s") % {
                "t": req.title, "a": answer.strip(), "d": config.get("survey_days"), "link": link})
    req._survey_key = key  # for the caller (tests, the demo): never stored in plain
    return req


def visit(req: EnterpriseRequest, answer: str, *, comment: str = "", solved: bool | None = None, user=None,
          by_enterprise: bool = False, now: dt.datetime | None = None) -> EnterpriseRequest:
    """回访: 满意 / 基本满意 → 办结; 不满意 → 二次办理 (sent out again to the handling unit, a new round
    with a fresh time limit; without a handling unit it returns to the first-contact unit)."""
    _require(req, Status.REPLIED)
    if answer not in Satisfaction.values:
        raise RequestError(_("请选择满意、基本满意或不满意"))
    now = now or timezone.now()
    with transaction.atomic():
        before = {"status": req.status, "round": req.round}
        req.satisfaction, req.solved = answer, solved if solved is not None else answer != Satisfaction.UNSATISFIED
        req.survey_hash, req.survey_expires_at = "", None
        label = Satisfaction(answer).label
        _step(req, StepKind.VISIT, now, user=user, by_enterprise=by_enterprise, note=f"{label}。{comment.strip()}".strip("。 ")
              if comment.strip() else str(label), before=before, satisfaction=answer)
        if answer == Satisfaction.UNSATISFIED:
            req.round += 1
            req.replied_at = None
            req.status = Status.ASSIGNED if req.handler_unit_id else Status.RECEIVED
            _log(req, RESOLVE, EventKind.START, now, user, "二次办理")
            if req.handler_unit_id:
                req.assigned_at = now
                _log(req, SIGN, EventKind.START, now, user, "二次办理")
            _refresh_dues(req, now)
            req.save(update_fields=["satisfaction", "solved", "survey_hash", "survey_expires_at", "round", "replied_at",
                                    "status", "assigned_at", "due_at", "response_due_at"])
            _step(req, StepKind.REOPEN, now, user=user, by_enterprise=by_enterprise, unit=req.handler_unit,
                  note=comment.strip())
        else:
            req.status, req.closed_at = Status.CLOSED, now
            req.save(update_fields=["satisfaction", "solved", "survey_hash", "survey_expires_at", "status", "closed_at"])
            _step(req, StepKind.CLOSE, now, user=user, by_enterprise=by_enterprise, unit=req.first_unit)
    if answer == Satisfaction.UNSATISFIED:
        _tell(req.handler_unit or req.first_unit, _("企业不满意，诉求二次办理：%(t)s") % {"t": req.title}, req)
    return req


def survey_request(key: str, now: dt.datetime | None = None) -> EnterpriseRequest | None:
    """The request a one-time satisfaction key opens (None: unknown, used or expired)."""
    if not key:
        return None
    now = now or timezone.now()
    req = EnterpriseRequest.objects.filter(survey_hash=_hash(key)).select_related("enterprise").first()
    if req is None or req.status != Status.REPLIED or req.survey_expires_at is None or req.survey_expires_at <= now:
        return None
    return req


def set_faq(req: EnterpriseRequest, value: bool, *, user=None) -> EnterpriseRequest:
    """收入政策问答 (有求必应): an answered request's question and answer join the FAQ."""
    if value and not req.reply:
        raise RequestError(_("尚未答复的诉求不能收入政策问答"))
    req.in_faq = value
    req.save(update_fields=["in_faq"])
    record(AuditAction.UPDATE, req, after={"in_faq": value}, user=user, reason=_("政策问答"))
    return req


def add_attachment(req: EnterpriseRequest, name: str, data: bytes, *, user=None) -> RequestAttachment:
    """附件: a file given with a request — the allowed types only, by extension *and* content
    (``kaohe.lib.files.check_upload`` with ``attachment_types`` / ``attachment_max_mb``), stored
    outside MEDIA under its digest, audited with the request as parent; a refusal is a
    :class:`RequestError` with the reason."""
    try:
        clean, ctype = check_upload(name, data, types=config.get("attachment_types"),
                                    max_bytes=int(config.get("attachment_max_mb") * 1024 * 1024))
    except UploadRefused as exc:
        raise RequestError(exc.reason_en if (get_language() or "").startswith("en") else exc.reason) from None
    digest = hashlib.sha256(data).hexdigest()
    att = RequestAttachment(request=req, name=clean, content_type=ctype, size=len(data), sha256=digest,
                            uploaded_by=user if getattr(user, "is_authenticated", False) else None)
    att.file.save(f"{digest[:16]}.{clean.rsplit('.', 1)[-1].lower()}", ContentFile(data), save=False)
    att.save()
    record(AuditAction.CREATE, att, parent=req, unit=req.enterprise.unit_id, user=user,
           after={"name": clean, "size": len(data), "sha256": digest})
    return att


# ---- 挂起 (pause) and 延期 (extension): the resolution clock's pause/resume/extend events --------


def _resolution(req: EnterpriseRequest, now: dt.datetime) -> Clock:
    c = clocks(req, now=now)[RESOLVE]
    if c is None:
        raise RequestError(_("工单 %(n)s 没有办结时限") % {"n": req.number})
    return c


def pause(req: EnterpriseRequest, reason: str, *, user=None, unit=None, now: dt.datetime | None = None) -> EnterpriseRequest:
    """挂起 (中止计时): the handling unit waits on the enterprise (its material, its decision); the
    resolution clock stops counting until :func:`resume` — by exactly the working time in between.
    Only while the request is handled (签收后) and before its limit has passed (an overdue clock
    is not stopped); the reason is told to the enterprise."""
    _require(req, Status.HANDLING)
    if req.paused_at is not None:
        raise RequestError(_("工单 %(n)s 已挂起") % {"n": req.number})
    if len(reason.strip()) < 4:
        raise RequestError(_("挂起须说明原因（如等待企业补充的材料）"))
    now = now or timezone.now()
    if _resolution(req, now).overdue:
        raise RequestError(_("已超过办结时限，不能挂起（挂起须在期限届满前）"))
    with transaction.atomic():
        before = {"status": req.status, "paused_at": None}
        _log(req, RESOLVE, EventKind.PAUSE, now, user, "挂起")
        req.paused_at = now
        _refresh_dues(req, now)
        req.save(update_fields=["paused_at", "due_at", "response_due_at"])
        _step(req, StepKind.PAUSE, now, user=user, unit=unit or req.handler_unit, note=reason.strip(), before=before)
    deliver(req.enterprise, _("诉求暂停计时：%(t)s") % {"t": req.title},
            _("您的诉求“%(t)s”暂停计时：%(r)s。材料补齐后恢复计时。") % {"t": req.title, "r": reason.strip()})
    return req


def resume(req: EnterpriseRequest, *, note: str = "", user=None, unit=None, now: dt.datetime | None = None) -> EnterpriseRequest:
    """恢复计时: the wait is over; the due moment has moved by the paused working time."""
    _require(req, Status.HANDLING)
    if req.paused_at is None:
        raise RequestError(_("工单 %(n)s 未挂起") % {"n": req.number})
    now = now or timezone.now()
    with transaction.atomic():
        before = {"paused_at": req.paused_at.isoformat(), "due_at": req.due_at.isoformat() if req.due_at else None}
        _log(req, RESOLVE, EventKind.RESUME, now, user, "恢复计时")
        req.paused_at = None
        _refresh_dues(req, now)
        req.save(update_fields=["paused_at", "due_at", "response_due_at"])
        _step(req, StepKind.RESUME, now, user=user, unit=unit or req.handler_unit, note=note.strip() or str(_("恢复计时")),
              before=before)
    return req


def request_extension(req: EnterpriseRequest, reason: str, until: dt.date, *, basis: str = "", user=None,
                      now: dt.datetime | None = None) -> RequestExtension:
    """申请延期: by the handling unit, only *before* the resolution limit, with a reason, for a later
    working day (and the legal time limit relied on, ``basis``); one pending at a time."""
    _require(req, Status.ASSIGNED, Status.HANDLING)
    now = now or timezone.now()
    c = _resolution(req, now)
    if c.overdue:
        raise RequestError(_("已超过办结时限，不能再申请延期（延期须在期限届满前提出）"))
    if len(reason.strip()) < 4:
        raise RequestError(_("请说明延期理由"))
    calendar = work_calendar()
    if until <= calendar.local(c.due_at).date():
        raise RequestError(_("申请延至的日期应晚于现办结时限（%(d)s）") % {"d": f"{calendar.local(c.due_at):%Y-%m-%d}"})
    if not calendar.is_workday(until):
        raise RequestError(_("%(d)s不是工作日") % {"d": f"{until:%Y-%m-%d}"})
    with transaction.atomic():
        # Under the request's lock: of two asks at once, one is made, the other is told one is pending.
        EnterpriseRequest.objects.select_for_update().filter(pk=req.pk).first()
        if req.extensions.filter(status=ExtensionStatus.PENDING).exists():
            raise RequestError(_("已有一项延期申请待审批"))
        ext = RequestExtension.objects.create(
            request=req, round=req.round, asked_at=now, asked_by=user if getattr(user, "is_authenticated", False) else None,
            reason=reason.strip(), basis=basis.strip(), proposed_on=until, old_due_at=c.due_at)
        _step(req, StepKind.EXTEND_ASK, now, user=user, unit=req.handler_unit, basis=basis.strip(),
              note=_("申请延至%(d)s：%(r)s") % {"d": f"{until:%Y-%m-%d}", "r": reason.strip()})
    _tell(req.first_unit, _("延期申请待审批：%(t)s") % {"t": req.title}, req)
    return ext


def decide_extension(ext: RequestExtension, *, approve: bool, reason: str, user=None,
                     now: dt.datetime | None = None) -> RequestExtension:
    """同意 (the resolution clock is due at the end of the working day asked for) or 不同意, always
    with a reason; the handling unit and the enterprise are told. Decided under the row's lock (of two
    offices at once one decides, the other is refused); returns the decided row."""
    if ext.status != ExtensionStatus.PENDING:
        raise RequestError(_("该延期申请已审批"))
    if len(reason.strip()) < 2:
        raise RequestError(_("请填写审批意见（同意或不同意的理由）"))
    req = ext.request
    now = now or timezone.now()
    calendar = work_calendar()
    with transaction.atomic():
        ext = RequestExtension.objects.select_for_update().get(pk=ext.pk)
        if ext.status != ExtensionStatus.PENDING:
            raise RequestError(_("该延期申请已审批"))
        ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        ext.decided_at, ext.decision = now, reason.strip()
        ext.decided_by = user if getattr(user, "is_authenticated", False) else None
        if approve:
            if ext.round != req.round or not req.is_open:
                raise RequestError(_("该申请所属的办理轮次已结束，不能再同意延期"))
            ext.new_due_at = calendar.end_of_day(ext.proposed_on)
            deadlines.log(req, EventKind.EXTEND, now, due=ext.new_due_at, user=user, note=f"延期：{reason.strip()}"[:200],
                          name=RESOLVE)
            _refresh_dues(req, now)
            req.save(update_fields=["due_at", "response_due_at"])
        ext.save()
        _step(req, StepKind.EXTEND_OK if approve else StepKind.EXTEND_NO, now, user=user, unit=req.first_unit,
              note=reason.strip(), before={"extension": ext.pk, "old_due_at": ext.old_due_at.isoformat()})
    _tell(req.handler_unit or req.first_unit, _("延期申请%(r)s：%(t)s") % {"r": _("已同意") if approve else _("未同意"),
                                                                           "t": req.title}, req)
    if approve:
        deliver(req.enterprise, _("诉求办理延期：%(t)s") % {"t": req.title},
                _("您的诉求“%(t)s”办理时限延至%(d)s：%(r)s") % {"t": req.title, "d": f"{ext.proposed_on:%Y-%m-%d}",
                                                               "r": ext.reason})
    return ext


# ---- escalation ---------------------------------------------------------------------------


def escalate(req: EnterpriseRequest, *, user=None, now: dt.datetime | None = None, automatic: bool = False) -> EnterpriseRequest:
    """督办: hand an overdue request to supervision (a supervision task when that module offers one)."""
    if req.escalated_at is not None:
        raise RequestError(_("该诉求已提请督办"))
    _require(req, *OPEN_STATUSES)
    now = now or timezone.now()
    with transaction.atomic():
        ref = _supervision_task(req, user, now)
        req.escalated_at, req.supervision_ref = now, ref
        req.save(update_fields=["escalated_at", "supervision_ref"])
        _step(req, StepKind.ESCALATE, now, user=user, unit=req.first_unit,
              note=_("逾期自动提请督办") if automatic else _("提请督办"))
    _tell(req.handler_unit or req.first_unit, _("企业诉求已逾期，提请督办：%(t)s") % {"t": req.title}, req)
    return req


def _supervision_task(req: EnterpriseRequest, user, now) -> str:
    """立项 a supervision task for the request (``kaohe.supervision.services.create_task``, one per request);
    the office 交办s it from the supervision page. Returns its reference ``督〔2026〕15号``."""
    task = supervision.create_task(
        "enterprise", req, title=_("企业诉求逾期督办：%(t)s") % {"t": req.title}, lead_unit=req.handler_unit or req.first_unit,
        content=f"{req.number} {req.enterprise.name}：{req.title}", user=user, now=now)
    return task.number


def supervision_link(req: EnterpriseRequest) -> str:
    """The supervision task page of an escalated request ("" when there is none)."""
    task = supervision.task_for(req)
    return reverse("supervision:task", args=[task.pk]) if task is not None else ""


def origin_text(req: EnterpriseRequest) -> str:
    """What supervision pre-fills in a progress report of the request's task (最多报一次)."""
    parts = [f"{req.number}（{req.enterprise.name}）当前{req.get_status_display()}"]
    if req.handler_unit_id:
        parts.append(f"承办单位{req.handler_unit.name}")
    if req.replied_at:
        parts.append(f"{timezone.localtime(req.replied_at):%Y-%m-%d %H:%M}已答复：{req.reply[:200]}")
    if req.satisfaction:
        parts.append(f"企业评价：{req.get_satisfaction_display()}")
    return "，".join(parts) + "。"


@dataclass
class SweepResult:
    open: int = 0
    overdue: int = 0
    escalated: int = 0
    seconds: float = 0.0


def sweep(now: dt.datetime | None = None, *, escalate_overdue: bool = True) -> SweepResult:
    """The daily clock sweep: every open request's clocks from its event log; cached due moments
    refreshed; overdue by ``auto_escalate_workdays`` → 督办 (one audit entry each, via :func:`escalate`)."""
    import time

    t0 = time.perf_counter()
    now = now or timezone.now()
    calendar = work_calendar()
    result = SweepResult()
    after = config.get("auto_escalate_workdays")
    after_s = None if after is None else after * calendar.hours.seconds_per_day
    rows = list(EnterpriseRequest.objects.filter(status__in=OPEN_STATUSES).only(
        "pk", "tier", "status", "received_at", "due_at", "response_due_at", "escalated_at"))
    result.open = len(rows)
    # The resolution clock from its events; the 事不过夜 clock starts at 受理 and has no pause or
    # extension, so its due moment is the limit from the received moment.
    events = events_of_many([r.pk for r in rows], (RESOLVE,))
    response, tiers = config.response_limit(), {t: config.tier_limit(t) for t in LimitTier.values}
    moved, late = [], []
    for r in rows:
        log = events.get(r.pk, {}).get(RESOLVE)
        res = deadlines.clock(log, tiers[r.tier], calendar, now) if log else None
        due = res.due_at if res else None
        rdue = response.due_from(r.received_at, calendar)
        if due != r.due_at or rdue != r.response_due_at:
            r.due_at, r.response_due_at = due, rdue
            moved.append(r)
        if res is not None and res.status == "overdue":
            result.overdue += 1
            if after_s is not None and r.escalated_at is None and -res.remaining_seconds >= after_s:
                late.append(r.pk)
    _write_dues(moved)
    if escalate_overdue:
        for req in EnterpriseRequest.objects.filter(pk__in=late).select_related("enterprise", "first_unit", "handler_unit"):
            escalate(req, now=now, automatic=True)
            result.escalated += 1
    result.seconds = time.perf_counter() - t0
    return result


def _write_dues(rows) -> None:
    """The refreshed cached due moments, one parameterised UPDATE executed many times (pipelined by
    psycopg; Django's bulk_update builds CASE expressions that grow with the batch)."""
    if not rows:
        return
    from django.db import connection

    table = connection.ops.quote_name(EnterpriseRequest._meta.db_table)
    sql = f"UPDATE {table} SET due_at = %s, response_due_at = %s WHERE id = %s"  # noqa: S608 — the table name is ours
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, [(r.due_at, r.response_due_at, r.pk) for r in rows])


# ---- telling people -----------------------------------------------------------------------


def _tell(recipient, title: str, req: EnterpriseRequest) -> None:
    if recipient is None:
        return
    notify(recipient, NotificationKind.PROBLEM, title, f"{req.number} {req.enterprise.name}：{req.title}",
           link=reverse("enterprise:request", args=[req.pk]), obj=req)


def deliver(enterprise: Enterprise, subject: str, body: str) -> None:
    """A message to the enterprise: by email to its contact (an SMS gateway can take this place via
    ``KAOHE_ENTERPRISE["sender"]``); without an address its 服务专员 gets it in the inbox to pass on."""
    sender = config.get("sender") if "sender" in settings.KAOHE_ENTERPRISE else None
    if sender:
        from django.utils.module_loading import import_string

        import_string(sender)(enterprise, subject, body)
        return
    if enterprise.contact_email:
        transaction.on_commit(lambda: send_mail(subject, body, None, [enterprise.contact_email], fail_silently=True))
    elif enterprise.specialist_id:
        notify(enterprise.specialist, NotificationKind.OTHER, _("请转告企业：%(s)s") % {"s": subject}, body)


# ---- the enterprise's own link: one-time codes --------------------------------------------


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _code_hash(ent: Enterprise, code: str) -> str:
    return _hash(f"{ent.pk}:{ent.link_key}:{code}")


def enterprise_by_link(key: str, now: dt.datetime | None = None) -> Enterprise | None:
    """The enterprise whose own link this is (None: unknown or expired)."""
    now = now or timezone.now()
    ent = Enterprise.objects.filter(link_key=key).first() if key else None
    if ent is None or (ent.link_expires_at is not None and ent.link_expires_at <= now):
        return None
    return ent


def issue_code(ent: Enterprise, ip: str | None, now: dt.datetime | None = None) -> str:
    """Send a one-time code to the enterprise's contact; refused (:class:`RateLimited`) beyond
    ``code_per_hour`` for this enterprise or ``code_per_ip_hour`` from this address."""
    now = now or timezone.now()
    hour = now - dt.timedelta(hours=1)
    if AccessCode.objects.filter(enterprise=ent, created_at__gt=hour).count() >= config.get("code_per_hour"):
        raise RateLimited(_("验证码发送过于频繁，请一小时后再试"))
    if ip and AccessCode.objects.filter(ip=ip, created_at__gt=hour).count() >= config.get("code_per_ip_hour"):
        raise RateLimited(_("本网络地址请求验证码过于频繁，请稍后再试"))
    code = f"{secrets.randbelow(10**6):06d}"
    AccessCode.objects.filter(enterprise=ent, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    AccessCode.objects.create(enterprise=ent, code_hash=_code_hash(ent, code), ip=ip or None, created_at=now,
                              expires_at=now + dt.timedelta(minutes=config.get("code_minutes")))
    deliver(ent, _("企业诉求平台验证码"), _("验证码：%(c)s（%(m)s分钟内有效，仅可使用一次）") % {
        "c": code, "m": config.get("code_minutes")})
    return code


def verify_code(ent: Enterprise, code: str, ip: str | None = None, now: dt.datetime | None = None) -> bool:
    """Whether ``code`` is the enterprise's live one-time code; a right code is used up, a wrong one
    counts against it (void after ``code_attempts``)."""
    now = now or timezone.now()
    live = AccessCode.objects.filter(enterprise=ent, used_at__isnull=True, expires_at__gt=now).order_by("-created_at").first()
    if live is None:
        return False
    if secrets.compare_digest(live.code_hash, _code_hash(ent, str(code).strip())):
        live.used_at = now
        live.save(update_fields=["used_at"])
        return True
    live.attempts += 1
    if live.attempts >= config.get("code_attempts"):
        live.expires_at = now
    live.save(update_fields=["attempts", "expires_at"])
    return False
