"""Pages of enterprise service: the specialist's workbench, request list, office board, register,
enterprise page (intake), request page (timeline and actions), FAQ, Excel in and out.

Views stay thin: rules via ``require``/``check`` (out of scope → 404 through ``requests_for``),
changes via ``services``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.audit.services import history_url
from kaohe.enterprise import board as boards
from kaohe.enterprise import config, excel, services
from kaohe.enterprise.models import (
    OPEN_STATUSES,
    Channel,
    Enterprise,
    EnterpriseRequest,
    ExtensionStatus,
    Level,
    RequestAttachment,
    RequestType,
    Satisfaction,
    Status,
    Urgency,
)
from kaohe.enterprise.rules import enterprises_for, requests_for
from kaohe.lib.exports import xlsx_response
from kaohe.lib.files import download
from kaohe.lib.periods import Period as LibPeriod
from kaohe.lib.periods import PeriodKind as LibKind
from kaohe.lib.tabular import TabularError
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import check, person_of, require, scope_root, scope_unit_ids

NAV = "enterprise"
COLOURS = boards.COLOURS


def _visible_request(user, pk: int) -> EnterpriseRequest:
    req = requests_for(user).select_related("enterprise", "enterprise__unit", "enterprise__specialist", "first_unit",
                                            "handler_unit").filter(pk=pk).first()
    if req is None:
        raise Http404("no such request in scope")
    return req


def _visible_enterprise(user, pk: int) -> Enterprise:
    ent = enterprises_for(user).select_related("unit", "specialist").filter(pk=pk).first()
    if ent is None:
        raise Http404("no such enterprise in scope")
    return ent


def _with_clocks(rows, calendar=None):
    """The rows with their resolution clock (``r.clock``), the one the lists show: one query for the
    events of the page, the 签收 and 事不过夜 clocks left to the request page."""
    rows = list(rows)
    clocks = services.clocks_of_many(rows, names=(services.RESOLVE,), calendar=calendar)
    for r in rows:
        r.clock = clocks[r.pk][services.RESOLVE]
    return rows


def _by_ids(ids, calendar=None) -> list[EnterpriseRequest]:
    """The requests of ``ids`` in that order, with their enterprise, units and resolution clock.

    A page is picked by id first (on the narrow indexes: received_at, the open requests' due moment)
    and only its 50 rows are joined; joining every candidate first is what the planner does when it
    misjudges how many match (thousands of overdue requests sorted after the join)."""
    ids = list(ids)
    found = EnterpriseRequest.objects.select_related("enterprise", "first_unit", "handler_unit").in_bulk(ids)
    return _with_clocks([found[pk] for pk in ids if pk in found], calendar)


def _filtered(request, rows):
    f = request.GET
    if f.get("status") == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif f.get("status") in Status.values:
        rows = rows.filter(status=f["status"])
    if f.get("type") in RequestType.values:
        rows = rows.filter(rtype=f["type"])
    if f.get("unit"):
        rows = rows.filter(handler_unit__code=f["unit"]) | rows.filter(first_unit__code=f["unit"])
    if f.get("escalated") == "1":
        rows = rows.filter(escalated_at__isnull=False)
    if f.get("q"):
        rows = rows.filter(title__icontains=f["q"]) | rows.filter(enterprise__name__icontains=f["q"]) | rows.filter(
            number__icontains=f["q"])
    return rows


@login_required
def workbench(request):
    """我的企业与待办: the enterprises the user serves and their open requests; the requests waiting on
    the user's unit (to route as first-contact unit, to sign or answer as handling unit)."""
    require(request.user, "enterprise.list")
    person = person_of(request.user)
    mine = Enterprise.objects.filter(specialist=request.user).select_related("unit")
    open_counts = Counter(EnterpriseRequest.objects.filter(enterprise__in=mine, status__in=OPEN_STATUSES)
                          .values_list("enterprise_id", flat=True))
    served = list(mine.order_by("-is_key", "name")[:200])
    for e in served:
        e.open_count = open_counts.get(e.pk, 0)
    served_open = _with_clocks(EnterpriseRequest.objects.filter(enterprise__in=mine, status__in=(*OPEN_STATUSES, Status.REPLIED))
                               .select_related("enterprise", "handler_unit", "first_unit").order_by("due_at")[:100])
    todo = []
    if person is not None:
        from kaohe.orgs.permissions import subtree_ids

        units = subtree_ids(person.unit_id)
        visible = requests_for(request.user)
        waiting = (visible.filter(status=Status.RECEIVED, first_unit_id__in=units)
                   | visible.filter(status__in=(Status.ASSIGNED, Status.HANDLING), handler_unit_id__in=units)
                   | visible.filter(status=Status.REPLIED, first_unit_id__in=units))
        todo = _with_clocks(waiting.select_related("enterprise", "handler_unit", "first_unit").order_by("due_at")[:100])
    return render(request, "enterprise/workbench.html", {
        "nav_active": NAV, "served": served, "served_open": served_open, "todo": todo,
        "total_served": mine.count(), "can_board": check(request.user, "enterprise.board"),
    })


@login_required
def request_list(request):
    require(request.user, "enterprise.list")
    rows = _filtered(request, requests_for(request.user))
    cal = work_calendar()
    if request.GET.get("clock") in COLOURS:
        # the board's colours (red = past due), over every page: from the stored due moments
        if request.GET.get("status") != "open":  # else _filtered said so already
            rows = rows.filter(status__in=OPEN_STATUSES)
        rows = rows.filter(boards.colour_q(request.GET["clock"], timezone.now(), cal))
    page = Paginator(rows.order_by("-received_at", "-id").values_list("pk", flat=True), 50).get_page(request.GET.get("page"))
    page.object_list = _by_ids(page.object_list, cal)
    return render(request, "enterprise/list.html", {
        "nav_active": NAV, "page": page, "items": page.object_list, "types": RequestType.choices, "statuses": Status.choices,
        "f": request.GET, "query": request.GET.urlencode(),
    })


@login_required
def export_requests(request):
    require(request.user, "enterprise.list")
    rows = _filtered(request, requests_for(request.user)).select_related("enterprise", "first_unit", "handler_unit")
    return xlsx_response(f"企业诉求-{timezone.localdate():%Y%m%d}", [excel.requests_table(rows.order_by("received_at")[:100000])])


@login_required
def board(request):
    """办理看板: open requests by type × colour, by unit × status and colour, and the overdue list.

    The counts are aggregated in the database on the due moments the clocks cache on each request
    (refreshed by every step and the daily sweep): red = past due, yellow = due by the end of
    today's working day, green = the rest. The overdue list shows each request's live clock."""
    require(request.user, "enterprise.board")
    rows = requests_for(request.user)
    if request.GET.get("type") in RequestType.values:
        rows = rows.filter(rtype=request.GET["type"])
    now = timezone.now()
    cal = work_calendar()
    figures = boards.counts(rows, now, cal)
    units = OrgUnit.objects.in_bulk(list(figures.by_unit))
    late = rows.filter(boards.colour_q("red", now, cal), status__in=OPEN_STATUSES)
    overdue = _by_ids(late.order_by("due_at").values_list("pk", flat=True)[:50], cal) if figures.overdue else []
    type_rows = [(label, [figures.by_type[t][c] for c in COLOURS], sum(figures.by_type[t].values()))
                 for t, label in RequestType.choices]
    unit_rows = sorted(((units[pk], [c[s] for s in OPEN_STATUSES], [c[k] for k in COLOURS]) for pk, c in figures.by_unit.items()),
                       key=lambda x: (-x[2][0], x[0].code))
    return render(request, "enterprise/board.html", {
        "nav_active": NAV, "type_rows": type_rows, "unit_rows": unit_rows, "overdue": overdue,
        "overdue_count": figures.overdue,
        # every count column is headed with its unit (件), the status columns as well
        "open_statuses": [_("%(status)s（件）") % {"status": Status(s).label} for s in OPEN_STATUSES],
        "status_counts": [(label, figures.by_status[s]) for s, label in Status.choices],
        "types": RequestType.choices, "f": request.GET, "can_escalate": check(request.user, "enterprise.escalate_any"),
        "can_bulletin": check(request.user, "enterprise.bulletin", _root(request.user)),
        "bulletin_periods": bulletin_periods(timezone.localdate()),
    })


def bulletin_periods(today) -> list[tuple[str, str]]:
    """The periods a bulletin can cover, newest first, as (code, label): the last twelve months,
    the last four quarters and the last year, each named by the one period formatter."""
    month = LibPeriod(LibKind.MONTH, today.year, today.month).previous()
    quarter = LibPeriod(LibKind.QUARTER, today.year, (today.month - 1) // 3 + 1).previous()
    periods = [month.shifted(-i) for i in range(12)] + [quarter.shifted(-i) for i in range(4)]
    periods.append(LibPeriod(LibKind.YEAR, today.year - 1, 1))
    return [(p.code, p.label()) for p in periods]


@login_required
def register(request):
    """企业名录: the enterprises in scope (and those the user serves)."""
    require(request.user, "enterprise.list")
    rows = enterprises_for(request.user).select_related("unit", "specialist")
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(name__icontains=q) | rows.filter(credit_code__icontains=q.upper())
    if request.GET.get("size") in ("above", "below"):
        rows = rows.filter(size=request.GET["size"])
    page = Paginator(rows.order_by("unit__code", "name"), 50).get_page(request.GET.get("page"))
    return render(request, "enterprise/register.html", {
        "nav_active": NAV, "page": page, "f": request.GET, "query": request.GET.urlencode(),
        "can_import": check(request.user, "enterprise.manage", _root(request.user)),
    })


def _root(user):
    return scope_root(person_of(user)) if not user.is_superuser else OrgUnit.objects.filter(parent=None).first()


@login_required
def export_register(request):
    require(request.user, "enterprise.list")
    rows = enterprises_for(request.user).select_related("unit", "specialist").order_by("unit__code", "name")
    return xlsx_response(f"企业名录-{timezone.localdate():%Y%m%d}", [excel.register_table(rows)])


@login_required
def import_register(request):
    root = _root(request.user)
    require(request.user, "enterprise.manage", root)
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("请选择文件")]
        else:
            allowed = None if request.user.is_superuser else scope_unit_ids(person_of(request.user))
            try:
                result = excel.import_register(upload.read(), upload.name or "", allowed_unit_ids=allowed, user=request.user)
            except TabularError as exc:
                errors = exc.texts(get_language())
            else:
                messages.success(request, _("导入成功：新增 %(c)s 家企业，更新 %(u)s 家") % {"c": result["created"], "u": result["updated"]})
                return redirect("enterprise:register")
    return render(request, "enterprise/import.html", {"nav_active": NAV, "errors": errors}, status=400 if errors else 200)


@login_required
def enterprise_detail(request, pk: int):
    ent = _visible_enterprise(request.user, pk)
    reqs = _with_clocks(ent.requests.select_related("first_unit", "handler_unit").order_by("-received_at")[:100])
    can_receive = check(request.user, "enterprise.receive", ent)
    can_manage = check(request.user, "enterprise.manage", ent)
    link = request.build_absolute_uri(f"/enterprise/link/{ent.link_key}/") if (can_manage or ent.specialist_id == request.user.pk) else ""
    return render(request, "enterprise/enterprise.html", {
        "nav_active": NAV, "ent": ent, "reqs": reqs, "can_receive": can_receive, "can_manage": can_manage, "link": link,
        "types": RequestType.choices, "urgencies": Urgency.choices,
        "response_limit": config.response_limit().describe(work_calendar()),
        "history": history_url(ent),
    })


@login_required
@require_POST
def receive(request, pk: int):
    """受理: by the specialist (代办) or the office/window; the receiver's unit becomes the 首问单位."""
    ent = _visible_enterprise(request.user, pk)
    require(request.user, "enterprise.receive", ent)
    person = person_of(request.user)
    first_unit = person.unit if person is not None else ent.unit
    channel = Channel.SPECIALIST if ent.specialist_id == request.user.pk else Channel.OFFICE
    if request.POST.get("channel") == Channel.HOTLINE:
        channel = Channel.HOTLINE
    rtype = request.POST.get("rtype", "")
    if rtype not in RequestType.values:
        messages.error(request, _("请选择诉求类型"))
        return redirect("enterprise:enterprise", pk=ent.pk)
    urgency = request.POST.get("urgency") if request.POST.get("urgency") in Urgency.values else Urgency.NORMAL
    try:
        req = services.receive(ent, rtype=rtype, urgency=urgency, title=request.POST.get("title", ""),
                               content=request.POST.get("content", ""), channel=channel, first_unit=first_unit,
                               user=request.user, answer=request.POST.get("answer", ""))
        for upload in request.FILES.getlist("files"):
            services.add_attachment(req, upload.name, upload.read(), user=request.user)
    except services.RequestError as exc:
        messages.error(request, str(exc))
        return redirect("enterprise:enterprise", pk=ent.pk)
    messages.success(request, _("已受理：%(n)s") % {"n": req.number})
    return redirect("enterprise:request", pk=req.pk)


@login_required
@require_POST
def renew_link(request, pk: int):
    ent = _visible_enterprise(request.user, pk)
    require(request.user, "enterprise.manage", ent)
    services.renew_link(ent, user=request.user)
    messages.success(request, _("已更换企业专属链接，原链接即时失效"))
    return redirect("enterprise:enterprise", pk=ent.pk)


@login_required
def request_detail(request, pk: int):
    req = _visible_request(request.user, pk)
    c = services.clocks(req)
    c = {"response": c[services.RESPONSE], "sign": c[services.SIGN], "resolve": c[services.RESOLVE]}
    steps = list(req.steps.select_related("by", "unit"))
    may = {name: check(request.user, f"enterprise.{name}", req)
           for name in ("assign", "handle", "respond", "escalate", "faq_edit", "decide_extension")}
    level_units = []
    if may["assign"] and req.status == Status.RECEIVED:
        level_units = handler_choices(request.user, req)
    return render(request, "enterprise/request.html", {
        "nav_active": NAV, "req": req, "clocks": c, "steps": steps, "may": may, "attachments": req.attachments.all(),
        "handler_choices": level_units, "satisfactions": Satisfaction.choices,
        "limit_text": config.tier_limit(req.tier).describe(work_calendar()),
        "response_text": config.response_limit().describe(work_calendar()), "history": history_url(req),
        "nothing_to_do": not (may["respond"] and req.is_open) and not (may["assign"] and req.status in (Status.RECEIVED, Status.REPLIED)),
        "open": req.is_open, "supervision_url": services.supervision_link(req) if req.escalated_at else "",
        "pending_extension": req.extensions.filter(status=ExtensionStatus.PENDING).first(),
    })


def routable_units(req) -> list[OrgUnit]:
    """Where a request may be routed (by level): the enterprise's own unit and each unit above it, with the
    departments of each — the town, the district and its bureaus, the city and its bureaus."""
    out, unit = [], req.enterprise.unit
    chain = []
    while unit is not None:
        chain.append(unit)
        unit = unit.parent
    departments: dict[int, list[OrgUnit]] = {}
    for d in OrgUnit.objects.filter(parent__in=chain, kind="department", is_active=True).order_by("sort_order", "code"):
        departments.setdefault(d.parent_id, []).append(d)
    for u in chain:
        out.append(u)
        out.extend(departments.get(u.pk, []))
    return out


def handler_choices(user, req):
    """The routing rule's units first, then every unit the request may go to."""
    suggested = [u for u in (services.suggested_handler(req, lv) for lv in Level.values) if u is not None]
    seen = {u.pk for u in suggested}
    return [(u, True) for u in suggested] + [(u, False) for u in routable_units(req) if u.pk not in seen]


ACTIONS = {
    "assign": "enterprise.assign", "visit": "enterprise.assign", "sign": "enterprise.handle", "note": "enterprise.respond",
    "hand_back": "enterprise.handle", "reply": "enterprise.handle", "respond": "enterprise.respond",
    "escalate": "enterprise.escalate", "faq": "enterprise.faq_edit", "attach": "enterprise.respond",
    "pause": "enterprise.handle", "resume": "enterprise.handle", "extend": "enterprise.handle",
    "decide_extension": "enterprise.decide_extension",
}


@login_required
@require_POST
def act(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404(action)
    req = _visible_request(request.user, pk)
    require(request.user, ACTIONS[action], req)
    person = person_of(request.user)
    unit = person.unit if person is not None else None
    p = request.POST
    try:
        if action == "assign":
            allowed = {u.pk: u for u, _s in handler_choices(request.user, req)}
            handler = allowed.get(int(p.get("handler_unit") or 0)) if str(p.get("handler_unit") or "").isdigit() else None
            if handler is None:
                raise services.RequestError(_("请选择该企业所在地或其上级的承办单位"))
            services.assign(req, handler, user=request.user, note=p.get("note", ""))
        elif action == "sign":
            services.sign(req, user=request.user)
        elif action == "respond":
            services.respond(req, p.get("text", ""), user=request.user, unit=unit)
        elif action == "note":
            services.note(req, p.get("text", ""), user=request.user, unit=unit)
        elif action == "hand_back":
            services.hand_back(req, p.get("basis", ""), reason=p.get("reason", ""), user=request.user)
        elif action == "reply":
            services.reply(req, p.get("text", ""), user=request.user, unit=unit)
        elif action == "visit":
            services.visit(req, p.get("answer", ""), comment=p.get("comment", ""), user=request.user,
                           solved={"1": True, "0": False}.get(p.get("solved", "")))
        elif action == "escalate":
            services.escalate(req, user=request.user)
        elif action == "faq":
            services.set_faq(req, p.get("value") == "1", user=request.user)
        elif action == "pause":
            services.pause(req, p.get("reason", ""), user=request.user, unit=unit)
        elif action == "resume":
            services.resume(req, note=p.get("note", ""), user=request.user, unit=unit)
        elif action == "extend":
            try:
                until = date.fromisoformat(p.get("until", ""))
            except ValueError:
                raise services.RequestError(_("请填写申请延至的日期（如 2026-10-09）")) from None
            services.request_extension(req, p.get("reason", ""), until, basis=p.get("basis", ""), user=request.user)
        elif action == "decide_extension":
            ext = req.extensions.filter(pk=p.get("extension") if str(p.get("extension", "")).isdigit() else 0).first()
            if ext is None:
                raise services.RequestError(_("没有这项延期申请"))
            services.decide_extension(ext, approve=p.get("approve") == "1", reason=p.get("reason", ""), user=request.user)
        elif action == "attach":
            upload = request.FILES.get("file")
            if upload is None:
                raise services.RequestError(_("请选择文件"))
            services.add_attachment(req, upload.name, upload.read(), user=request.user)
    except services.RequestError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已保存"))
    return redirect("enterprise:request", pk=req.pk)


@login_required
def attachment(request, pk: int):
    att = get_object_or_404(RequestAttachment.objects.select_related("request", "request__enterprise"), pk=pk)
    if not check(request.user, "enterprise.download", att):
        raise Http404("no such attachment in scope")
    return download(att.file, att.name, att.content_type)


@login_required
def faq(request):
    """政策问答 (有求必应): answered requests the office put in the FAQ, by type."""
    require(request.user, "enterprise.list")
    return render(request, "enterprise/faq.html", {"nav_active": NAV, "groups": faq_groups(request.GET.get("q", ""))})


def faq_groups(q: str = ""):
    rows = EnterpriseRequest.objects.filter(in_faq=True).exclude(reply="").order_by("rtype", "-replied_at")
    if q:
        rows = rows.filter(title__icontains=q) | rows.filter(reply__icontains=q)
    groups: dict[str, list] = defaultdict(list)
    for r in rows.only("rtype", "title", "reply", "replied_at")[:500]:
        groups[r.rtype].append(r)
    return [(label, groups[t]) for t, label in RequestType.choices if groups.get(t)]


@login_required
@require_POST
def bulletin(request):
    """企业诉求办理通报 of a period (default: last month) → a draft in the documents register."""
    from kaohe.enterprise import bulletin as bulletins  # noqa: PLC0415
    from kaohe.lib.periods import Period  # noqa: PLC0415

    unit = _root(request.user)
    require(request.user, "enterprise.bulletin", unit)
    try:
        period = Period.parse(request.POST.get("period", ""))
    except ValueError:
        messages.error(request, _("请填写通报期间，如 2026-10、2026Q3 或 2026"))
        return redirect("enterprise:board")
    doc = bulletins.draft(unit, period, user=request.user)
    messages.success(request, _("已生成通报草稿，可修改文字后编号印发"))
    return redirect("reports:document", pk=doc.pk)
