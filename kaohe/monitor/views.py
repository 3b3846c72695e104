"""Pages of the economic monitor: the leader's monitor (units × key indicators), one indicator
across units and releases (trend chart with the city line), one unit across indicators.
Every table downloads as Excel (``?format=xlsx``). A district sees its own units only; the
ranks and the city figures are the city's (computed over every monitored unit).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaohe.documents import services as documents
from kaohe.lib import numbers as n
from kaohe.lib.exports import DOCX_TYPE, Table, attachment, xlsx_response
from kaohe.monitor import compute, services
from kaohe.monitor.apps import KIND
from kaohe.monitor.bulletin import content as bulletin_content
from kaohe.monitor.models import MonitorIndicator
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import check, require
from kaohe.orgs.scope import get_visible_or_404

CHECKS = (("growth_ok", gettext_lazy("增速达标")), ("kaimenhong", gettext_lazy("开门红")),
          ("shuangguoban", gettext_lazy("双过半")), ("rank_up", gettext_lazy("总量进位")),
          ("growth_lead", gettext_lazy("增幅领先")), ("share_up", gettext_lazy("占比提升")))


def _yes(value) -> str:
    return "—" if value is None else (_("是") if value else _("否"))


def _owner_or_404(request):
    require(request.user, "monitor.view")
    owner = services.monitor_owner(request.user)
    if owner is None:
        raise Http404("no monitor")
    return owner


def _when(request, owner) -> tuple[int, int]:
    year = services.latest_year(owner) or 2025
    try:
        year = int(request.GET.get("year") or year)
        month = int(request.GET.get("month") or services.latest_month(owner, year) or 12)
    except ValueError:
        raise Http404("bad period") from None
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404("bad period")
    return year, month


def _headline(spec: compute.Spec) -> str:
    """The figure a key-indicator cell shows: growth, or the level for an amount-only indicator."""
    return "amount" if spec.judged_on == compute.AMOUNT else "growth"


def _cell_check(spec: compute.Spec, row: dict) -> bool | None:
    """The check colouring a cell: 开门红 at 1–3月, 双过半 at 1–6月, else 增速达标 (or, without a
    target, at least the city's growth)."""
    month = row["month"]
    if month == 3 and row.get("kaimenhong") is not None:
        return row["kaimenhong"]
    if month == 6 and row.get("shuangguoban") is not None:
        return row["shuangguoban"]
    if spec.judged_on != compute.AMOUNT and row.get("growth_ok") is not None:
        return row["growth_ok"]
    gap = row.get("gap_pp") if spec.judged_on != compute.AMOUNT else None
    return None if gap is None else gap >= -compute.EPS


def _figure(value, unit: str) -> str:
    return n.figure(value, unit)


def _row_view(ind: MonitorIndicator, row: dict) -> dict:
    spec = ind.spec
    value = row.get(_headline(spec))
    unit = ind.unit_of_measure if _headline(spec) == "amount" else "%"
    rank = row.get("amount_rank") if _headline(spec) == "amount" else row.get("growth_rank")
    prev = row.get("prev_amount_rank") if _headline(spec) == "amount" else row.get("prev_growth_rank")
    move = None if rank is None or prev is None else prev - rank
    return {
        "value": value, "text": _figure(value, unit), "rank": rank, "move": move, "derived": row.get("growth_derived"),
        "tied": row.get("growth_tied") if _headline(spec) == "growth" else row.get("amount_tied"),
        "ok": _cell_check(spec, row), "label": compute.release_label(spec, row["month"]),
    }


@login_required
def board(request):
    """领导监测表: units × key indicators at one month (each indicator at its latest release).
    Where no unit above the user has monitored indicators, an empty state says how to set them."""
    require(request.user, "monitor.view")
    owner = services.monitor_owner(request.user)
    if owner is None:
        return render(request, "monitor/empty.html", {"nav_active": "monitor"})
    year, month = _when(request, owner)
    units = services.monitored_units(owner, year)
    visible = services.visible_codes(request.user, units)
    columns, city_cells = [], []
    cells: dict[str, list] = {code: [] for code in visible}
    for ind in services.indicators(owner, key_only=True):
        ev = services.evaluate(ind, year, units)
        at = ev.at(year, month)
        release = compute.release_at(ind.spec, month)
        columns.append({"indicator": ind, "label": compute.release_label(ind.spec, release) if release else _("暂无"),
                        "unit": ind.unit_of_measure if _headline(ind.spec) == "amount" else "%",
                        "what": _("总量") if _headline(ind.spec) == "amount" else _("增速")})
        any_row = next(iter(at.values()), None)
        city_value = None if any_row is None else any_row.get("city_amount" if _headline(ind.spec) == "amount" else "city_growth")
        city_cells.append(_figure(city_value, columns[-1]["unit"]))
        for code in visible:
            row = at.get(code)
            cells[code].append(_row_view(ind, row) if row else None)
    rows = [{"unit": u, "cells": cells[u.code]} for u in units if u.code in cells]
    if request.GET.get("format") == "xlsx":
        head = [_("单位")]
        for col in columns:
            head += [f"{col['indicator'].name}{col['what']}（{col['label']}，{col['unit']}）", _("位次"), _("位次变化")]
        body = [[_("全市")] + [x for v in city_cells for x in (v, None, None)]]
        for r in rows:
            line = [r["unit"].name]
            for c in r["cells"]:
                line += [None, None, None] if c is None else [n.rounded_float(c["value"], 2), c["rank"], c["move"]]
            body.append(line)
        return xlsx_response(f"经济运行监测-{year}-{month:02d}", [Table(_("领导监测表"), head, body,
                             notes=[f"{owner.name}{year}年{month}月 经济运行监测（位次变化：正数为前移）"])])
    return render(request, "monitor/board.html", {
        "nav_active": "monitor", "owner": owner, "year": year, "month": month, "columns": columns,
        "rows": rows, "city_cells": city_cells, "months": range(1, 13), "years": _years(owner),
        "may_bulletin": check(request.user, "monitor.bulletin", owner),
        "may_draft": check(request.user, "documents.draft", owner),
    })


def _years(owner) -> list[int]:
    latest = services.latest_year(owner) or 2025
    return [latest - 1, latest]


def _check_cells(row: dict) -> list[dict]:
    return [{"key": key, "label": label, "value": row.get(key)} for key, label in CHECKS]


def _indicator_or_404(owner, code: str) -> MonitorIndicator:
    found = MonitorIndicator.objects.filter(owner_unit=owner, code=code).first()
    if found is None:
        raise Http404("no such monitor indicator")
    return found


@login_required
def indicator(request, code: str):
    """一项指标: every (visible) unit at one release, the city's figure, and the trend by release."""
    owner = _owner_or_404(request)
    ind = _indicator_or_404(owner, code)
    year, month = _when(request, owner)
    units = services.monitored_units(owner, year)
    visible = services.visible_codes(request.user, units)
    ev = services.evaluate(ind, year, units)
    at = ev.at(year, month)
    release = compute.release_at(ind.spec, month)
    uom = ind.unit_of_measure
    rows = []
    for u in units:
        if u.code not in visible or u.code not in at:
            continue
        r = at[u.code]
        rows.append({"unit": u, "r": r, "checks": _check_cells(r), "sentence": compute.sentence(ind.spec, r)})
    city = next(iter(at.values()), None)
    releases = [(y, m) for y, m in ev.releases()]
    series = []
    for u in units:
        if u.code not in visible:
            continue
        mine = {(r["year"], r["month"]): r["growth"] for r in ev.frame.filter(ev.frame["unit"] == u.code).iter_rows(named=True)}
        series.append({"name": u.name, "type": "line", "data": [n.rounded_float(mine.get(k), 1) for k in releases]})
    city_line = {}
    for r in ev.frame.iter_rows(named=True):
        city_line.setdefault((r["year"], r["month"]), r["city_growth"])
    series.append({"name": _("全市"), "type": "line", "data": [n.rounded_float(city_line.get(k), 1) for k in releases],
                   "lineStyle": {"width": 3, "type": "dashed", "color": "#0b2646"}, "itemStyle": {"color": "#0b2646"}})
    labels = [f"{y}年{compute.release_label(ind.spec, m)}" for y, m in releases]
    chart = {
        "tooltip": {"trigger": "axis", "valueFormatter": {"__fmt": "percent"}},
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 40},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "name": _("同比增速（%）"), "axisLabel": {"formatter": "{value}%"}},
        "series": series,
    }
    if request.GET.get("format") == "xlsx":
        head = [_("单位"), f"{_('总量')}（{uom}）", _("增速（%）"), _("增速推算"), _("增速位次"), _("总量位次"),
                _("与全市差距（个百分点）"), _("占全市比重（%）"), _("比重变化（个百分点）"), f"{_('年度目标')}（{uom}）",
                _("目标增速（%）"), _("完成进度（%）"), _("序时进度（%）"), *[str(label) for _k, label in CHECKS], _("分析")]
        body = []
        for item in rows:
            r = item["r"]
            body.append([item["unit"].name, n.rounded_float(r["amount"], 2), n.rounded_float(r["growth"], 1),
                         _yes(r["growth_derived"]), r["growth_rank"], r["amount_rank"], n.rounded_float(r["gap_pp"], 1),
                         n.rounded_float(r["share"], 2), n.rounded_float(r["share_change_pp"], 2),
                         n.rounded_float(r["target_amount"], 2), n.rounded_float(r["target_growth"], 1),
                         n.rounded_float(r["progress"], 1), n.rounded_float(r["schedule"], 1),
                         *[_yes(r[k]) for k, _l in CHECKS], item["sentence"]])
        trend = Table(_("增速走势"), [_("单位"), *[f"{x}（%）" for x in labels]],
                      [[s["name"], *s["data"]] for s in series])
        label = compute.release_label(ind.spec, release) if release else ""
        return xlsx_response(f"{ind.name}-{year}-{month:02d}", [
            Table(ind.name, head, body, notes=[f"{owner.name}{year}年{label} {ind.name}"]), trend])
    return render(request, "monitor/indicator.html", {
        "nav_active": "monitor", "owner": owner, "ind": ind, "year": year, "month": month, "rows": rows,
        "city": city, "chart": chart, "release": compute.release_label(ind.spec, release) if release else None,
        "months": range(1, 13), "years": _years(owner), "checks": CHECKS,
        "indicators": services.indicators(owner),
    })


@login_required
def unit(request, code: str):
    """一个单位: every indicator of the monitor at one month for one unit, with its analysis line."""
    owner = _owner_or_404(request)
    target = get_visible_or_404(request.user, OrgUnit, code=code)
    year, month = _when(request, owner)
    units = services.monitored_units(owner, year)
    if target.code not in {u.code for u in units}:
        raise Http404("not a monitored unit")
    rows = []
    for ind in services.indicators(owner):
        ev = services.evaluate(ind, year, units)
        r = ev.at(year, month).get(target.code)
        release = compute.release_at(ind.spec, month)
        rows.append({"ind": ind, "r": r, "label": compute.release_label(ind.spec, release) if release else None,
                     "checks": _check_cells(r) if r else [], "sentence": compute.sentence(ind.spec, r) if r else "",
                     "of": len(units), "cell": _row_view(ind, r) if r else None})
    if request.GET.get("format") == "xlsx":
        head = [_("指标"), _("期别"), _("总量"), _("计量单位"), _("增速（%）"), _("位次"), _("与全市差距（个百分点）"),
                _("占全市比重（%）"), _("完成进度（%）"), _("序时进度（%）"), *[str(label) for _k, label in CHECKS], _("分析")]
        body = []
        for item in rows:
            r = item["r"] or {}
            body.append([item["ind"].name, item["label"], n.rounded_float(r.get("amount"), 2), item["ind"].unit_of_measure,
                         n.rounded_float(r.get("growth"), 1), (item["cell"] or {}).get("rank"), n.rounded_float(r.get("gap_pp"), 1),
                         n.rounded_float(r.get("share"), 2), n.rounded_float(r.get("progress"), 1),
                         n.rounded_float(r.get("schedule"), 1), *[_yes(r.get(k)) for k, _l in CHECKS], item["sentence"]])
        return xlsx_response(f"{target.name}-经济运行-{year}-{month:02d}",
                             [Table(target.name, head, body, notes=[f"{target.name}{year}年{month}月 经济运行主要指标"])])
    return render(request, "monitor/unit.html", {
        "nav_active": "monitor", "owner": owner, "target": target, "year": year, "month": month, "rows": rows,
        "months": range(1, 13), "years": _years(owner), "checks": CHECKS,
    })


@login_required
def bulletin(request):
    """经济运行分析 (.docx, GB/T 9704 layout) of the owner's monitor at one month."""
    owner = _owner_or_404(request)
    require(request.user, "monitor.bulletin", owner)
    year, month = _when(request, owner)
    doc = bulletin_content(owner, year, month)
    return attachment(doc.docx(), f"{doc.title}.docx", DOCX_TYPE)


@login_required
def settings(request):
    """监测指标设置: each indicator's conventions and checks, and which scheme collects its figures
    (one each: the monitor never asks for a figure the collection already has)."""
    owner = _owner_or_404(request)
    year = _when(request, owner)[0]
    rows = []
    for ind in services.indicators(owner):
        found = services.collected_in(owner, year, ind.codes)
        rows.append({"ind": ind, "releases": "、".join(compute.release_label(ind.spec, m) for m in compute.release_months(ind.spec)[:3]) + "…",
                     "amount": found.get(ind.amount_code, []) if ind.amount_code else None,
                     "growth": found.get(ind.growth_code, []) if ind.growth_code else None})
    return render(request, "monitor/settings.html", {"nav_active": "monitor", "owner": owner, "year": year, "rows": rows})


@login_required
@require_POST
def bulletin_draft(request):
    """生成通报草稿: the analysis as a draft 经济运行分析 of the owner (kaohe.documents), to edit and issue."""
    owner = _owner_or_404(request)
    require(request.user, "documents.draft", owner)
    year, month = _when(request, owner)
    doc = bulletin_content(owner, year, month)
    stored = documents.draft(kind=KIND, unit=owner, period=f"{year}-{month:02d}", document=doc.document(),
                             user=request.user)
    messages.success(request, _("已生成通报草稿“%(title)s”，可在报告中修改后印发。") % {"title": stored.title})
    try:
        return redirect(reverse("reports:document", args=[stored.pk]))
    except NoReverseMatch:
        return redirect(f"{reverse('monitor:board')}?year={year}&month={month}")
