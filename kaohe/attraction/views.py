"""Pages of investment attraction: the list and the pipeline kanban, a project's page (milestones,
evaluation, credits), the unit's attraction board, the events calendar, and their actions.

Views stay thin: permission via ``require``/``check``, changes via ``services``; out of scope is
404 (``get_visible_or_404``), in scope but not allowed is 403.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaohe.attraction import figures, services
from kaohe.attraction.evaluation import EvaluationError, metrics
from kaohe.attraction.models import (
    AttractionProject,
    Checklist,
    ConfirmLevel,
    Credit,
    CreditRole,
    Decision,
    Event,
    EventKind,
    EventStatus,
    ExclusionRule,
    Industry,
    ItemKind,
    LeadSource,
    Milestone,
    ProjectStatus,
    SizeBand,
    Stage,
    TargetBundle,
)
from kaohe.attraction.recognition import HOLDS
from kaohe.audit.services import changes_under
from kaohe.lib.files import DOCUMENT_TYPES, download
from kaohe.orgs.models import OrgUnit, UnitKind
from kaohe.orgs.permissions import check, person_of, require, scope_root, scope_unit_ids
from kaohe.orgs.scope import get_visible_or_404, subtree_ids

PAGE_SIZE = 50
UNIT_KINDS = [UnitKind.DISTRICT, UnitKind.NEW_AREA, UnitKind.DEV_ZONE, UnitKind.HIGH_TECH_PARK, UnitKind.TOWN,
              UnitKind.STREET]


def visible_projects(user):
    return AttractionProject.objects.visible_to(user)


def visible_units(user):
    qs = OrgUnit.objects.filter(is_active=True, kind__in=UNIT_KINDS)
    if not user.is_superuser:
        qs = qs.filter(pk__in=scope_unit_ids(person_of(user)))
    return qs.order_by("sort_order", "code")


def recordable_units(user):
    """Units the user may record projects and events for."""
    return [u for u in visible_units(user) if check(user, "attraction.record", u)]


def bands():
    return list(SizeBand.objects.filter(city=None).order_by("min_amount")) or services.ensure_bands()


def _filtered(request, qs):
    g = request.GET
    f = {k: g.get(k, "").strip() for k in ("unit", "stage", "band", "industry", "status", "q", "hold")}
    if f["unit"]:
        unit = OrgUnit.objects.filter(code=f["unit"]).first()
        if unit is not None:
            qs = qs.filter(unit_id__in=subtree_ids(unit))
    if f["stage"] in Stage.values:
        qs = qs.filter(stage=f["stage"])
    band = SizeBand.objects.filter(code=f["band"], city=None).first() if f["band"] else None
    if band is not None:
        qs = qs.filter(amount__gte=band.min_amount)
    if f["industry"]:
        qs = qs.filter(industry__code=f["industry"])
    if f["status"] in ProjectStatus.values:
        qs = qs.filter(status=f["status"])
    if f["hold"] in HOLDS:
        qs = qs.filter(milestones__hold=f["hold"]).distinct()
    if f["q"]:
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(code__icontains=f["q"]) | Q(investor__icontains=f["q"]))
    return qs, f


def _querystring(f: dict) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in f.items() if v})


def _filter_context(request, f):
    return {"filters": f, "querystring": _querystring(f), "units": visible_units(request.user),
            "stages": Stage.choices, "bands": bands(), "industries": Industry.objects.filter(city=None),
            "statuses": ProjectStatus.choices, "holds": [(k, v) for k, v in HOLDS.items() if k != "stage"],
            "can_create": bool(recordable_units(request.user))}


@login_required
def project_list(request):
    """项目清单."""
    require(request.user, "attraction.list")
    qs, f = _filtered(request, visible_projects(request.user))
    totals = qs.aggregate(n=Count("pk"), amount=Sum("amount"))
    page = Paginator(qs.select_related("unit", "industry").order_by("-amount", "code"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "attraction/list.html", {
        "nav_active": "attraction", "page": page, "total": totals["n"], "total_amount": totals["amount"],
        **_filter_context(request, f)})


@login_required
def kanban(request):
    """招商看板: one column per stage, the largest projects first."""
    require(request.user, "attraction.list")
    qs, f = _filtered(request, visible_projects(request.user).filter(status=ProjectStatus.ACTIVE))
    per_stage = {s: (n, a) for s, n, a in qs.order_by().values_list("stage").annotate(n=Count("pk"), a=Sum("amount"))}
    columns = []
    for value, label in Stage.choices:
        n, amount = per_stage.get(value, (0, None))
        columns.append({"stage": value, "name": label, "count": n, "amount": amount,
                        "projects": list(qs.filter(stage=value).select_related("unit").order_by("-amount", "code")[:12])})
    return render(request, "attraction/kanban.html", {"nav_active": "attraction", "columns": columns,
                                                      **_filter_context(request, f)})


# ---- the project page ----------------------------------------------------------------------


class LeadForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("项目名称"), max_length=200)
    investor = forms.CharField(label=gettext_lazy("投资方"), max_length=200)
    investor_origin = forms.CharField(label=gettext_lazy("投资方所在地"), max_length=100, required=False)
    unit = forms.ModelChoiceField(label=gettext_lazy("属地单位"), queryset=OrgUnit.objects.none())
    industry = forms.ModelChoiceField(label=gettext_lazy("产业"), queryset=Industry.objects.none(), required=False)
    chain_link = forms.CharField(label=gettext_lazy("产业链环节"), max_length=50, required=False)
    amount = forms.CharField(label=gettext_lazy("计划总投资（万元）"), max_length=30)
    land_mu = forms.CharField(label=gettext_lazy("用地面积（亩）"), max_length=30, required=False)
    expected_tax = forms.CharField(label=gettext_lazy("达产后年税收（万元）"), max_length=30, required=False)
    source = forms.ChoiceField(label=gettext_lazy("线索来源"), choices=LeadSource.choices)
    source_event = forms.ModelChoiceField(label=gettext_lazy("来源活动"), queryset=Event.objects.none(), required=False)
    team = forms.CharField(label=gettext_lazy("招商小分队"), max_length=100, required=False)
    first_contact_on = forms.DateField(label=gettext_lazy("首谈日期"), widget=forms.DateInput(attrs={"type": "date"}))
    stage = forms.ChoiceField(label=gettext_lazy("当前阶段"), choices=[(Stage.LEAD, Stage.LEAD.label),
                                                                   (Stage.TALKS, Stage.TALKS.label)])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(pk__in=[u.pk for u in recordable_units(user)])
        self.fields["industry"].queryset = Industry.objects.filter(city=None)
        self.fields["source_event"].queryset = Event.objects.visible_to(user).order_by("-planned_on")


class AdvanceForm(forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)
    on = forms.DateField(label=gettext_lazy("节点日期"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.CharField(label=gettext_lazy("佐证"), max_length=300,
                               help_text=gettext_lazy("如合同编号、营业执照、土地成交确认书、施工许可证、入库截图"))
    evidence_file = forms.FileField(label=gettext_lazy("佐证材料"), required=False)


class CreditForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    unit = forms.ModelChoiceField(label=gettext_lazy("所在单位"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=gettext_lazy("角色"), choices=CreditRole.choices)
    share = forms.CharField(label=gettext_lazy("计分比例（%）"), max_length=10, initial="100")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(pk__in=scope_unit_ids(person_of(user))) \
            if not user.is_superuser else OrgUnit.objects.all()


def _evaluation_items(project):
    checklist = services.default_checklist()
    figures_ = metrics(project)
    items = []
    for item in checklist.items.all():
        computed = None
        if item.metric:
            from kaohe.attraction.evaluation import step_points

            computed = step_points(item.points, item.steps, figures_.get(item.metric))
        items.append({"item": item, "computed": computed, "value": figures_.get(item.metric) if item.metric else None})
    return checklist, items


@login_required
def project_detail(request, pk: int):
    project = get_visible_or_404(request.user, AttractionProject.objects.select_related(
        "unit", "industry", "source_event", "exclusion", "major_project"), pk=pk)
    require(request.user, "attraction.view", project)
    milestones = {m.stage: m for m in project.milestones.select_related("confirmed_by", "recorded_by")}
    can_record = check(request.user, "attraction.record", project)
    can_confirm = check(request.user, "attraction.confirm", project)
    timeline = []
    for value, label in Stage.choices:
        m = milestones.get(value)
        timeline.append({"stage": value, "name": label, "m": m, "hold": HOLDS.get(m.hold, "") if m else ""})
    nxt = services.next_stage(project) if project.status == ProjectStatus.ACTIVE else None
    checklist, items = _evaluation_items(project)
    evaluations = list(project.evaluations.select_related("decided_by"))
    item_names = {i["item"].code: i["item"].name for i in items}
    for e in evaluations:
        e.rows = [(item_names.get(k, k), v) for k, v in e.scores.items()]
        e.veto_names = [item_names.get(k, k) for k in e.vetoes]
    can_credits = check(request.user, "attraction.credits")
    return render(request, "attraction/detail.html", {
        "nav_active": "attraction", "project": project, "timeline": timeline, "next_stage": nxt,
        "next_label": Stage(nxt).label if nxt else "",
        "advance_form": AdvanceForm(initial={"stage": nxt, "on": services.today()}) if nxt else None,
        "needs_evaluation": nxt == Stage.SIGNED and services.admitting_evaluation(project) is None,
        "checklist": checklist, "items": items, "evaluations": evaluations, "decisions": Decision.choices,
        "credits": project.credits.select_related("unit") if can_credits else None,
        "credit_form": CreditForm(user=request.user) if can_record and can_credits else None,
        "can_record": can_record, "can_confirm": can_confirm, "confirm_levels": ConfirmLevel.choices,
        "exclusions": ExclusionRule.objects.filter(city=None), "metrics": metrics(project),
        "history": changes_under(project).order_by("-at", "-id")[:50] if check(request.user, "attraction.credits") else None,
        "today": services.today(),
    })


@login_required
def new_project(request):
    require(request.user, "attraction.list")
    if not recordable_units(request.user):
        require(request.user, "attraction.record", None)  # 403: may record for no unit
    form = LeadForm(request.POST or None, user=request.user, initial={"first_contact_on": services.today()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        stage = data.pop("stage")
        require(request.user, "attraction.record", data["unit"])
        for key in ("land_mu", "expected_tax"):
            if not data[key]:
                data[key] = None
        try:
            with transaction.atomic():
                project = services.create_project(data, user=request.user)
                if stage == Stage.TALKS:
                    services.advance(project, Stage.TALKS, on=data["first_contact_on"], evidence=_("首谈"),
                                     user=request.user)
        except services.AttractionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已登记项目“%(name)s”") % {"name": project.name})
            return redirect("attraction:detail", pk=project.pk)
    return render(request, "attraction/new.html", {"nav_active": "attraction", "form": form})


def _project_for(request, pk, rule):
    project = get_visible_or_404(request.user, AttractionProject, pk=pk)
    require(request.user, rule, project)
    return project


def _done(request, pk, fn, success):
    try:
        fn()
    except (services.AttractionError, EvaluationError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("attraction:detail", pk=pk)


@login_required
@require_POST
def advance(request, pk: int):
    project = _project_for(request, pk, "attraction.record")
    form = AdvanceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items()))
        return redirect("attraction:detail", pk=pk)
    d = form.cleaned_data
    return _done(request, pk, lambda: services.advance(project, d["stage"], on=d["on"], evidence=d["evidence"],
                                                       evidence_file=d["evidence_file"], user=request.user),
                 _("已登记节点“%(stage)s”") % {"stage": Stage(d["stage"]).label})


@login_required
@require_POST
def evaluate(request, pk: int):
    project = _project_for(request, pk, "attraction.record")
    checklist = Checklist.objects.get(pk=request.POST.get("checklist")) if request.POST.get("checklist", "").isdigit() \
        else services.default_checklist()
    scores = {i.code: request.POST.get(f"score_{i.code}", "") for i in checklist.items.filter(kind=ItemKind.SCORED)}
    vetoes = [i.code for i in checklist.items.filter(kind=ItemKind.VETO) if request.POST.get(f"veto_{i.code}")]
    try:
        decided_on = dt.date.fromisoformat(request.POST.get("decided_on", ""))
    except ValueError:
        messages.error(request, _("请填写决策日期"))
        return redirect("attraction:detail", pk=pk)
    return _done(request, pk, lambda: services.evaluate(
        project, checklist=checklist, scores=scores, vetoes=vetoes, decision=request.POST.get("decision", ""),
        decider=request.POST.get("decider", ""), decided_on=decided_on, conditions=request.POST.get("conditions", ""),
        user=request.user), _("已记录准入评估"))


@login_required
@require_POST
def add_credit(request, pk: int):
    project = _project_for(request, pk, "attraction.record")
    require(request.user, "attraction.credits")
    form = CreditForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items()))
        return redirect("attraction:detail", pk=pk)
    d = form.cleaned_data
    return _done(request, pk, lambda: services.add_credit(project, name=d["name"], unit=d["unit"], role=d["role"],
                                                          share=d["share"], user=request.user), _("已计入招商实绩"))


@login_required
@require_POST
def drop(request, pk: int):
    project = _project_for(request, pk, "attraction.record")
    return _done(request, pk, lambda: services.drop(project, reason=request.POST.get("reason", ""), user=request.user),
                 _("项目已终止"))


@login_required
@require_POST
def exclude(request, pk: int):
    project = _project_for(request, pk, "attraction.confirm")
    code = request.POST.get("exclusion", "")
    rule = ExclusionRule.objects.filter(city=None, code=code).first() if code else None
    return _done(request, pk, lambda: services.set_exclusion(project, rule, reason=request.POST.get("reason", ""),
                                                             user=request.user),
                 _("已设为不予认定") if rule else _("已恢复认定"))


def _milestone_for(request, pk):
    milestone = get_visible_or_404(request.user, Milestone.objects.select_related("project"), pk=pk)
    require(request.user, "attraction.confirm", milestone.project)
    return milestone


@login_required
@require_POST
def confirm(request, pk: int):
    m = _milestone_for(request, pk)
    return _done(request, m.project_id, lambda: services.confirm(m, user=request.user,
                                                                 level=request.POST.get("level", ConfirmLevel.DISTRICT)),
                 _("已认定“%(stage)s”") % {"stage": m.get_stage_display()})


@login_required
@require_POST
def clear_rush(request, pk: int):
    m = _milestone_for(request, pk)
    return _done(request, m.project_id, lambda: services.clear_rush(m, user=request.user,
                                                                    reason=request.POST.get("reason", "")),
                 _("已核实，计入实绩"))


# ---- the unit's board ----------------------------------------------------------------------


@login_required
def unit_board(request, code: str):
    """单位招商看板: figures, stages, bands, bundles against 序时进度, events, people credited."""
    unit = get_visible_or_404(request.user, OrgUnit, code=code)
    require(request.user, "orgs.view_unit", unit)
    day = services.today()
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else day.year
    as_of = min(day, dt.date(year, 12, 31))
    values = figures.compute({unit.code: unit.pk}, year, as_of)
    rows = [{"code": c, "name": name, "unit": uom, "value": values.get((unit.code, c))}
            for c, (name, uom) in figures.INDICATORS.items()]
    tree = subtree_ids(unit)
    qs = visible_projects(request.user).filter(unit_id__in=tree)
    stages = figures.stage_counts(qs.filter(status=ProjectStatus.ACTIVE))
    band_rows = []
    signed_this_year = qs.filter(milestones__stage=Stage.SIGNED, milestones__counted=True,
                                 milestones__on__year=year, milestones__on__lte=as_of)
    for band in bands():
        band_rows.append({"band": band, "count": signed_this_year.filter(amount__gte=band.min_amount).count()})
    bundles = [{"bundle": b, "rows": figures.bundle_progress(b, as_of)}
               for b in TargetBundle.objects.visible_to(request.user).filter(unit=unit, year=year)]
    held = dict(Event.objects.filter(unit_id__in=tree, year=year, status=EventStatus.HELD, held_on__lte=as_of)
                .values_list("kind").annotate(n=Count("pk")))
    planned = dict(Event.objects.filter(unit_id__in=tree, year=year).exclude(status=EventStatus.CANCELLED)
                   .values_list("kind").annotate(n=Count("pk")))
    targets = {k: t for k, t in unit_targets(unit, year).items()}
    event_rows = [{"kind": label, "held": held.get(k, 0), "planned": planned.get(k, 0), "target": targets.get(k)}
                  for k, label in EventKind.choices]
    credits = None
    if check(request.user, "attraction.credits"):
        credits = (Credit.objects.filter(project__unit_id__in=tree, project__milestones__stage=Stage.SIGNED,
                                         project__milestones__counted=True, project__milestones__on__year=year)
                   .values("name", "unit__name").annotate(n=Count("project", distinct=True), amount=Sum("project__amount"))
                   .order_by("-n", "-amount")[:20])
    held_back = Milestone.objects.visible_to(request.user).filter(
        project__unit_id__in=tree, hold__in=["unconfirmed", "rush"]).select_related("project").order_by("on")[:30]
    return render(request, "attraction/board.html", {
        "nav_active": "attraction", "unit": unit, "year": year, "as_of": as_of, "figures": rows,
        "stages": [(label, stages.get(v, 0)) for v, label in Stage.choices], "band_rows": band_rows,
        "bundles": bundles, "event_rows": event_rows, "credits": credits, "held_back": held_back, "holds": HOLDS,
        "years": [day.year - 1, day.year], "quarter": bulletin_quarter(as_of, year),
        "can_bulletin": check(request.user, "attraction.credits"),
        "can_draft": check(request.user, "documents.draft", unit) and unit == scope_root(person_of(request.user))})


def bulletin_quarter(as_of: dt.date, year: int) -> int:
    """The last quarter ended by ``as_of`` (the current one in its first year of data)."""
    from kaohe.attraction.bulletin import quarter_end

    if as_of.year > year:
        return 4
    q = (as_of.month - 1) // 3 + 1
    return q if as_of >= quarter_end(year, q) else max(1, q - 1)


def unit_targets(unit, year) -> dict[str, int]:
    from kaohe.attraction import config
    from kaohe.attraction.models import EventTarget

    out = {k: int(v) for k, v in config.get("event_targets").items()}
    out.update(dict(EventTarget.objects.filter(unit=unit, year=year).values_list("kind", "target")))
    return out


# ---- events ----------------------------------------------------------------------------------


class EventForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("活动名称"), max_length=200)
    unit = forms.ModelChoiceField(label=gettext_lazy("主办单位"), queryset=OrgUnit.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=EventKind.choices)
    planned_on = forms.DateField(label=gettext_lazy("计划日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=gettext_lazy("地点"), max_length=100, required=False)
    industry = forms.ModelChoiceField(label=gettext_lazy("产业"), queryset=Industry.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(pk__in=[u.pk for u in recordable_units(user)])
        self.fields["industry"].queryset = Industry.objects.filter(city=None)


@login_required
def events(request):
    """招商活动日历: a month's calendar and the year's events with the leads and signings of each."""
    require(request.user, "attraction.list")
    day = services.today()
    try:
        year = int(request.GET.get("year") or day.year)
        month = int(request.GET.get("month") or day.month)
        first = dt.date(year, month, 1)
    except ValueError:
        year, month, first = day.year, day.month, day.replace(day=1)
    qs = Event.objects.visible_to(request.user).select_related("unit", "industry")
    unit_code = request.GET.get("unit", "").strip()
    if unit_code:
        unit = OrgUnit.objects.filter(code=unit_code).first()
        if unit is not None:
            qs = qs.filter(unit_id__in=subtree_ids(unit))
    year_events = list(qs.filter(year=year).annotate(
        leads=Count("projects", distinct=True),
        signed=Count("projects", filter=Q(projects__signed_on__isnull=False), distinct=True)).order_by("planned_on", "id"))
    by_day: dict[dt.date, list] = {}
    for e in year_events:
        by_day.setdefault(e.held_on or e.planned_on, []).append(e)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([{"day": d, "in_month": d.month == month, "events": by_day.get(d, [])} for d in week])
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    held = {k: sum(1 for e in year_events if e.kind == k and e.status == EventStatus.HELD) for k in EventKind.values}
    planned = {k: sum(1 for e in year_events if e.kind == k and e.status != EventStatus.CANCELLED) for k in EventKind.values}
    return render(request, "attraction/events.html", {
        "nav_active": "attraction", "year": year, "month": month, "weeks": weeks, "events": year_events,
        "prev": prev_month, "next": next_month, "units": visible_units(request.user), "unit_code": unit_code,
        "kinds": [(k, label, held[k], planned[k]) for k, label in EventKind.choices],
        "form": EventForm(user=request.user) if recordable_units(request.user) else None,
        "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        "today": day})


@login_required
@require_POST
def new_event(request):
    form = EventForm(request.POST, user=request.user)
    if not recordable_units(request.user):
        require(request.user, "attraction.record", None)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label}：{' '.join(v)}" if k in form.fields else " ".join(v)
                                         for k, v in form.errors.items()))
        return redirect("attraction:events")
    d = form.cleaned_data
    require(request.user, "attraction.record", d["unit"])
    try:
        event = services.create_event(d, user=request.user)
    except services.AttractionError as exc:
        messages.error(request, str(exc))
        return redirect("attraction:events")
    messages.success(request, _("已登记活动“%(name)s”") % {"name": event.name})
    return redirect(f"{reverse('attraction:events')}?year={event.planned_on.year}&month={event.planned_on.month}")


@login_required
@require_POST
def event_action(request, pk: int, action: str):
    if action not in ("hold", "cancel"):
        raise Http404
    event = get_visible_or_404(request.user, Event, pk=pk)
    require(request.user, "attraction.record", event)
    try:
        if action == "hold":
            services.hold_event(event, held_on=dt.date.fromisoformat(request.POST.get("held_on", "")), user=request.user)
            messages.success(request, _("已登记举办"))
        else:
            services.cancel_event(event, reason=request.POST.get("reason", ""), user=request.user)
            messages.success(request, _("活动已取消"))
    except ValueError as exc:  # AttractionError or a bad date
        messages.error(request, str(exc) if isinstance(exc, services.AttractionError) else _("请填写举办日期"))
    return redirect(f"{reverse('attraction:events')}?year={event.planned_on.year}&month={event.planned_on.month}")


@login_required
def evidence(request, pk: int):
    """佐证材料: a milestone's file, to those who see the project, always as a download."""
    m = get_visible_or_404(request.user, Milestone.objects.select_related("project"), pk=pk)
    require(request.user, "attraction.view", m.project)
    if not m.evidence_file:
        raise Http404("no evidence file")
    name = m.evidence_file.name.rsplit("/", 1)[-1]
    return download(m.evidence_file, name, DOCUMENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream"))
