"""Pages of supervision: the office's board, each unit's inbox, a task's page (timeline, documents,
actions), the leader's overview, new task / from a source, import, documents, bulletins.

Views stay thin: permission via ``require``/``check``, changes via ``services``; out of scope is 404.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, Q, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.audit.services import changes_under
from kaohe.lib.exports import DOCX_TYPE, Table, attachment, xlsx_response
from kaohe.lib.numbers import round_half_up
from kaohe.lib.tabular import TabularError
from kaohe.orgs.models import OrgUnit, Role
from kaohe.orgs.permissions import (
    check,
    person_of,
    require,
    scope_root,
    scope_unit_ids,
    subtree_ids,
)
from kaohe.orgs.scope import get_visible_or_404, is_visible
from kaohe.supervision import bulletins, config, documents, imports, origins, services, tables
from kaohe.supervision.models import (
    MAX_LIMIT_WORKDAYS,
    OPEN_STATES,
    Bulletin,
    Cadence,
    Colour,
    Extension,
    ExtensionStatus,
    SourceKind,
    Task,
    TaskDocument,
    TaskMilestone,
    TaskState,
    Urgency,
)

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _today() -> dt.date:
    return timezone.localdate()


def visible_tasks(user):
    return Task.objects.visible_to(user)


def _week(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = today - dt.timedelta(days=today.weekday())
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=tz), dt.datetime.combine(start + dt.timedelta(days=7), dt.time.min, tzinfo=tz))


def _filtered(request, qs):
    g = request.GET
    f = {k: g.get(k, "").strip() for k in ("source", "unit", "colour", "state", "due", "q")}
    if f["source"] in SourceKind.values:
        qs = qs.filter(source_kind=f["source"])
    if f["unit"]:
        unit = OrgUnit.objects.filter(code=f["unit"]).first()
        if unit is not None:
            qs = qs.filter(lead_unit_id__in=subtree_ids(unit))
    if f["colour"] in Colour.values:
        qs = qs.filter(colour=f["colour"])
    if f["state"] == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif f["state"] == "overdue":
        qs = qs.filter(state__in=OPEN_STATES, due_at__lt=timezone.now())
    elif f["state"] in TaskState.values:
        qs = qs.filter(state=f["state"])
    if f["due"] == "week":
        start, end = _week(_today())
        qs = qs.filter(state__in=OPEN_STATES, due_at__gte=start, due_at__lt=end)
    if f["q"]:
        qs = qs.filter(Q(title__icontains=f["q"]) | Q(source_ref__icontains=f["q"]))
    return qs, f


def _export(name: str, tasks) -> object:
    rows = []
    for t in tasks.select_related("lead_unit", "office_unit").prefetch_related("co_units")[:20000]:
        rows.append([t.number, t.title, t.get_source_kind_display(), t.source_ref, t.get_urgency_display() if t.urgency else "",
                     t.lead_unit.name, "、".join(u.name for u in t.co_units.all()), t.leader_name, t.limit_workdays,
                     _d(t.assigned_at), _d(t.due_at), t.get_state_display(), t.get_colour_display(), t.yellow_count, t.red_count,
                     t.returned_count, t.extended_count, "" if t.on_time is None else ("是" if t.on_time else "否")])
    columns = ["督办编号", "督查事项", "来源", "来源文号", "缓急", "牵头单位", "配合单位", "责任领导", "办理时限（工作日）",
               "交办日期", "办结时限", "状态", "督办等级", "黄色催办（次）", "红色督办（次）", "退回重办（次）", "延期（次）", "按期办结"]
    return xlsx_response(name, [Table("督办事项", columns, rows)])


def _d(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else ""


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring(request) -> str:
    return urlencode({k: v for k, v in request.GET.items() if k not in ("page", "export") and v})


SUMMARY_SECONDS = 60


def board_summary(user, base) -> dict:
    """The board's figures (counts by state and colour, by source, by lead unit with the burden meter,
    the sources not yet tasks): scans of the year's tasks, so kept for a minute per scope and language
    (the rows below them are always live)."""
    person = person_of(user)
    key = (f"supervision:board:{services.version()}:{get_language()}:{_today().isoformat()}:"
           f"{'su' if user.is_superuser else scope_root(person).pk if person else 'none'}:{person.role if person else ''}")
    found = cache.get(key)
    if found is not None:
        return found
    year = _today().year
    this_year = base.filter(year=year)
    now = timezone.now()
    counts = this_year.aggregate(
        total=Count("pk"), closed=Count("pk", filter=Q(state=TaskState.CLOSED)),
        open=Count("pk", filter=Q(state__in=OPEN_STATES)), reported=Count("pk", filter=Q(state=TaskState.REPORTED)),
        blue=Count("pk", filter=Q(colour=Colour.BLUE, state__in=OPEN_STATES)),
        yellow=Count("pk", filter=Q(colour=Colour.YELLOW, state__in=OPEN_STATES)),
        red=Count("pk", filter=Q(colour=Colour.RED, state__in=OPEN_STATES)),
        overdue=Count("pk", filter=Q(state__in=OPEN_STATES, due_at__lt=now)),
        # by source in the same pass over the year (one scan instead of a second GROUP BY)
        **{f"source_{value}": Count("pk", filter=Q(source_kind=value)) for value in SourceKind.values})
    start, end = _week(_today())
    counts["week"] = base.filter(state__in=OPEN_STATES, due_at__gte=start, due_at__lt=end).count()
    sources = [(value, str(label), counts.pop(f"source_{value}")) for value, label in SourceKind.choices]
    by_unit = list(this_year.filter(state__in=OPEN_STATES).values("lead_unit__code", "lead_unit__name", "lead_unit_id")
                   .annotate(n=Count("pk"), red=Count("pk", filter=Q(colour=Colour.RED)),
                             yellow=Count("pk", filter=Q(colour=Colour.YELLOW))).order_by("-red", "-yellow", "-n")[:15])
    today = _today()
    load = services.burden(today.year, today.month, [u["lead_unit_id"] for u in by_unit])
    ceiling = config.get("report_ceiling")
    for u in by_unit:
        u["burden"] = load.get(u["lead_unit_id"], 0)
        u["over"] = u["burden"] >= ceiling
    found = {"counts": counts, "sources": sources, "by_unit": by_unit, "ceiling": ceiling, "candidates": _candidates(user)}
    cache.set(key, found, SUMMARY_SECONDS)
    return found


@login_required
def board(request):
    """督查室 board: by source, lead unit, colour, due this week; counts by colour; the burden meter."""
    require(request.user, "supervision.board")
    base = visible_tasks(request.user)
    qs, f = _filtered(request, base)
    if request.GET.get("export") == "xlsx":
        return _export(f"督办事项-{_today():%Y%m%d}", qs.order_by("due_at", "pk"))
    summary = board_summary(request.user, base)
    counts, sources, by_unit, ceiling = summary["counts"], summary["sources"], summary["by_unit"], summary["ceiling"]
    page = _page(request, qs.select_related("lead_unit").order_by("due_at", "pk"))
    rows = tables.task_rows(page.object_list)
    candidates = summary["candidates"] if request.GET.get("page") in (None, "", "1") else []
    return render(request, "supervision/board.html", {
        "rows": rows, "candidates": candidates,
        "nav_active": "supervision", "counts": counts, "sources": sources, "by_unit": by_unit, "page": page, "f": f,
        "colours": Colour.choices, "states": TaskState.choices, "querystring": _querystring(request), "ceiling": ceiling,
        "can_manage": check(request.user, "supervision.manage", scope_root(person_of(request.user))) if person_of(request.user) else request.user.is_superuser,
        "now": timezone.now(),
    })


def _candidates(user, limit: int = 8) -> list[dict]:
    """待立项: yellow flags, escalated project problems and red projects the user sees that have no task yet."""
    from kaohe.projects.models import Problem, ProblemStatus, Project  # noqa: PLC0415
    from kaohe.results.models import Flag, FlagKind  # noqa: PLC0415

    out = []
    sources = [
        ("results.flag", Flag.objects.visible_to(user).filter(kind=FlagKind.YELLOW).order_by("-year", "-month", "unit_code")),
        ("projects.problem", Problem.objects.visible_to(user).filter(status=ProblemStatus.OPEN, escalation__gte=1)
         .select_related("project").order_by("-escalated_at")),
        ("projects.project", Project.objects.visible_to(user).filter(is_active=True, warning_level="red").order_by("code")),
    ]
    for label, qs in sources:
        app, model = label.split(".")
        ct = ContentType.objects.get_by_natural_key(app, model)
        taken = Task.objects.filter(source_type=ct).values_list("source_id", flat=True)
        origin = origins.get(label)
        for obj in qs.exclude(pk__in=taken)[:limit]:
            out.append({"spec": f"{label}:{obj.pk}", "kind": origin.label, "text": origin.describe(obj), "link": origin.link(obj)})
    return out


@require_POST
@login_required
def quick_create(request):
    """一键督办 from a flag, a problem, a project or a warning: title, lead unit, source and deadline by
    source filled in, assigned at once; back to the task (which links back to its source)."""
    source = _source_object(request.POST.get("source", ""))
    if source is None or not is_visible(request.user, source):
        raise Http404("no such source")
    if not services.can_supervise(request.user, source):
        raise Http404("not an office, or not a source supervision knows")
    found = services.task_for(source)
    if found is None:
        warning = services.burden_warning(services.lead_of(source))
        if warning:  # at the ceiling: the form, where the office confirms (仍要交办) or changes the demand
            messages.warning(request, warning)
            return redirect(f"{reverse('supervision:new')}?{urlencode({'source': request.POST.get('source', '')})}")
    task = services.supervise(source, user=request.user)
    if found is None:
        messages.success(request, _("已立项并交办：%(n)s") % {"n": task.number})
    else:
        messages.info(request, _("该事项已立项督办：%(n)s") % {"n": task.number})
    return redirect("supervision:task", task.pk)


def _own_burden(person) -> dict | None:
    """基层减负: how often the unit was asked this month (交办 + progress demands), against the ceiling."""
    if person is None:
        return None
    today = _today()
    return {"count": services.burden(today.year, today.month, [person.unit_id]).get(person.unit_id, 0),
            "ceiling": config.get("report_ceiling"), "unit": person.unit.name}


#: Rows per inbox list (the earliest due first), and with 查看全部 (``?more=1``).
INBOX_ROWS, INBOX_MORE = 30, 500
INBOX_FIELDS = ("id", "year", "seq", "title", "state", "colour", "progress", "sign_due_at", "due_at", "reported_at",
                "lead_unit__name", "lead_unit__id")


def _my_units(person) -> set[int]:
    if person is None:
        return set()
    return {person.unit_id} if person.role in (Role.OFFICE, Role.LEADER) else subtree_ids(person.unit_id)


@login_required
def inbox(request):
    """Each unit's inbox: to sign, in hand (report, extension, 办结), waiting for review; the office's
    queue of reports to check and extensions to decide."""
    require(request.user, "supervision.inbox")
    person = person_of(request.user)
    units = _my_units(person)
    limit = INBOX_MORE if request.GET.get("more") else INBOX_ROWS
    # the unit's own tasks (always within its scope): the three lists in ONE query — the first ``limit``
    # of each state in its own order, with each state's total (window functions over the lead index)
    key = Case(When(state=TaskState.ASSIGNED, then=F("sign_due_at")), When(state=TaskState.IN_PROGRESS, then=F("due_at")),
               default=F("reported_at"))
    lists: dict[str, list[Task]] = {TaskState.ASSIGNED: [], TaskState.IN_PROGRESS: [], TaskState.REPORTED: []}
    totals = dict.fromkeys(lists, 0)
    rows = (Task.objects.filter(lead_unit_id__in=units, state__in=list(lists)).select_related("lead_unit").only(*INBOX_FIELDS)
            .annotate(rank=Window(RowNumber(), partition_by=[F("state")], order_by=[key.asc(), F("pk").asc()]),
                      total=Window(Count("pk"), partition_by=[F("state")]))
            .filter(rank__lte=limit).order_by("state", "rank"))
    for t in rows:
        lists[t.state].append(t)
        totals[t.state] = t.total
    to_sign = tables.sign_rows(lists[TaskState.ASSIGNED], get_token(request))
    in_hand = tables.task_rows(lists[TaskState.IN_PROGRESS], columns=("light", "numbered_title", "lead", "due", "progress"),
                               empty=_("没有办理中的事项"))
    waiting = tables.task_rows(lists[TaskState.REPORTED], columns=("numbered_title", "lead", "due"), empty=_("没有等待审核的事项"))
    co = (Task.objects.filter(state__in=OPEN_STATES, pk__in=Task.co_units.through.objects.filter(orgunit_id__in=units).values("task_id"))
          .exclude(lead_unit_id__in=units))
    co_rows = list(co.select_related("lead_unit").only(*INBOX_FIELDS).annotate(total=Window(Count("pk"))).order_by("due_at", "pk")[:limit])
    co_handled = tables.task_rows(co_rows, columns=("light", "numbered_title", "lead", "due"), empty=_("没有配合办理的事项"))
    shown = {"to_sign": (len(lists[TaskState.ASSIGNED]), totals[TaskState.ASSIGNED]),
             "in_hand": (len(lists[TaskState.IN_PROGRESS]), totals[TaskState.IN_PROGRESS]),
             "waiting": (len(lists[TaskState.REPORTED]), totals[TaskState.REPORTED]),
             "co_handled": (len(co_rows), co_rows[0].total if co_rows else 0)}
    review = extensions = []
    if person is not None and person.role == Role.OFFICE or request.user.is_superuser:
        managed = Task.objects.filter(office_unit_id__in=scope_unit_ids(person)) if person else Task.objects.all()
        review = managed.filter(state=TaskState.REPORTED).select_related("lead_unit").order_by("reported_at")[:100]
        extensions = (Extension.objects.filter(task__in=managed, status=ExtensionStatus.PENDING)
                      .select_related("task", "task__lead_unit").order_by("asked_at")[:100])
    return render(request, "supervision/inbox.html", {
        "nav_active": "supervision", "to_sign": to_sign, "in_hand": in_hand, "co_handled": co_handled,
        "perms_board": check(request.user, "supervision.board"), "waiting": waiting, "review": review,
        "extensions": extensions, "now": timezone.now(), "shown": shown, "more": limit == INBOX_MORE,
        "truncated": any(n < total for n, total in shown.values()), "rows": INBOX_ROWS, "burden": _own_burden(person),
    })


class TaskForm(forms.Form):
    title = forms.CharField(label="督查事项", max_length=300)
    content = forms.CharField(label="工作要求", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    source_kind = forms.ChoiceField(label="来源", choices=SourceKind.choices, initial=SourceKind.MEETING)
    urgency = forms.ChoiceField(label="缓急（领导批示）", choices=[("", "—"), *Urgency.choices], required=False)
    source_ref = forms.CharField(label="来源文号/出处", max_length=200, required=False)
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=OrgUnit.objects.none())
    co_units = forms.ModelMultipleChoiceField(label="配合单位", queryset=OrgUnit.objects.none(), required=False,
                                              widget=forms.SelectMultiple(attrs={"size": 4}))
    leader_name = forms.CharField(label="责任领导", max_length=50, required=False)
    limit_workdays = forms.IntegerField(label="办理时限（工作日，留空按来源默认）", min_value=1, max_value=MAX_LIMIT_WORKDAYS, required=False)
    cadence = forms.ChoiceField(label="进展报送频次", choices=Cadence.choices, required=False)
    assign = forms.BooleanField(label="立即交办", required=False, initial=True)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units


def _source_object(spec: str):
    """``projects.problem:12`` → the object (or None)."""
    return services.source_from_spec(spec)


@login_required
def new_task(request):
    """立项 (by hand, or one click from a project, problem, warning or flag: ``?source=app.model:id``)."""
    person = person_of(request.user)
    root = scope_root(person) if person else OrgUnit.objects.filter(parent__isnull=True).first()
    require(request.user, "supervision.manage", root)  # the module is everyone's (督办 inbox): 403, not 404
    units = OrgUnit.objects.filter(pk__in=scope_unit_ids(person) if person else OrgUnit.objects.values("pk"), is_active=True).order_by("sort_order", "code")
    source = _source_object(request.GET.get("source", "")) if request.GET.get("source") else None
    if request.GET.get("source") and (source is None or not is_visible(request.user, source)):
        raise Http404("no such source")
    if source is not None:
        found = services.task_for(source)
        if found is not None:
            messages.info(request, _("该事项已立项督办：%(n)s") % {"n": found.number})
            return redirect("supervision:task", found.pk)
    initial = {}
    label = f"{source._meta.app_label}.{source._meta.model_name}" if source is not None else ""
    if source is not None:
        origin = origins.get(label)
        initial = {"title": origin.describe(source) if origin else str(source), "source_kind": services.KIND_OF.get(label, SourceKind.MANUAL),
                   "lead_unit": services.lead_of(source)}
    form = TaskForm(request.POST or None, units=units, initial=initial)
    warning = ""
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        warning = services.burden_warning(d["lead_unit"])
        if warning and not request.POST.get("confirm_burden"):
            messages.warning(request, warning)
        else:
            try:
                task = services.create_task(d["source_kind"], source, title=d["title"], content=d["content"], lead_unit=d["lead_unit"],
                                            co_units=d["co_units"], leader_name=d["leader_name"], urgency=d["urgency"],
                                            source_ref=d["source_ref"], limit_workdays=d["limit_workdays"], cadence=d["cadence"] or "",
                                            office_unit=root, user=request.user, assign=d["assign"])
            except services.SupervisionError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("已立项：%(n)s") % {"n": task.number})
                return redirect("supervision:task", task.pk)
    limits = config.get("limits")
    return render(request, "supervision/new.html", {"nav_active": "supervision", "form": form, "source": source, "warning": warning,
                                                    "limits": limits})


def _can(request, rule: str, task) -> bool:
    return check(request.user, rule, task)


@login_required
def task_page(request, pk: int):
    task = get_visible_or_404(request.user, Task.objects.select_related("lead_unit", "office_unit", "leader"), pk=pk)
    require(request.user, "supervision.view", task)
    events = list(task.events.select_related("by", "unit", "document").order_by("at", "id"))
    clock = services.task_clock(task) if task.assigned_at else None
    source, origin = services.source_of(task)
    manage = _can(request, "supervision.manage", task)
    handle = _can(request, "supervision.handle", task)
    report = _can(request, "supervision.report", task)
    pending = task.extensions.filter(status=ExtensionStatus.PENDING).first()
    return render(request, "supervision/task.html", {
        "nav_active": "supervision", "task": task, "events": events, "clock": clock, "co_units": task.co_units.all(),
        "milestones": task.milestones.all(), "documents": task.documents.order_by("issued_at", "id"),
        "extensions": task.extensions.all(), "pending": pending, "source": source, "origin": origin,
        "source_link": origin.link(source) if source is not None and origin else "",
        "source_text": origin.describe(source) if source is not None and origin else "",
        "can_manage": manage, "can_handle": handle, "can_report": report,
        "prefill": services.prefill(task) if report and task.state == TaskState.IN_PROGRESS else "",
        "checklist": services.CHECKLIST, "history": changes_under(task)[:50], "now": timezone.now(),
    })


def _act(request, pk: int, rule: str):
    task = get_visible_or_404(request.user, Task.objects.select_related("lead_unit", "office_unit"), pk=pk)
    require(request.user, rule, task)
    return task


def _done(request, task, fn, ok: str):
    try:
        fn()
    except services.SupervisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, ok)
    return redirect("supervision:task", task.pk)


@require_POST
@login_required
def assign(request, pk: int):
    task = _act(request, pk, "supervision.manage")
    return _done(request, task, lambda: services.assign_task(task, user=request.user), _("已交办，交办单已生成"))


@require_POST
@login_required
def sign(request, pk: int):
    task = _act(request, pk, "supervision.handle")
    return _done(request, task, lambda: services.sign_task(task, user=request.user), _("已签收"))


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return -1


@require_POST
@login_required
def progress(request, pk: int):
    task = _act(request, pk, "supervision.report")
    return _done(request, task, lambda: services.report_progress(task, request.POST.get("text", ""), percent=_int(request.POST.get("percent")),
                                                               user=request.user), _("进展已报送"))


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@require_POST
@login_required
def extend(request, pk: int):
    task = _act(request, pk, "supervision.handle")
    day = _date(request.POST.get("proposed_on"))
    if day is None:
        messages.error(request, _("请选择申请延至的日期"))
        return redirect("supervision:task", task.pk)
    return _done(request, task, lambda: services.request_extension(task, request.POST.get("reason", ""), day, user=request.user),
                 _("延期申请已提交"))


@require_POST
@login_required
def decide(request, pk: int):
    ext = get_object_or_404(Extension.objects.select_related("task"), pk=pk)
    task = _act(request, ext.task_id, "supervision.manage")
    approve = request.POST.get("action") == "approve"
    return _done(request, task, lambda: services.decide_extension(ext, approve=approve, reason=request.POST.get("reason", ""),
                                                                on=_date(request.POST.get("on")), user=request.user),
                 _("已同意延期") if approve else _("已不同意延期"))


@require_POST
@login_required
def finish(request, pk: int):
    task = _act(request, pk, "supervision.handle")
    return _done(request, task, lambda: services.submit_report(task, request.POST.get("text", ""), user=request.user), _("办结报告已报送"))


@require_POST
@login_required
def review(request, pk: int):
    task = _act(request, pk, "supervision.manage")
    accept = request.POST.get("action") == "close"
    return _done(request, task, lambda: services.review_task(task, accept=accept, reason=request.POST.get("reason", ""),
                                                           checks=request.POST.getlist("checks"), user=request.user),
                 _("已销号") if accept else _("已退回重办"))


@require_POST
@login_required
def reopen(request, pk: int):
    task = _act(request, pk, "supervision.manage")
    return _done(request, task, lambda: services.reopen_task(task, request.POST.get("reason", ""), user=request.user), _("已回头看重启"))


@require_POST
@login_required
def milestone_done(request, pk: int):
    milestone = get_object_or_404(TaskMilestone, pk=pk)
    task = _act(request, milestone.task_id, "supervision.report")
    return _done(request, task, lambda: services.complete_milestone(milestone, user=request.user), _("节点已完成"))


def visible_document(user, pk: int) -> TaskDocument:
    """A stored document (交办单、催办单、督办函 …) for whoever sees it: its task, or (a document
    of no task) its issuer or addressee; any other is 404. The page and the API ask here."""
    doc = get_object_or_404(TaskDocument.objects.select_related("task"), pk=pk)
    if doc.task_id is not None:
        get_visible_or_404(user, Task, pk=doc.task_id)
    else:
        get_visible_or_404(user, TaskDocument, pk=doc.pk)
    return doc


@login_required
def document(request, pk: int):
    """A stored document (.docx), for whoever sees it (its task, or its issuer/addressee)."""
    doc = visible_document(request.user, pk)
    if request.GET.get("format") == "pdf":
        from kaohe.supervision.bulletins import pdf_of  # noqa: PLC0415

        data = pdf_of(documents.file_of(doc))
        if data is None:
            raise Http404("PDF conversion unavailable")
        return attachment(data, f"{doc.number}{doc.title}.pdf", "application/pdf")
    return attachment(documents.file_of(doc), f"{doc.number}{doc.title}.docx", DOCX_TYPE)


@login_required
def document_list(request):
    require(request.user, "supervision.board")
    docs = TaskDocument.objects.visible_to(request.user).select_related("task", "issuer", "addressee").defer("docx", "content")
    kind = request.GET.get("kind", "")
    if kind:
        docs = docs.filter(kind=kind)
    return render(request, "supervision/documents.html", {"nav_active": "supervision", "page": _page(request, docs.order_by("-issued_at", "-id")),
                                                          "kind": kind, "querystring": _querystring(request)})


@login_required
def overview(request):
    """领导 overview: the year in figures, the red list, and the tasks the leader answers for."""
    require(request.user, "supervision.board")
    person = person_of(request.user)
    tasks = visible_tasks(request.user).filter(year=_today().year)
    by_unit = list(tasks.values("lead_unit__name").annotate(
        total=Count("pk"), closed=Count("pk", filter=Q(state=TaskState.CLOSED)),
        ontime=Count("pk", filter=Q(on_time=True)), red=Count("pk", filter=Q(colour=Colour.RED)),
        yellow=Count("pk", filter=Q(colour=Colour.YELLOW)), open=Count("pk", filter=Q(state__in=OPEN_STATES)))
        .order_by("-red", "-yellow", "lead_unit__name")[:30])
    for u in by_unit:
        u["rate"] = int(round_half_up(u["ontime"] / u["closed"] * 100, 0)) if u["closed"] else None  # 四舍五入: 1/8 → 13%
    reds = tasks.filter(colour=Colour.RED, state__in=OPEN_STATES).select_related("lead_unit").order_by("due_at")[:30]
    mine = tasks.filter(leader=person).select_related("lead_unit").order_by("state", "due_at")[:50] if person else []
    return render(request, "supervision/overview.html", {"nav_active": "supervision", "by_unit": by_unit, "reds": reds, "mine": mine})


@login_required
def import_tasks(request):
    person = person_of(request.user)
    root = scope_root(person) if person else None
    if not request.user.is_superuser:
        require(request.user, "supervision.manage", root)
    errors = []
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        try:
            made = imports.import_tasks(upload.name, upload.read(), user=request.user,
                                        source_ref=request.POST.get("source_ref", ""), assign=bool(request.POST.get("assign")))
        except TabularError as exc:
            errors = exc.texts()
        else:
            messages.success(request, _("已导入%(n)s项督办事项") % {"n": len(made)})
            return redirect("supervision:board")
    if request.GET.get("template"):
        return xlsx_response("督办事项导入模板", [Table("督办事项", imports.TEMPLATE_HEADERS, [
            ["加快推进城东片区改造", "C-A", "C-TJJ", "张三", "会议纪要", "", "第12次常务会议纪要", 20, "6月底前完成征收", "每周"]])])
    return render(request, "supervision/import.html", {"nav_active": "supervision", "errors": errors, "headers": imports.TEMPLATE_HEADERS})


# ---- bulletins -------------------------------------------------------------------------------


@login_required
def bulletin(request):
    """督查情况通报: pick a period, get the draft from the data, edit it, issue it (.docx + PDF)."""
    person = person_of(request.user)
    root = scope_root(person) if person else OrgUnit.objects.filter(parent__isnull=True).first()
    require(request.user, "supervision.board")
    period = request.POST.get("period") or request.GET.get("period") or f"{_today():%Y-%m}"
    try:
        draft = bulletins.draft(root, period, user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        draft = None
    if request.method == "POST" and draft is not None:
        require(request.user, "supervision.manage", root)  # a leader reads the draft, the office issues it
        title = request.POST.get("title") or draft.title
        body = request.POST.get("body") or draft.body
        item = bulletins.issue(root, period, title, body, user=request.user)
        messages.success(request, _("通报已印发：%(n)s") % {"n": item.issued.number})
        return redirect("supervision:bulletin_list")
    return render(request, "supervision/bulletin.html", {"nav_active": "supervision", "draft": draft, "period": period,
                                                          "can_issue": root is not None and check(request.user, "supervision.manage", root)})


@login_required
def bulletin_list(request):
    require(request.user, "supervision.board")
    items = Bulletin.objects.visible_to(request.user).select_related("document", "issued").order_by("-created_at")[:100]
    return render(request, "supervision/bulletins.html", {"nav_active": "supervision", "items": items})
