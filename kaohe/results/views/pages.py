"""Leaders' and units' pages: cockpit, boards, flags, scorecard, unit profile, gap analysis, robustness."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.assessment.models import PeriodKind
from kaohe.lib.exports import Table
from kaohe.lib.numbers import number, plain, round_half_up, rounded_float
from kaohe.orgs.permissions import check, is_reader, person_of, require
from kaohe.results import cockpit as cockpit_service
from kaohe.results import gap as gap_service
from kaohe.results import queries
from kaohe.results.exports import board_export, scorecard_export
from kaohe.results.flags import yearly_tally
from kaohe.results.models import (
    FlagKind,
    RunTotal,
    ScoringRun,
)
from kaohe.results.robustness import analyse
from kaohe.results.services import latest_run, publication_of, visible_units
from kaohe.results.views import sealed
from kaohe.results.views.common import (
    default_owner,
    export,
    own_unit_code,
    page_number,
    pick_run,
    require_unit_visible,
    run_or_404,
    unit_run,
    wants_xlsx,
)

COCKPIT_PARTS = ("flag_stats", "boards", "movers", "flags", "trend")


@login_required
def cockpit(request):
    """驾驶舱: this month's five boards, movers, flags, items needing attention, trends.

    What is the same for everyone who sees the same units of the run (boards, movers, flags,
    trend) is rendered once per run fingerprint, visibility class and language and cached
    (``sealed.page_key``; a run not sealed is rendered every time); what is the user's own —
    待办 (their appeals to answer, their scope's late submissions), the standing above their
    unit — is read and rendered for each request."""
    require(request.user, "results.view")
    owner = default_owner(request)
    run = latest_run(PeriodKind.MONTH, owner=owner, user=request.user)
    context = {"nav_active": "home", "run": run, "attention": cockpit_service.attention(request.user), "owner": owner,
               "above": cockpit_service.standing_above(owner)}
    if run is not None:
        visible = visible_units(request.user, run)
        context["publication"] = publication_of(run)
        context["shared"] = sealed.cached_blocks(sealed.page_key(run, "cockpit", visible), "results/_cockpit_run.html",
                                                 lambda: cockpit_service.run_parts(run, visible), COCKPIT_PARTS)
    return render(request, "results/cockpit.html", context)


@login_required
def boards_index(request):
    """晒榜: the latest monthly run's first board."""
    run = pick_run(request)
    if run is None:
        return render(request, "results/empty.html", {"nav_active": "boards", "title": _("晒榜")})
    boards = run.scheme_meta.get("boards", [])
    if not boards:
        return render(request, "results/empty.html", {"nav_active": "boards", "title": _("晒榜"), "run": run})
    return redirect("results:board", run.pk, boards[0]["code"])


@login_required
def board(request, run_id: int, code: str):
    """One board (榜单) within a peer group: ranking, arrows, values behind, bar chart, drill-down."""
    run = run_or_404(request, run_id)
    meta = queries.board_meta(run, code)
    if meta is None:
        raise Http404
    visible = visible_units(request.user, run)
    groups = queries.groups_of(run)
    group = request.GET.get("group") or (groups[0] if groups else "")
    if group not in groups:
        raise Http404
    if wants_xlsx(request):
        return export(*board_export(run, meta, code, group, visible))
    page = page_number(request)
    key = sealed.page_key(run, "board", visible, code, group, page)
    return sealed.sealed_page(request, key, "results/board.html", "boards",
                              lambda: _board_context(run, meta, code, groups, group, page, visible))


def _board_context(run: ScoringRun, meta: dict, code: str, groups: list[str], group: str, page: int,
                   visible: set[str] | None) -> dict:
    # One query for the month picker and the previous period (the run before this one of the same kind).
    same_kind = list(ScoringRun.objects.current().family(run).filter(kind=run.kind)
                     .exclude(pk=run.pk).order_by("-year", "-number", "-id").values_list("pk", "year", "number", "label"))
    before = [r for r in same_kind if (r[1], r[2]) < (run.year, run.number)]
    before_period = run.period_value.previous()
    prev_key = (before_period.year, before_period.number)
    previous = next((SimpleNamespace(pk=r[0], label=r[3]) for r in before if (r[1], r[2]) == prev_key), None)
    rows, count = queries.board_rows(run, code, group, visible=visible, page=page, previous=previous)
    chart = {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 100, "right": 24, "top": 8, "bottom": 24},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "inverse": True, "data": [r.unit_name for r in rows[:30]]},
        "series": [{"type": "bar", "data": [rounded_float(r.score, 2) for r in rows[:30]], "label": {"show": True, "position": "right"}}],
    }
    pages = (count + queries.PAGE_SIZE - 1) // queries.PAGE_SIZE
    names = run.scheme_meta.get("indicators", {})
    return {
        "nav_active": "boards", "run": run, "board": meta, "boards": run.scheme_meta.get("boards", []), "groups": groups,
        "group": group, "rows": rows, "count": count, "page": page, "pages": pages, "chart": chart,
        "indicator_names": [queries.indicator_header(names, i) for i in meta["indicators"]],
        "runs": sorted([(r[0], r[3], r[1], r[2]) for r in same_kind] + [(run.pk, run.label, run.year, run.number)],
                       key=lambda r: (-r[2], -r[3]))[:24],
        "board_url": reverse("results:boards"),
        "previous": previous, "limited": visible is not None, "group_names": queries.group_names(run),
        "unit_url": reverse("results:unit_profile", args=["X"])[:-2],
    }


@login_required
def flags_page(request):
    """红旗激励榜 and 黄灯提醒榜: this month's flags and the year's tally per unit."""
    run = pick_run(request)
    year = run.year if run else None
    try:
        year = int(request.GET.get("year", year or 0)) or year
    except ValueError:
        raise Http404 from None
    visible = visible_units(request.user, run) if run else set()
    tally = yearly_tally(year, run.scheme_code, run.owner_unit_id) if year and run else []
    if visible is not None:
        tally = [t for t in tally if t["unit"] in visible]
    flags = queries.flags_of(run, visible) if run else {FlagKind.RED: [], FlagKind.YELLOW: []}
    if wants_xlsx(request):
        return export(f"flags-{year}", [
            Table(_("红旗激励榜"), [_("月份"), _("单位"), _("分组"), _("说明")], ([f.month, f.unit_name, f.group, f.reason] for f in flags[FlagKind.RED])),
            Table(_("黄灯提醒榜"), [_("月份"), _("单位"), _("分组"), _("说明")], ([f.month, f.unit_name, f.group, f.reason] for f in flags[FlagKind.YELLOW])),
            Table(_("年度累计"), [_("单位"), _("分组"), _("红旗"), _("黄灯")], ([t["name"], t["group"], t["red"], t["yellow"]] for t in tally)),
        ])
    return render(request, "results/flags.html", {
        "nav_active": "boards", "run": run, "year": year, "red": flags[FlagKind.RED], "yellow": flags[FlagKind.YELLOW], "tally": tally,
    })


@login_required
def scorecard(request, pk: int):
    """Scorecard: units × indicators coloured by bands, trend arrows, sortable, filterable, exportable."""
    run = run_or_404(request, pk)
    visible = visible_units(request.user, run)
    groups = queries.groups_of(run)
    group = request.GET.get("group") or (groups[0] if groups else "")
    if group not in groups:
        raise Http404
    flt = request.GET.get("filter", "")
    sort = request.GET.get("sort", "rank")
    card = queries.scorecard(run, group, visible=visible, flt=flt, sort=sort)
    if wants_xlsx(request):
        return export(*scorecard_export(run, card, group))
    return render(request, "results/scorecard.html", {
        "nav_active": "results", "run": run, "groups": groups, "group": group, "card": card, "filter": flt, "sort": sort,
        "group_names": queries.group_names(run),
    })


def _unit_run(request, code: str) -> ScoringRun:
    raw = request.GET.get("run")
    if raw and not raw.isdigit():
        raise Http404
    return unit_run(request.user, code, request.GET.get("kind", PeriodKind.MONTH), int(raw) if raw else None)


@login_required
def unit_profile(request, code: str):
    """单位画像: total/rank/tier over time, indicator table with places, the summary sentence, radar."""
    run = _unit_run(request, code)
    visible = require_unit_visible(request, run, code)
    if wants_xlsx(request):
        prof = queries.profile(run, code)
        if prof is None:
            raise Http404
        return export(f"profile-{code}-{run.label}", [Table(prof.total.unit_name, [
            _("指标代码"), _("指标"), _("类别"), _("数值"), _("得分"), _("满分值"), _("组内位次"), _("组内平均")], (
            [r["code"], r["name"], r["category"], r["value"], r["score"], r["full_marks"], r["rank"], r["group_mean"]]
            for r in prof.indicators))])
    is_own = own_unit_code(request) == code
    key = sealed.page_key(run, "profile", visible, code, is_own)
    return sealed.sealed_page(request, key, "results/profile.html", "results", lambda: _profile_context(run, code, is_own))


def _profile_context(run: ScoringRun, code: str, is_own: bool) -> dict:
    prof = queries.profile(run, code)
    if prof is None:
        raise Http404
    hist = queries.history(code, run, run.kind)
    trend_note = queries.trend_note(run)
    trend = {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 40, "right": 40, "top": 16, "bottom": 48},
        "xAxis": {"type": "category", "data": [h["label"] for h in hist]},
        "yAxis": [{"type": "value", "name": _("总分"), "scale": True},
                  {"type": "value", "name": _("排名"), "inverse": True, "minInterval": 1, "min": 1}],
        "series": [{"name": _("总分"), "type": "line", "data": [rounded_float(h["total"], 2) for h in hist]},
                   {"name": _("排名"), "type": "line", "yAxisIndex": 1, "data": [h["rank"] for h in hist]}],
    }
    radar = {
        "tooltip": {},
        "legend": {"bottom": 0},
        "radar": {"indicator": [{"name": n, "max": m} for n, m in zip(prof.radar["indicators"], prof.radar["maxes"], strict=True)],
                  "radius": "62%"},
        "series": [{"type": "radar", "data": [
            {"name": prof.total.unit_name, "value": prof.radar["unit"]},
            {"name": _("组内平均"), "value": prof.radar["mean"]},
            {"name": _("组内第一"), "value": prof.radar["leader"]},
        ]}],
    }
    return {
        "trend_note": trend_note,
        "nav_active": "results", "run": run, "p": prof, "history": hist, "trend": trend, "radar": radar,
        # The period picker: this unit's runs of the same kind (from its history, no extra query).
        "runs": [SimpleNamespace(pk=h["run"], label=h["label"]) for h in reversed(hist)] or [run],
        "is_own": is_own, "group_name": queries.group_names(run).get(prof.total.group, prof.total.group),
    }


def _reach_text(reach: dict | None) -> str:
    """固定资产投资 5.00 → 7.00亿元 (the export's words for the page's 下一档数值)."""
    if not reach:
        return ""
    return f"{reach['name']} {number(reach['value'], 2)} → {number(reach['next_value'], 2)}{reach['unit']}"


@login_required
def unit_gap(request, code: str):
    """差距分析 with a what-if form."""
    run = _unit_run(request, code)
    visible = require_unit_visible(request, run, code)
    if not RunTotal.objects.filter(run=run, unit_code=code).exists():
        raise Http404
    gaps = gap_service.unit_gap(run, code, rivals_hidden=visible is not None)
    best, rivals_hidden = gaps["best"], gaps["rivals_hidden"]
    if wants_xlsx(request):
        return export(f"gap-{code}-{run.label}", [
            Table(_("差距"), [_("目标"), _("所需分数"), _("目标总分"), _("下一档数值")],
                  ([g.label, g.points, g.target_total, _reach_text(g.reach)] for g in gaps["gaps"] + gaps["tier_gaps"])),
            Table(_("提分空间"), [_("指标"), _("数值"), _("得分"), _("满分值"), _("下一档数值"), _("可得分"), _("新排名")],
                  ([b["name"], b.get("value"), b.get("score"), b.get("full_marks"), b.get("next_value"), b.get("gain"), b.get("new_rank")]
                   for b in best)),
        ])
    values = {i: v for i, v in run.indicator_rows.filter(unit_code=code).values_list("indicator", "value")}
    names = run.scheme_meta.get("indicators", {})
    # In the scheme's order, each value as the figure it is (四舍五入 to 4 places, never a raw float).
    order = queries.scheme_order(run, values)
    fields = [{"code": i, "name": names.get(i, {}).get("name", i), "unit": names.get(i, {}).get("unit") or "",
               "value": plain(round_half_up(values[i], 4)) if values[i] is not None else ""} for i in order]
    return render(request, "results/gap.html", {
        "nav_active": "results", "run": run, "g": gaps, "best": best, "fields": fields, "code": code,
        "group_name": queries.group_names(run).get(gaps["me"].group, gaps["me"].group), "rivals_hidden": rivals_hidden,
    })


@login_required
@require_POST
def what_if(request, code: str):
    """htmx: re-score with the changed values and show the new rank live."""
    run = _unit_run(request, code)
    require_unit_visible(request, run, code)
    current = gap_service.current_values(run, code)
    changes, errors = gap_service.what_if_changes(
        current, {key[2:]: raw for key, raw in request.POST.items() if key.startswith("v_") and key[2:] in current})
    result = None
    if not errors:
        result = gap_service.what_if(run, code, changes)
    return render(request, "results/_what_if.html", {"result": result, "errors": errors, "changes": changes, "run": run})


@login_required
def robustness(request, pk: int):
    """排名稳健性 of an annual run: Monte Carlo rank intervals and fragile tier boundaries."""
    run = run_or_404(request, pk)
    if not check(request.user, "results.view_all", run):
        raise PermissionDenied("results.view_all")
    groups = queries.groups_of(run)
    group = request.GET.get("group") or (groups[0] if groups else "")
    result = analyse(run, group)
    if wants_xlsx(request) and result.get("rows"):
        return export(f"robustness-{run.label}-{group}", [Table(_("排名稳健性"), [
            _("单位"), _("名义排名"), _("中位排名"), _("5%分位"), _("95%分位"), _("等次"), _("保持等次概率")],
            ([r["name"], r["rank"], r["median"], r["low"], r["high"], r["tier"], r["p_tier"]] for r in result["rows"]))])
    return render(request, "results/robustness.html", {
        "nav_active": "results", "run": run, "groups": groups, "group": group, "r": result,
    })


@login_required
def my_unit(request):
    """本单位, a sensible page for every role: an assessed unit (a district, a street, a district
    office whose district the city assesses) gets its own profile; the office or leader of the
    organising unit the cockpit of the units they assess; a responsible bureau its unit page;
    someone with no unit (the superuser) the directory."""
    code = own_unit_code(request)
    if code is None:
        return redirect("orgs:directory")
    if RunTotal.objects.filter(unit_code=code, run__in=ScoringRun.objects.visible_to(request.user).done()).exists():
        return redirect("results:unit_profile", code)
    if is_reader(person_of(request.user)):
        return redirect("results:cockpit")
    return redirect("orgs:unit", code)
