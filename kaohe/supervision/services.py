"""The supervision workflow: 立项 → 交办 → 签收 → 办理（进展报告、延期）→ 办结报告 → 审核 → 销号 / 退回重办,
回头看; the daily sweep (日督查) that climbs the escalation ladder; the burden meter.

Every step is a :class:`TaskEvent` and an audit entry whose parent is the task; the deadlines are
the one clock (``kaohe.orgs.deadlines``): clock ``""`` for 办结 (交办 starts it, 办结报告 stops it,
退回重办/回头看 reopen it, an approved extension moves it) and clock ``"sign"`` for 签收.

``create_task(source_kind, source_object, ...)`` is the entry point other modules call
(projects' problems and warnings, assessment findings, enterprise requests): one task per
source object — asking again returns the same task.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.lib.changes import jsonable, snapshot
from kaohe.lib.deadlines import EventKind as ClockKind
from kaohe.lib.deadlines import TimeLimit
from kaohe.lib.workdays import WorkCalendar
from kaohe.notifications.models import NotificationKind
from kaohe.notifications.services import notify, people
from kaohe.orgs import deadlines
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import OrgUnit, Person, Role
from kaohe.orgs.permissions import check
from kaohe.orgs.scope import is_visible, person_of, scope_root
from kaohe.supervision import config, documents, origins
from kaohe.supervision.models import (
    OPEN_STATES,
    Colour,
    DocumentKind,
    EventKind,
    Extension,
    ExtensionStatus,
    SourceKind,
    Task,
    TaskEvent,
    TaskMilestone,
    TaskState,
    Urgency,
)

SIGN = "sign"


class SupervisionError(ValueError):
    """A step refused, with the reason in Chinese (shown to the user as it is)."""


# ---- helpers ---------------------------------------------------------------------------------


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _link(task: Task) -> str:
    return reverse("supervision:task", args=[task.pk])


def _unit_of(user) -> OrgUnit | None:
    person = person_of(user)
    return person.unit if person is not None else None


VERSION_KEY = "supervision:version"


def touch() -> None:
    """Something changed: the board's cached figures (views._board_summary) are computed afresh."""
    cache.set(VERSION_KEY, time.time_ns(), None)


def version() -> int:
    return cache.get(VERSION_KEY) or 0


def _event(task: Task, kind: str, at: dt.datetime, *, user=None, text: str = "", data: dict | None = None,
           document=None, action: str = AuditAction.UPDATE, unit=None) -> TaskEvent:
    """One step: the timeline row and its audit entry (parent = the task)."""
    unit = unit if unit is not None else _unit_of(user)
    if unit is None and kind in (EventKind.SIGN, EventKind.PROGRESS, EventKind.REPORT, EventKind.EXTENSION_ASKED):
        unit = task.lead_unit
    event = TaskEvent.objects.create(task=task, kind=kind, at=at, by=user if getattr(user, "is_authenticated", False) else None,
                                     unit=unit, text=text, data=jsonable(data or {}), document=document)
    touch()
    transaction.on_commit(touch)  # again once committed: a board read in between is not kept
    record(action, event, after={"kind": kind, "at": at, "text": text, **(data or {})}, reason=f"{EventKind(kind).label}{('：' + text) if text else ''}"[:500],
           user=user, parent=task, unit=task.lead_unit_id)
    return event


def handling_limit(task: Task) -> TimeLimit:
    return TimeLimit(task.limit_workdays, yellow=config.get("remind_workdays"))


def sign_limit() -> TimeLimit:
    return TimeLimit(config.get("sign_workdays"))


def task_clock(task: Task, *, now: dt.datetime | None = None, calendar: WorkCalendar | None = None):
    """The task's 办结 clock as it stands ``now`` (its event log on the working-day calendar)."""
    return deadlines.clock_of(task, handling_limit(task), now=now, calendar=calendar)


def _refresh_due(task: Task, now: dt.datetime, calendar: WorkCalendar | None = None) -> None:
    task.due_at = task_clock(task, now=now, calendar=calendar).due_at


# ---- 立项 ----------------------------------------------------------------------------------------


def _office_of(user, lead_unit: OrgUnit) -> OrgUnit:
    person = person_of(user)
    if person is not None and person.role == Role.OFFICE:
        return scope_root(person)
    unit = lead_unit
    while unit.parent_id is not None:
        unit = unit.parent
    return unit


def task_for(source_object: models.Model) -> Task | None:
    """The task already set up for this source object, if any."""
    ct = ContentType.objects.get_for_model(source_object)
    return Task.objects.filter(source_type=ct, source_id=source_object.pk).first()


_KIND_BY_APP = {"enterprise": SourceKind.ENTERPRISE, "projects": SourceKind.PROJECT, "assessment": SourceKind.ASSESSMENT,
                "results": SourceKind.ASSESSMENT}


def create_task(source_kind: str | None = None, source_object: models.Model | None = None, *, title: str,
                lead_unit: OrgUnit | None = None, unit: OrgUnit | None = None, source: models.Model | None = None,
                content: str = "", co_units: Iterable[OrgUnit] = (), leader: Person | None = None, leader_name: str = "",
                urgency: str = "", source_ref: str = "", limit_workdays: int | None = None, cadence: str = "",
                milestones: Iterable[tuple[str, dt.date]] = (), office_unit: OrgUnit | None = None, user=None,
                assign: bool = False, now: dt.datetime | None = None) -> Task:
    """立项: a task from a source (``SourceKind``: meeting, instruction, document, assessment, project,
    enterprise, manual), linked back to ``source_object`` when there is one (one task per object:
    calling again returns the existing task). The deadline defaults by source (``config.limits``);
    ``assign=True`` also 交办s it at once. ``unit``/``source`` are accepted for ``lead_unit``/``source_object``;
    without a ``source_kind`` it follows the source object's module (enterprise → 企业诉求, projects → 项目)."""
    now = _now(now)
    source_object = source_object if source_object is not None else source
    lead_unit = lead_unit if lead_unit is not None else unit
    if lead_unit is None:
        raise SupervisionError("请指定牵头单位")
    if source_kind is None:
        source_kind = _KIND_BY_APP.get(source_object._meta.app_label, SourceKind.MANUAL) if source_object is not None else SourceKind.MANUAL
    if source_kind not in SourceKind.values:
        raise SupervisionError(f"未知的督办来源：{source_kind}")
    if not title.strip():
        raise SupervisionError("请填写督办事项")
    if urgency and urgency not in Urgency.values:
        raise SupervisionError(f"未知的缓急程度：{urgency}")
    if source_kind == SourceKind.INSTRUCTION and not urgency:
        urgency = Urgency.NORMAL
    if source_object is not None:
        found = task_for(source_object)
        if found is not None:
            return found
    limit = limit_workdays if limit_workdays is not None else config.default_limit(source_kind, urgency)
    if limit < 1:
        raise SupervisionError("办理时限至少1个工作日")
    co_units = [u for u in co_units if u.pk != lead_unit.pk]
    office_unit = office_unit or _office_of(user, lead_unit)
    if leader is not None and not leader_name:
        leader_name = leader.display_name or leader.user.get_username()
    year = timezone.localtime(now).year
    for _attempt in range(5):
        try:
            with transaction.atomic():
                # 督办编号 run per year across offices: take turns on the top units' rows (creation is rare)
                list(OrgUnit.objects.select_for_update().filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True))
                seq = (Task.objects.filter(year=year).aggregate(m=Max("seq"))["m"] or 0) + 1
                task = Task.objects.create(
                    year=year, seq=seq, title=title.strip()[:300], content=content.strip(), source_kind=source_kind,
                    urgency=urgency, source_ref=source_ref[:200],
                    source_type=ContentType.objects.get_for_model(source_object) if source_object is not None else None,
                    source_id=source_object.pk if source_object is not None else None,
                    office_unit=office_unit, lead_unit=lead_unit, leader=leader, leader_name=leader_name[:50],
                    limit_workdays=limit, cadence=cadence, created_at=now)
                break
        except IntegrityError:
            if source_object is not None:
                found = task_for(source_object)
                if found is not None:
                    return found
            continue
    else:  # pragma: no cover - five concurrent creators of the same number
        raise SupervisionError("督办编号冲突，请重试")
    with transaction.atomic():
        if co_units:
            task.co_units.set(co_units)
        for milestone_title, due_on in milestones:
            TaskMilestone.objects.create(task=task, title=milestone_title, due_on=due_on)
        record(AuditAction.CREATE, task, after=snapshot(task), user=user, unit=lead_unit.pk,
               parent=source_object if source_object is not None and _audited_parent(source_object) else None)
        _event(task, EventKind.CREATE, now, user=user, action=AuditAction.CREATE,
               text=f"{task.get_source_kind_display()}{(' ' + source_ref) if source_ref else ''}")
    if assign:
        assign_task(task, user=user, now=now)
    return task


# ---- 一键督办: a task from a page's object (a yellow flag, a red project, an overdue problem) -------


def label_of(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def lead_of(obj: models.Model) -> OrgUnit | None:
    """The unit a task from ``obj`` goes to: a problem's assigned unit, a project's unit, a flag's unit
    (by its code), a warning's project's unit."""
    for attr in ("assigned_unit", "unit", "responsible_unit"):
        unit = getattr(obj, attr, None)
        if isinstance(unit, OrgUnit):
            return unit
    code = getattr(obj, "unit_code", None)
    if code:
        return OrgUnit.objects.filter(code=code).first()
    project = getattr(obj, "project", None)
    return lead_of(project) if isinstance(project, models.Model) else None


#: 来源 of a task set up from an object of these models (others follow their app: ``_KIND_BY_APP``).
KIND_OF = {"projects.project": SourceKind.PROJECT, "projects.problem": SourceKind.PROJECT,
           "projects.projectwarning": SourceKind.PROJECT, "assessment.indicatorspec": SourceKind.ASSESSMENT,
           "results.flag": SourceKind.ASSESSMENT}


def supervising_office(user, source: models.Model | None = None) -> OrgUnit | None:
    """The office unit that would set up a task for ``user`` (its scope's top), when the permission
    module lets the user 立项 there and sees ``source``; else None (no button, no link)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    person = person_of(user)
    root = scope_root(person) if person else OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None or not check(user, "supervision.manage", root):
        return None
    if source is not None and not is_visible(user, source):
        return None
    return root


def can_supervise(user, source: models.Model) -> bool:
    """Whether the one-click button may be shown for ``source``: a known kind of source with a unit to
    lead, seen by a user allowed to set up tasks."""
    return origins.get(label_of(source)) is not None and lead_of(source) is not None and supervising_office(user, source) is not None


def supervise(source: models.Model, *, user, now: dt.datetime | None = None, assign: bool = True) -> Task:
    """一键督办: the task for ``source`` with the defaults of its kind — title from its description,
    lead unit from the object, 来源 and deadline by source (``config.limits``), the project's
    responsible leader — 交办 at once. Asking again returns the existing task. Raises
    SupervisionError when the user may not, or the object is no source supervision knows."""
    office = supervising_office(user, source)
    if office is None:
        raise SupervisionError("无权立项督办该事项")
    label = label_of(source)
    origin, lead = origins.get(label), lead_of(source)
    if origin is None or lead is None:
        raise SupervisionError("该对象不能立项督办")
    found = task_for(source)
    if found is not None:
        return found
    leader_name = getattr(getattr(source, "project", source), "leader_name", "") or ""
    return create_task(KIND_OF.get(label), source, title=origin.describe(source)[:300], lead_unit=lead,
                       leader_name=leader_name, source_ref=origin.label, content=origin.prefill(source), office_unit=office,
                       user=user, assign=assign, now=now)


def source_from_spec(spec: str) -> models.Model | None:
    """``projects.problem:12`` (app label . model : key, as the one-click buttons post it) → the object,
    or None when there is no such model or object (a bad link is a 404, not an error)."""
    label, _sep, pk = spec.partition(":")
    app, _dot, model = label.partition(".")
    try:
        ct = ContentType.objects.get_by_natural_key(app, model)
    except ContentType.DoesNotExist:
        return None
    model_class = ct.model_class()
    if model_class is None or not pk.isdigit():
        return None
    return model_class._default_manager.filter(pk=int(pk)).first()


def tasks_for(objects: Iterable[models.Model]) -> dict[tuple[str, int], Task]:
    """The tasks set up for these objects (one query per kind of object): ``{(label, pk): task}``."""
    by_model: dict[type, list[int]] = defaultdict(list)
    for obj in objects:
        by_model[type(obj)].append(obj.pk)
    found: dict[tuple[str, int], Task] = {}
    for model, pks in by_model.items():
        ct = ContentType.objects.get_for_model(model)
        for task in Task.objects.filter(source_type=ct, source_id__in=pks):
            found[(f"{ct.app_label}.{ct.model}", task.source_id)] = task
    return found


def _audited_parent(obj: models.Model) -> bool:
    return obj._meta.app_label != "supervision"


def source_of(task: Task) -> tuple[models.Model | None, origins.Origin | None]:
    if task.source_type_id is None:
        return None, None
    ct = ContentType.objects.get_for_id(task.source_type_id)
    model = ct.model_class()
    obj = model._default_manager.filter(pk=task.source_id).first() if model is not None else None
    return obj, origins.get(f"{ct.app_label}.{ct.model}")


def update_task(task: Task, changes: dict, *, user=None, reason: str = "") -> Task:
    """Change the register fields (title, content, leader, co-units, cadence) — never the clock."""
    allowed = {"title", "content", "leader_name", "cadence", "source_ref"}
    before = snapshot(task)
    for key, value in changes.items():
        if key not in allowed:
            raise SupervisionError(f"不能修改：{key}")
        setattr(task, key, value)
    with transaction.atomic():
        task.save()
        record(AuditAction.UPDATE, task, before=before, after=snapshot(task), user=user, reason=reason, unit=task.lead_unit_id)
    return task


# ---- 交办 / 签收 --------------------------------------------------------------------------------


def assign_task(task: Task, *, user=None, now: dt.datetime | None = None, render: bool = True) -> Task:
    """交办: the clocks start (签收 within ``sign_workdays``, 办结 within the task's limit); the 交办单
    is numbered and stored; the lead and co-handling units are told."""
    now = _now(now)
    if task.state != TaskState.DRAFT:
        raise SupervisionError("该事项已交办")
    calendar = work_calendar()
    with transaction.atomic():
        deadlines.log(task, ClockKind.START, now, user=user, note="交办")
        deadlines.log(task, ClockKind.START, now, user=user, note="交办", name=SIGN)
        task.assigned_at = now
        task.sign_due_at = sign_limit().due_from(now, calendar)
        task.due_at = task.original_due_at = handling_limit(task).due_from(now, calendar)
        task.state = TaskState.ASSIGNED
        task.save()
        today = timezone.localtime(now).date()
        doc = documents.issue(documents.assignment_slip(task, today), issuer=task.office_unit, addressee=task.lead_unit,
                              task=task, today=today, at=now, render_now=render)
        _event(task, EventKind.ASSIGN, now, user=user, document=doc, action=AuditAction.SUBMIT,
               text=f"交办单 {doc.number}，{task.limit_workdays}个工作日",
               data={"due_at": task.due_at, "sign_due_at": task.sign_due_at})
    notify([task.lead_unit, *task.co_units.all()], NotificationKind.SUPERVISION, f"督办事项交办：{task.title}",
           f"{task.number}：{task.title}。请于{_fmt(task.sign_due_at)}前签收，{_fmt(task.due_at)}前报送办结报告。",
           link=_link(task), obj=task)
    return task


def _fmt(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def sign_task(task: Task, *, user=None, now: dt.datetime | None = None) -> Task:
    """签收: the lead unit takes the task (on time when by the 签收 deadline)."""
    now = _now(now)
    if task.state != TaskState.ASSIGNED:
        raise SupervisionError("该事项不在待签收状态")
    with transaction.atomic():
        deadlines.log(task, ClockKind.STOP, now, user=user, note="签收", name=SIGN)
        task.signed_at = now
        task.state = TaskState.IN_PROGRESS
        late = task.sign_due_at is not None and now > task.sign_due_at
        task.sign_late = task.sign_late or late
        task.save()
        _event(task, EventKind.SIGN, now, user=user, text="超时签收" if late else "按时签收", data={"late": late})
    return task


# ---- 办理 -----------------------------------------------------------------------------------------


def report_progress(task: Task, text: str, *, percent: int | None = None, user=None, now: dt.datetime | None = None) -> TaskEvent:
    """进展报告 (lead or co-handling unit): what was done, optionally a percentage."""
    now = _now(now)
    if task.state != TaskState.IN_PROGRESS:
        raise SupervisionError("签收后、办结前才能报送进展")
    if not text.strip():
        raise SupervisionError("请填写进展情况")
    if percent is not None and not 0 <= percent <= 100:
        raise SupervisionError("进度应在0–100%之间")
    with transaction.atomic():
        if percent is not None:
            task.progress = percent
            task.save(update_fields=["progress"])
        return _event(task, EventKind.PROGRESS, now, user=user, text=text.strip(), action=AuditAction.SUBMIT,
                      data={"percent": percent} if percent is not None else {})


def prefill(task: Task) -> str:
    """A progress report's draft from what kaohe already holds about the task's source (最多报一次)."""
    obj, origin = source_of(task)
    parts = []
    if obj is not None and origin is not None:
        parts.append(origin.prefill(obj))
    last = task.events.filter(kind=EventKind.PROGRESS).order_by("-at").first()
    if last is not None:
        parts.append(f"上次报送（{_fmt(last.at)}）：{last.text}")
    done = [m for m in task.milestones.all() if m.done_on]
    if done:
        parts.append("已完成节点：" + "、".join(f"{m.title}（{m.done_on:%m月%d日}）" for m in done))
    return "\n".join(p for p in parts if p)


def complete_milestone(milestone: TaskMilestone, *, user=None, on: dt.date | None = None, now: dt.datetime | None = None) -> TaskMilestone:
    now = _now(now)
    if milestone.done_on is not None:
        raise SupervisionError("该节点已完成")
    with transaction.atomic():
        milestone.done_on = on or timezone.localtime(now).date()
        milestone.save(update_fields=["done_on"])
        _event(milestone.task, EventKind.MILESTONE, now, user=user, text=milestone.title,
               data={"due_on": milestone.due_on, "done_on": milestone.done_on})
    return milestone


def request_extension(task: Task, reason: str, proposed_on: dt.date, *, user=None, now: dt.datetime | None = None) -> Extension:
    """申请延期: only BEFORE the deadline, with a reason and a later working day."""
    now = _now(now)
    if task.state not in OPEN_STATES:
        raise SupervisionError("该事项不在办理中，不能申请延期")
    if task.due_at is None or now > task.due_at:
        raise SupervisionError("已超过办理时限，不能再申请延期（延期须在期限届满前提出）")
    if not reason.strip():
        raise SupervisionError("请说明延期理由")
    if proposed_on <= timezone.localtime(task.due_at).date():
        raise SupervisionError("申请延至的日期应晚于现办理时限")
    if not work_calendar().is_workday(proposed_on):
        raise SupervisionError(f"{proposed_on:%Y-%m-%d}不是工作日")
    with transaction.atomic():
        # Under the task's lock: of two units asking at once, one asks, the other is told one is pending.
        Task.objects.select_for_update().filter(pk=task.pk).first()
        if task.extensions.filter(status=ExtensionStatus.PENDING).exists():
            raise SupervisionError("已有一项延期申请待审批")
        ext = Extension.objects.create(task=task, asked_at=now, asked_by=user if getattr(user, "is_authenticated", False) else None,
                                       reason=reason.strip(), proposed_on=proposed_on, old_due_at=task.due_at)
        _event(task, EventKind.EXTENSION_ASKED, now, user=user, text=reason.strip(), action=AuditAction.SUBMIT,
               data={"proposed_on": proposed_on, "extension": ext.pk})
    notify(people(task.office_unit, Role.OFFICE), NotificationKind.SUPERVISION, f"延期申请：{task.title}",
           f"{task.lead_unit.name}申请将{task.number}延至{proposed_on:%Y-%m-%d}：{reason.strip()}", link=_link(task), obj=task)
    return ext


def decide_extension(ext: Extension, *, approve: bool, reason: str, user=None, on: dt.date | None = None,
                     now: dt.datetime | None = None) -> Extension:
    """同意 (the clock gets the new date, ``on`` or the date asked for) or 不同意, always with a reason.
    Decided under the row's lock: of two offices deciding at once, one decides, the other is told it
    has been decided (without it both would, and an approval could be overwritten by a refusal)."""
    now = _now(now)
    if ext.status != ExtensionStatus.PENDING:
        raise SupervisionError("该延期申请已审批")
    if not reason.strip():
        raise SupervisionError("请填写审批意见（同意或不同意的理由）")
    task = ext.task
    calendar = work_calendar()
    with transaction.atomic():
        Extension.objects.select_for_update().filter(pk=ext.pk).first()
        ext.refresh_from_db()  # the caller's row, as it stands under the lock
        if ext.status != ExtensionStatus.PENDING:
            raise SupervisionError("该延期申请已审批")
        ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        ext.decided_at, ext.decision = now, reason.strip()
        ext.decided_by = user if getattr(user, "is_authenticated", False) else None
        if approve:
            day = on or ext.proposed_on
            if not calendar.is_workday(day):
                raise SupervisionError(f"{day:%Y-%m-%d}不是工作日")
            ext.new_due_at = calendar.end_of_day(day)
            deadlines.log(task, ClockKind.EXTEND, now, due=ext.new_due_at, user=user, note=f"延期：{reason.strip()}")
            _refresh_due(task, now, calendar)
            task.extended_count += 1
            task.save()
        ext.save()
        _event(task, EventKind.EXTENSION_APPROVED if approve else EventKind.EXTENSION_REFUSED, now, user=user,
               text=reason.strip(), action=AuditAction.APPROVE if approve else AuditAction.RETURN,
               data={"extension": ext.pk, "new_due_at": ext.new_due_at})
    notify(task.lead_unit, NotificationKind.SUPERVISION, f"延期申请{'已同意' if approve else '未同意'}：{task.title}",
           f"{task.number}：{reason.strip()}。办结时限{_fmt(task.due_at)}。", link=_link(task), obj=task)
    return ext


# ---- 办结 / 审核 / 回头看 -------------------------------------------------------------------------


def submit_report(task: Task, text: str, *, user=None, now: dt.datetime | None = None) -> Task:
    """办结报告: the lead unit reports the task done; the clock stops (按期 when by the due moment)."""
    now = _now(now)
    if task.state != TaskState.IN_PROGRESS:
        raise SupervisionError("签收后才能报送办结报告")
    if not text.strip():
        raise SupervisionError("请填写办结情况")
    with transaction.atomic():
        deadlines.log(task, ClockKind.STOP, now, user=user, note="办结报告")
        task.state, task.reported_at = TaskState.REPORTED, now
        task.save()
        _event(task, EventKind.REPORT, now, user=user, text=text.strip(), action=AuditAction.SUBMIT,
               data={"on_time": now <= task.due_at})
    notify(people(task.office_unit, Role.OFFICE), NotificationKind.SUPERVISION, f"办结报告待审核：{task.title}",
           f"{task.lead_unit.name}报送{task.number}办结报告。", link=_link(task), obj=task)
    return task


CHECKLIST = ("事实清楚", "问题解决", "任务落实", "结论准确")


def review_task(task: Task, *, accept: bool, reason: str = "", checks: Iterable[str] = (), user=None,
                now: dt.datetime | None = None) -> Task:
    """审核: 销号 (accepted) or 退回重办 (with the reason; the clock resumes without the checking time)."""
    now = _now(now)
    if task.state != TaskState.REPORTED:
        raise SupervisionError("该事项没有待审核的办结报告")
    if not accept and not reason.strip():
        raise SupervisionError("退回重办须说明理由")
    with transaction.atomic():
        if accept:
            task.state, task.closed_at = TaskState.CLOSED, now
            task.on_time = task.reported_at <= task.due_at
            task.progress = 100
            task.save()
            _event(task, EventKind.CLOSE, now, user=user, text=reason.strip() or "审核通过，予以销号", action=AuditAction.APPROVE,
                   data={"checks": list(checks), "on_time": task.on_time})
        else:
            deadlines.log(task, ClockKind.REOPEN, now, user=user, note=f"退回重办：{reason.strip()}")
            task.state, task.reported_at = TaskState.IN_PROGRESS, None
            task.returned_count += 1
            _refresh_due(task, now)
            task.save()
            _event(task, EventKind.RETURN, now, user=user, text=reason.strip(), action=AuditAction.RETURN,
                   data={"due_at": task.due_at})
    notify(task.lead_unit, NotificationKind.SUPERVISION, f"{'已销号' if accept else '退回重办'}：{task.title}",
           f"{task.number}：{reason.strip() or '审核通过'}", link=_link(task), obj=task)
    return task


def reopen_task(task: Task, reason: str, *, user=None, now: dt.datetime | None = None) -> Task:
    """回头看: a closed task found not really done is reopened; its clock runs on from where it stopped."""
    now = _now(now)
    if task.state != TaskState.CLOSED:
        raise SupervisionError("只有已销号的事项才能回头看重启")
    if not reason.strip():
        raise SupervisionError("请说明回头看发现的问题")
    with transaction.atomic():
        deadlines.log(task, ClockKind.REOPEN, now, user=user, note=f"回头看：{reason.strip()}")
        task.state, task.closed_at, task.on_time, task.reported_at = TaskState.IN_PROGRESS, None, None, None
        task.reopened_count += 1
        _refresh_due(task, now)
        task.save()
        _event(task, EventKind.REOPEN, now, user=user, text=reason.strip(), action=AuditAction.RETURN, data={"due_at": task.due_at})
    notify(task.lead_unit, NotificationKind.SUPERVISION, f"回头看重启：{task.title}", f"{task.number}：{reason.strip()}",
           link=_link(task), obj=task)
    return task


# ---- 日督查: the daily sweep ------------------------------------------------------------------------


@dataclass
class SweepResult:
    checked: int = 0
    reminded: int = 0
    sign_urged: int = 0
    urged: int = 0
    red: int = 0
    notices: int = 0
    documents: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"checked": self.checked, "reminded": self.reminded, "sign_urged": self.sign_urged, "urged": self.urged,
                "red": self.red, "notices": self.notices, "documents": len(self.documents)}


def ladder_step(task: Task, now: dt.datetime, calendar: WorkCalendar) -> list[str]:
    """What the escalation ladder asks for this task now: ``remind``, ``sign_urge``, ``urge``, ``red``
    (pure: reads the task's stored deadlines and counters, changes nothing)."""
    steps = []
    zone = calendar.zone
    today = now.astimezone(zone).date()
    if task.state == TaskState.ASSIGNED and not task.sign_late and task.sign_due_at and now > task.sign_due_at:
        steps.append("sign_urge")
    yellows = task.yellow_count + (1 if steps else 0)
    if task.due_at is not None and task.state in OPEN_STATES:
        due_day = task.due_at.astimezone(zone).date()
        if now <= task.due_at:
            left = calendar.workdays_between(today + dt.timedelta(days=1), due_day)
            if left <= config.get("remind_workdays") and task.reminded_for != task.due_at:
                steps.append("remind")
        else:
            if task.urged_for != task.due_at:
                steps.append("urge")
                yellows += 1
            late = calendar.workdays_between(due_day + dt.timedelta(days=1), today)
            if task.colour != Colour.RED and (late >= config.get("red_after_workdays") or yellows >= config.get("yellows_for_red")):
                steps.append("red")
    elif task.colour != Colour.RED and task.state in OPEN_STATES and yellows >= config.get("yellows_for_red"):
        steps.append("red")
    return steps


def sweep(now: dt.datetime | None = None, *, user=None) -> SweepResult:
    """日督查: every open task climbs the ladder — 临近提醒 (N working days before), 催办单 for an unsigned
    or overdue task (yellow), 督办函 to the responsible leader when overdue by M working days or at the
    second yellow (red). Documents are numbered (no gaps, under a lock on the issuers) and stored with
    their content (files rendered afterwards: ``documents.render_pending``); each step is a timeline
    event of its task; the sweep is one audit entry listing every task and step; each unit and leader
    gets ONE digest (none when there is nothing). Written in bulk: thousands of open tasks in seconds."""
    now = _now(now)
    calendar = work_calendar()
    today = timezone.localtime(now).date()
    result = SweepResult()
    open_tasks = Task.objects.filter(state__in=OPEN_STATES)
    fields = ("id", "state", "sign_due_at", "sign_late", "due_at", "reminded_for", "urged_for", "yellow_count", "colour")
    rows = [_Row(*values) for values in open_tasks.values_list(*fields)]  # plain tuples: no model instances
    result.checked = len(rows)
    due = {t.pk: ladder_step(t, now, calendar) for t in rows}
    acting = sorted(pk for pk, steps in due.items() if steps)
    if not acting:
        return result
    digests: dict[tuple[str, int], list[str]] = defaultdict(list)
    with transaction.atomic():
        tasks = list(Task.objects.filter(pk__in=acting).select_related("lead_unit", "office_unit").prefetch_related("co_units")
                     .order_by("pk"))
        # every letter the sweep will issue, counted first: one block of numbers per issuer and kind
        # from the documents register's counter (locked in a stable order, no gaps)
        wanted: dict[tuple[int, str], int] = defaultdict(int)
        for task in tasks:
            for step in due[task.pk]:
                kind = _STEP_DOCUMENT.get(step)
                if kind:
                    wanted[(task.office_unit_id, kind)] += 1
        last = {key: documents.take_numbers(key[0], key[1], today.year, n) - 1 for key, n in sorted(wanted.items())}
        batch = _Batch(now, today, calendar, result, digests, user, last)
        for task in tasks:
            for step in due[task.pk]:
                batch.apply(task, step)
        batch.save(tasks)
        touch()
        transaction.on_commit(touch)
        leaders = {t.pk: t.leader_id for t in tasks if t.colour == Colour.RED and t.red_at == now}
        for task_id, leader_id in leaders.items():
            line = batch.red_lines[task_id]
            if leader_id:
                digests[("person", leader_id)].append(line)
            else:
                lead = next(t.lead_unit_id for t in tasks if t.pk == task_id)
                for person in people(lead, Role.LEADER):
                    digests[("person", person.pk)].append(line)
        record(AuditAction.UPDATE, object_type=Task, object_repr=f"日督查 {today:%Y-%m-%d}：{len(acting)}项",
               after={**result.as_dict(), "tasks": {str(pk): due[pk] for pk in acting}, "documents": result.documents},
               reason="日督查", user=user)
    units = OrgUnit.objects.in_bulk([pk for kind, pk in digests if kind == "unit"])
    persons = Person.objects.select_related("user").in_bulk([pk for kind, pk in digests if kind == "person"])
    for (kind, pk), lines in digests.items():
        target = units.get(pk) if kind == "unit" else persons.get(pk)
        if target is None:
            continue
        notify(target, NotificationKind.SUPERVISION, f"{today:%Y-%m-%d} 督查提醒：{len(lines)}项", "\n".join(lines),
               link=reverse("supervision:inbox"))
        result.notices += 1
    return result


#: The letter each ladder step issues (临近提醒 issues none).
_STEP_DOCUMENT = {"sign_urge": DocumentKind.URGE, "urge": DocumentKind.URGE, "red": DocumentKind.SUPERVISE}


@dataclass(slots=True)
class _Row:
    """The fields of an open task the ladder reads (what ``ladder_step`` needs, without a model instance)."""

    pk: int
    state: str
    sign_due_at: dt.datetime | None
    sign_late: bool
    due_at: dt.datetime | None
    reminded_for: dt.datetime | None
    urged_for: dt.datetime | None
    yellow_count: int
    colour: str


class _Batch:
    """The sweep's writes, collected and saved in bulk (documents, then events pointing at them)."""

    TASK_FIELDS = ["reminded_for", "urged_for", "urged_at", "sign_late", "yellow_count", "colour", "red_at", "red_count"]

    def __init__(self, now, today, calendar, result, digests, user, last):
        self.now, self.today, self.calendar, self.result, self.digests = now, today, calendar, result, digests
        self.user = user if getattr(user, "is_authenticated", False) else None
        self.last = last
        self.docs: list = []
        self.events: list[tuple[TaskEvent, int | None]] = []
        self.red_lines: dict[int, str] = {}

    def _doc(self, letter, task):
        from kaohe.supervision.models import TaskDocument  # noqa: PLC0415

        key = (task.office_unit_id, letter.kind)
        seq = self.last[key] + 1  # inside the block taken for this issuer and kind
        self.last[key] = seq
        letter.number = documents.number_of(letter.kind, self.today.year, seq)
        self.docs.append(TaskDocument(kind=letter.kind, task=task, issuer_id=task.office_unit_id, addressee_id=task.lead_unit_id,
                                      year=self.today.year, seq=seq, number=letter.number, title=letter.title,
                                      content=letter.as_dict(), docx=b"", sha256="", issued_at=self.now))
        self.result.documents.append(letter.number)
        return len(self.docs) - 1

    def _event(self, task, kind, text, doc_index=None):
        self.events.append((TaskEvent(task=task, kind=kind, at=self.now, by=self.user, unit_id=task.lead_unit_id, text=text), doc_index))

    def apply(self, task: Task, step: str) -> None:
        unit_key = ("unit", task.lead_unit_id)
        if step == "remind":
            task.reminded_for = task.due_at
            self._event(task, EventKind.REMIND, f"距办结时限{_fmt(task.due_at)}不足{config.get('remind_workdays')}个工作日")
            self.digests[unit_key].append(f"临近提醒：{task.number} {task.title}，{_fmt(task.due_at)}前办结")
            self.result.reminded += 1
        elif step in ("sign_urge", "urge"):
            sign = step == "sign_urge"
            if sign:
                task.sign_late = True
            else:
                task.urged_for, task.urged_at = task.due_at, self.now
            task.yellow_count += 1
            if task.colour != Colour.RED:
                task.colour = Colour.YELLOW
            letter = documents.urge_slip(task, self.today, sign=sign)
            i = self._doc(letter, task)
            self._event(task, EventKind.SIGN_URGE if sign else EventKind.URGE,
                        f"催办单 {letter.number}（{'签收超时' if sign else '逾期未办结'}）", i)
            self.digests[unit_key].append(f"催办（黄色）：{task.number} {task.title}，{'签收超时' if sign else '已逾期'}，催办单{letter.number}")
            if sign:
                self.result.sign_urged += 1
            else:
                self.result.urged += 1
        elif step == "red":
            due_day = timezone.localtime(task.due_at).date() if task.due_at else self.today
            late = self.calendar.workdays_between(due_day + dt.timedelta(days=1), self.today) if task.due_at and self.now > task.due_at else 0
            task.colour, task.red_at = Colour.RED, self.now
            task.red_count += 1
            letter = documents.supervision_letter(task, self.today, late_workdays=late)
            i = self._doc(letter, task)
            self._event(task, EventKind.SUPERVISE, f"督办函 {letter.number}（红色，逾期{late}个工作日，黄色{task.yellow_count}次）", i)
            line = f"督办（红色）：{task.number} {task.title}，督办函{letter.number}"
            self.digests[unit_key].append(line)
            self.red_lines[task.pk] = line
            self.result.red += 1

    def save(self, tasks: list[Task]) -> None:
        from kaohe.supervision.models import TaskDocument  # noqa: PLC0415

        made = TaskDocument.objects.bulk_create(self.docs, batch_size=1000)
        rows = []
        for event, doc_index in self.events:
            if doc_index is not None:
                event.document_id = made[doc_index].pk
            rows.append(event)
        TaskEvent.objects.bulk_create(rows, batch_size=2000)
        Task.objects.bulk_update(tasks, self.TASK_FIELDS, batch_size=1000)


def colour_of(task: Task, now: dt.datetime | None = None) -> str:
    """The light as shown: the ladder's colour (never lowered), blue when on time."""
    return task.colour


# ---- cadences: 周交办 / 月督办 and progress demands --------------------------------------------------


def demand_reports(cadence: str, now: dt.datetime | None = None, *, user=None) -> int:
    """要求报送进展: one demand per open task of this cadence, one notice per unit (counted by the burden meter)."""
    now = _now(now)
    tasks = list(Task.objects.filter(state=TaskState.IN_PROGRESS, cadence=cadence).select_related("lead_unit"))
    by_unit: dict[int, list[Task]] = defaultdict(list)
    with transaction.atomic():
        for task in tasks:
            _event(task, EventKind.REQUEST, now, user=user, unit=task.lead_unit, text="请报送本期进展", action=AuditAction.OTHER)
            by_unit[task.lead_unit_id].append(task)
    for unit_id, mine in by_unit.items():
        notify(OrgUnit.objects.get(pk=unit_id), NotificationKind.SUPERVISION, f"请报送督办事项进展：{len(mine)}项",
               "\n".join(f"{t.number} {t.title}" for t in mine), link=reverse("supervision:inbox"))
    return len(tasks)


def weekly_batch(today: dt.date, *, user=None) -> list:
    """周交办: per office, the week's new assignments and the tasks that turned yellow or red, as one
    numbered 周交办清单; each lead unit gets one consolidated notice; weekly progress demanded."""
    start = today - dt.timedelta(days=today.weekday())
    end = start + dt.timedelta(days=6)
    week = f"{start.isocalendar().year}-W{start.isocalendar().week:02d}"
    made = []
    window = Q(at__date__gte=start, at__date__lte=end)
    events = (TaskEvent.objects.filter(window, kind__in=[EventKind.ASSIGN, EventKind.URGE, EventKind.SIGN_URGE, EventKind.SUPERVISE])
              .select_related("task", "task__lead_unit", "task__office_unit").order_by("task__office_unit_id", "at"))
    by_office: dict[int, list[TaskEvent]] = defaultdict(list)
    for event in events:
        by_office[event.task.office_unit_id].append(event)
    from kaohe.supervision.models import TaskDocument  # noqa: PLC0415

    for office_id, rows in by_office.items():
        if TaskDocument.objects.filter(issuer_id=office_id, kind=DocumentKind.BATCH, period=week).exists():
            continue
        office = rows[0].task.office_unit
        table = [["督办编号", "事项", "牵头单位", "本周情况", "办结时限"]]
        units: dict[int, list[str]] = defaultdict(list)
        for e in rows:
            table.append([e.task.number, e.task.title, e.task.lead_unit.name, str(EventKind(e.kind).label), _fmt(e.task.due_at)[:10]])
            units[e.task.lead_unit_id].append(f"{str(EventKind(e.kind).label)}：{e.task.number} {e.task.title}")
        new = sum(1 for e in rows if e.kind == EventKind.ASSIGN)
        letter = documents.Letter(
            DocumentKind.BATCH, documents.KIND_TITLE[DocumentKind.BATCH], addressee="各有关单位：",
            paragraphs=[f"{start:%Y年%m月%d日}至{end:%m月%d日}，新交办督查事项{new}件，催办{sum(1 for e in rows if e.kind in (EventKind.URGE, EventKind.SIGN_URGE))}件，"
                        f"红色督办{sum(1 for e in rows if e.kind == EventKind.SUPERVISE)}件，清单如下。请各单位对照落实。"],
            table=table, signature=f"{office.name}{config.get('issuer')}", date=today)
        doc = documents.issue(letter, issuer=office, today=today, period=week)
        made.append(doc)
        for unit_id, lines in units.items():
            notify(OrgUnit.objects.get(pk=unit_id), NotificationKind.SUPERVISION, f"周交办清单 {doc.number}：{len(lines)}项",
                   "\n".join(lines), link=reverse("supervision:inbox"))
    demand_reports("weekly", timezone.make_aware(dt.datetime.combine(today, dt.time(9, 0))), user=user)
    return made


# ---- the burden meter ---------------------------------------------------------------------------


def burden(year: int, month: int, unit_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Reports demanded of each unit in the month: tasks 交办ed to it and progress reports requested."""
    start = timezone.make_aware(dt.datetime(year, month, 1))
    end = timezone.make_aware(dt.datetime(year + month // 12, month % 12 + 1, 1))
    qs = TaskEvent.objects.filter(kind__in=[EventKind.ASSIGN, EventKind.REQUEST], at__gte=start, at__lt=end)
    if unit_ids is not None:
        qs = qs.filter(task__lead_unit_id__in=list(unit_ids))
    return dict(qs.values_list("task__lead_unit_id").annotate(n=Count("id")).values_list("task__lead_unit_id", "n"))


def burden_warning(unit: OrgUnit, now: dt.datetime | None = None) -> str:
    """The warning shown to the office before it demands more of ``unit`` (empty when under the ceiling)."""
    local = timezone.localtime(_now(now))
    count = burden(local.year, local.month, [unit.pk]).get(unit.pk, 0)
    ceiling = config.get("report_ceiling")
    if count >= ceiling:
        return f"本月已向{unit.name}交办或要求报送{count}次，已达上限{ceiling}次（基层减负），请合并或减少报送要求"
    return ""
