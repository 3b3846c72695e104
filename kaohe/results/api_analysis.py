"""The results' analysis pages in the JSON API (mounted with kaohe.results.api's router): a run's
diff against another run, its 点评 (reviews), the scorecard, 排名稳健性, a unit's 画像, 差距分析 and
模拟测算, and the leaders' 驾驶舱.

Each operation calls the function its page calls (``queries.scorecard``, ``robustness.analyse``,
``gap.unit_gap``, ``gap.what_if``, ``cockpit.cockpit_data`` …): the numbers are the engine's, as
the page shows them. Out of the caller's scope is 404, a role that sees the run but may not open
the page is 403, and what the page hides before publication (rivals' names and totals from an
assessed unit) the API hides too."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import Http404
from ninja import Path, Query, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from kaohe.assessment.models import PeriodKind
from kaohe.lib.params import Id
from kaohe.orgs.permissions import api_require
from kaohe.results import gap as gap_service
from kaohe.results import queries, services
from kaohe.results.api import (  # one router per app; this module adds its operations to it
    _run,
    router,
)
from kaohe.results.cockpit import cockpit_data
from kaohe.results.models import RunTotal, ScoringRun
from kaohe.results.robustness import analyse
from kaohe.results.runs import diff_runs
from kaohe.results.views.common import default_owner, unit_run

Kind = Literal["month", "quarter", "half", "year"]


def _group(run: ScoringRun, group: str | None) -> str:
    """The page's group: the one asked for, else the run's first; a group the run has not is 404."""
    groups = queries.groups_of(run)
    chosen = group or (groups[0] if groups else "")
    if chosen not in groups:
        raise HttpError(404, f"group: '{chosen}' is not a group of this run")
    return chosen


class UnitRunQuery(Schema):
    run: Id | None = Field(default=None, description="a sealed run; default: the latest of `kind` assessing the unit")
    kind: Kind = Field(default=PeriodKind.MONTH, description="month, quarter, half or year")


def _unit_run(request, code: str, q: UnitRunQuery) -> tuple[ScoringRun, set[str] | None]:
    """The run a unit's page shows and the unit codes the caller sees in it; a unit outside them is 404."""
    run = unit_run(request.user, code, q.kind, q.run)
    visible = services.visible_units(request.user, run)
    if visible is not None and code not in visible:
        raise Http404("results.view_unit")
    return run, visible


# ---- run diff -----------------------------------------------------------------------------------


class ResultsValueChangeOut(Schema):
    indicator: str
    name: str
    unit: str = Field(description="the indicator's unit of measure")
    before: float | None
    after: float | None


class ResultsScoreChangeOut(Schema):
    indicator: str
    name: str
    before: float
    after: float


class ResultsMoveOut(Schema):
    unit: str
    name: str
    group: str
    rank_before: int | None
    rank_after: int | None
    places: int = Field(description="places gained (negative: lost)")
    total_before: float | None
    total_after: float | None
    tier_before: str
    tier_after: str
    changed_values: list[ResultsValueChangeOut]
    changed_scores: list[ResultsScoreChangeOut]


class ResultsDiffOut(Schema):
    before_id: int
    before_label: str
    after_id: int
    after_label: str
    moves: list[ResultsMoveOut] = Field(description="the movers first (by places), then who changed without moving")


@router.get("/runs/{run_id}/diff/{other_id}", response=ResultsDiffOut, operation_id="results_run_diff",
            summary="两次计分对比 / Who moved between another run and this one, and why")
def run_diff(request, run_id: Id, other_id: Id):
    """``other_id`` is the earlier run. As on the page: the organiser's office and leaders, or anyone
    who sees both runs once both are published."""
    before, after = _run(request, other_id), _run(request, run_id)
    if not services.may_compare(request.user, before, after):
        raise HttpError(403, "permission denied: results.view_all")
    names = queries.indicator_names(after)

    def name(code: str) -> str:
        return names.get(code, {}).get("name", code)

    moves = [{
        "unit": m.unit, "name": m.name, "group": m.group, "rank_before": m.rank_before, "rank_after": m.rank_after,
        "places": m.places, "total_before": m.total_before, "total_after": m.total_after, "tier_before": m.tier_before,
        "tier_after": m.tier_after,
        "changed_values": [{"indicator": i, "name": name(i), "unit": names.get(i, {}).get("unit") or "", "before": a, "after": b}
                           for i, a, b in m.changed_values],
        "changed_scores": [{"indicator": i, "name": name(i), "before": a, "after": b} for i, a, b in m.changed_scores],
    } for m in diff_runs(before, after)]
    return {"before_id": before.pk, "before_label": before.label, "after_id": after.pk, "after_label": after.label, "moves": moves}


# ---- 点评 ---------------------------------------------------------------------------------------


class ResultsReviewOut(Schema):
    id: int
    run_id: int
    title: str
    text: str
    author: str
    created_at: dt.datetime


class ResultsReviewIn(Schema):
    title: str = Field(default="", max_length=200, description="default: the run's label")
    text: str = Field(max_length=20000, description="点评内容")


def _review_out(r) -> dict:
    return {"id": r.pk, "run_id": r.run_id, "title": r.title, "text": r.text,
            "author": r.author.get_username() if r.author else "", "created_at": r.created_at}


@router.get("/runs/{run_id}/reviews", response=list[ResultsReviewOut], operation_id="results_review_list",
            summary="点评 / The reviews (季度点评、年度点评) of a run")
def list_reviews(request, run_id: Id):
    run = _run(request, run_id)
    return [_review_out(r) for r in run.reviews.select_related("author")]


@router.post("/runs/{run_id}/reviews", response={201: ResultsReviewOut}, operation_id="results_review_create",
             summary="撰写点评 / Write a review of a run")
def create_review(request, run_id: Id, body: ResultsReviewIn):
    """By the organiser's office (results.manage); an empty text is refused (422)."""
    run = _run(request, run_id)
    api_require(request, "results.manage", run)
    return Status(201, _review_out(services.add_review(run, body.title, body.text, request.user)))


# ---- scorecard ----------------------------------------------------------------------------------


class ResultsCellOut(Schema):
    indicator: str
    value: float | None
    score: float | None
    full: float | None = Field(description="满分值")
    rank: int | None
    trend: str = Field(description="up / down beyond 5% of full marks since the previous period, else empty")
    band: str = Field(description="the scheme's colour band of the score")


class ResultsScorecardRowOut(Schema):
    unit: str
    name: str
    group: str
    rank: int | None
    total: float | None
    tier: str
    reason: str = Field(description="why a unit is not ranked (不参与排名)")
    cells: list[ResultsCellOut]


class ResultsIndicatorOut(Schema):
    code: str
    name: str


class ResultsScorecardOut(Schema):
    run_id: int
    group: str
    indicators: list[ResultsIndicatorOut]
    rows: list[ResultsScorecardRowOut]
    average: float = Field(description="the group's average total (of the units ranked)")


class ScorecardQuery(Schema):
    group: str | None = Field(default=None, max_length=64, description="default: the run's first group")
    filter: Literal["", "top3", "below_avg"] = ""
    sort: str = Field(default="rank", max_length=64, description="rank, name or an indicator's code")


def _scorecard(request, run_id: int, q: ScorecardQuery) -> tuple[ScoringRun, str, dict]:
    run = _run(request, run_id)
    group = _group(run, q.group)
    card = queries.scorecard(run, group, visible=services.visible_units(request.user, run), flt=q.filter, sort=q.sort)
    return run, group, card


@router.get("/runs/{run_id}/scorecard", response=ResultsScorecardOut, operation_id="results_scorecard_get",
            summary="计分卡 / The scorecard of a run: units × indicators")
def scorecard(request, run_id: Id, q: Query[ScorecardQuery]):
    """Before publication an assessed unit sees only its own row, as on the page."""
    run, group, card = _scorecard(request, run_id, q)
    codes = [i["code"] for i in card["indicators"]]
    rows = [{**{k: r[k] for k in ("unit", "name", "group", "rank", "total", "tier", "reason")},
             "cells": [{"indicator": code, **c} for code, c in zip(codes, r["cells"], strict=True)]} for r in card["rows"]]
    return {"run_id": run.pk, "group": group, "indicators": card["indicators"], "rows": rows, "average": card["average"]}


# ---- robustness ---------------------------------------------------------------------------------


class ResultsRobustRowOut(Schema):
    unit: str
    name: str
    rank: int | None = Field(description="名义排名")
    tier: str
    median: float | None = Field(description="中位排名")
    low: float | None = Field(description="5%分位")
    high: float | None = Field(description="95%分位")
    p_tier: float | None = Field(description="保持等次概率")


class ResultsRobustnessOut(Schema):
    run_id: int
    group: str
    replications: int
    rows: list[ResultsRobustRowOut]
    fragile: list[str] = Field(description="units whose probability of keeping their tier is below 0.9")
    error: str = Field(description="why the analysis could not run (the engine's words), else empty")


@router.get("/runs/{run_id}/robustness", response=ResultsRobustnessOut, operation_id="results_robustness_get",
            summary="排名稳健性 / Rank intervals under perturbed weights and methods")
def robustness(request, run_id: Id, group: str | None = Query(None, max_length=64)):  # noqa: B008 — ninja's way
    """For the organiser's office and leaders (results.view_all), as the page."""
    run = _run(request, run_id)
    api_require(request, "results.view_all", run)
    chosen = _group(run, group)
    result = analyse(run, chosen)
    return {"run_id": run.pk, "group": chosen, "replications": result["replications"], "rows": result["rows"],
            "fragile": [r["unit"] for r in result["fragile"]], "error": result.get("error", "")}


# ---- unit profile -------------------------------------------------------------------------------


class ResultsStandingOut(Schema):
    unit: str
    name: str
    group: str
    group_name: str
    total: float | None
    rank: int | None
    tier: str
    vetoed: bool
    reason: str


class ResultsProfileIndicatorOut(Schema):
    code: str
    name: str
    unit: str = Field(description="unit of measure")
    category: str
    value: float | None
    score: float | None
    full_marks: float | None
    rank: int | None = Field(description="组内位次")
    group_mean: float | None = Field(description="组内平均 (of the value)")


class ResultsRadarOut(Schema):
    categories: list[str]
    unit: list[float | None]
    mean: list[float | None]
    leader: list[float | None]
    maxes: list[float]


class ResultsHistoryOut(Schema):
    run_id: int
    label: str
    year: int
    number: int
    total: float | None
    rank: int | None
    tier: str


class ResultsProfileOut(Schema):
    run_id: int
    run_label: str
    standing: ResultsStandingOut
    group_size: int
    indicators: list[ResultsProfileIndicatorOut]
    radar: ResultsRadarOut
    history: list[ResultsHistoryOut]
    counts: dict[str, int] = Field(description="n indicators, top3, first places, full marks")
    trend_note: str


def _standing(run: ScoringRun, t: RunTotal) -> dict:
    return {"unit": t.unit_code, "name": t.unit_name, "group": t.group, "group_name": queries.group_names(run).get(t.group, t.group),
            "total": t.total, "rank": t.rank, "tier": t.tier, "vetoed": t.vetoed, "reason": t.reason}


@router.get("/units/{code}/profile", response=ResultsProfileOut, operation_id="results_profile_get",
            summary="单位画像 / A unit's profile in a run")
def unit_profile(request, q: Query[UnitRunQuery], code: str = Path(..., max_length=64)):  # noqa: B008 — ninja's way
    run, _visible = _unit_run(request, code, q)
    prof = queries.profile(run, code)
    if prof is None:
        raise HttpError(404, f"unit: '{code}' is not in this run")
    r = prof.radar
    return {
        "run_id": run.pk, "run_label": run.label, "standing": _standing(run, prof.total), "group_size": prof.group_size,
        "indicators": prof.indicators,
        "radar": {"categories": r["indicators"], "unit": r["unit"], "mean": r["mean"], "leader": r["leader"], "maxes": r["maxes"]},
        "history": [{"run_id": h["run"], "label": h["label"], "year": h["year"], "number": h["number"], "total": h["total"],
                     "rank": h["rank"], "tier": h["tier"]} for h in queries.history(code, run, run.kind)],
        "counts": prof.sentence_parts, "trend_note": queries.trend_note(run),
    }


# ---- gap and what-if ----------------------------------------------------------------------------


class ResultsReachOut(Schema):
    name: str
    value: float | None
    next_value: float | None
    unit: str


class ResultsGapOut(Schema):
    label: str
    points: float = Field(description="所需分数")
    target_total: float = Field(description="目标总分")
    reach: ResultsReachOut | None = Field(description="下一档数值: one indicator step that reaches it alone")


class ResultsRivalOut(Schema):
    unit: str
    name: str
    total: float | None
    rank: int | None
    tier: str


class ResultsStepOut(Schema):
    code: str
    indicator: str | None
    name: str
    unit: str
    method: str
    value: float | None
    score: float | None
    full_marks: float | None
    next_value: float | None = Field(description="withheld (null) before publication when it is another unit's value")
    gain: float | None
    new_total: float | None
    new_rank: int | None


class ResultsGapReportOut(Schema):
    run_id: int
    run_label: str
    standing: ResultsStandingOut
    rivals_hidden: bool = Field(description="before publication an assessed unit sees only itself")
    group: list[ResultsRivalOut]
    gaps: list[ResultsGapOut] = Field(description="to the next place and the leader")
    tier_gaps: list[ResultsGapOut]
    best: list[ResultsStepOut] = Field(description="提分空间: least improvement for most points first")


def _gap_out(g) -> dict:
    return {"label": g.label, "points": g.points, "target_total": g.target_total, "reach": g.reach}


@router.get("/units/{code}/gap", response=ResultsGapReportOut, operation_id="results_gap_get",
            summary="差距分析 / A unit's gap to the places and tiers above it")
def unit_gap(request, q: Query[UnitRunQuery], code: str = Path(..., max_length=64)):  # noqa: B008 — ninja's way
    run, visible = _unit_run(request, code, q)
    if not RunTotal.objects.filter(run=run, unit_code=code).exists():
        raise HttpError(404, f"unit: '{code}' is not in this run")
    g = gap_service.unit_gap(run, code, rivals_hidden=visible is not None)
    return {
        "run_id": run.pk, "run_label": run.label, "standing": _standing(run, g["me"]), "rivals_hidden": g["rivals_hidden"],
        "group": [{"unit": u, "name": n, "total": t, "rank": r, "tier": tier} for u, n, t, r, tier in g["group"]],
        "gaps": [_gap_out(x) for x in g["gaps"]], "tier_gaps": [_gap_out(x) for x in g["tier_gaps"]],
        "best": [{k: b.get(k) for k in ResultsStepOut.model_fields} for b in g["best"]],
    }


class ResultsWhatIfIn(Schema):
    values: dict[str, float | str] = Field(
        max_length=500, description="indicator code → the value to try (a number, or its text as typed on the page)")


class ResultsBoardMoveOut(Schema):
    code: str
    name: str
    old: int | None
    new: int | None


class ResultsWhatIfOut(Schema):
    run_id: int
    changes: dict[str, float] = Field(description="the values that differ from the run's")
    total: float | None
    rank: int | None
    tier: str | None
    old_total: float | None
    old_rank: int | None
    old_tier: str | None
    group_size: int
    boards: list[ResultsBoardMoveOut]


@router.post("/units/{code}/what-if", response=ResultsWhatIfOut, operation_id="results_whatif_compute",
             summary="模拟测算 / Re-score a unit with changed values")
def what_if(request, q: Query[UnitRunQuery], body: ResultsWhatIfIn, code: str = Path(..., max_length=64)):  # noqa: B008 — ninja's way
    """Each value through the page's number parser: not finite, or 10¹⁷ and beyond (inf, nan,
    1e308), is refused (422) naming the indicator; an indicator the unit has no value for too."""
    run, _visible = _unit_run(request, code, q)
    current = gap_service.current_values(run, code)
    if not current:
        raise HttpError(404, f"unit: '{code}' is not in this run")
    unknown = sorted(set(body.values) - set(current))
    if unknown:
        raise HttpError(422, "values: not indicators of this unit in the run: " + ", ".join(unknown[:20]))
    changes, errors = gap_service.what_if_changes(current, body.values)
    if errors:
        raise HttpError(422, "; ".join(errors))
    return {"run_id": run.pk, "changes": changes, **gap_service.what_if(run, code, changes)}


# ---- cockpit ------------------------------------------------------------------------------------


class ResultsRunRefOut(Schema):
    id: int
    label: str
    year: int
    kind: str
    number: int
    published: bool


class ResultsBoardRowOut(Schema):
    rank: int | None
    unit: str
    name: str
    group: str
    score: float


class ResultsCockpitBoardOut(Schema):
    code: str
    name: str
    rows: list[ResultsBoardRowOut] = Field(description="the top three of each group (an assessed unit: its own rows)")


class ResultsMoverOut(Schema):
    unit: str
    name: str
    group: str
    rank: int | None
    prev: int | None
    change: int
    total: float | None


class ResultsCockpitFlagOut(Schema):
    unit: str
    unit_name: str
    group: str
    board: str
    reason: str


class ResultsAttentionOut(Schema):
    kind: str = Field(description="appeal (to answer) or late (data not submitted)")
    text: str
    due: str
    overdue: bool


class ResultsSeriesOut(Schema):
    name: str
    data: list[float | None]


class ResultsTrendOut(Schema):
    months: list[str]
    series: list[ResultsSeriesOut]


class ResultsAboveOut(Schema):
    owner: str = Field(description="the unit whose assessment this is")
    unit: str
    rows: list[ResultsStandingOut]


class ResultsCockpitOut(Schema):
    run: ResultsRunRefOut | None = Field(description="the latest monthly run you may see (null: none yet)")
    boards: list[ResultsCockpitBoardOut]
    movers: list[ResultsMoverOut]
    red: list[ResultsCockpitFlagOut]
    yellow: list[ResultsCockpitFlagOut]
    red_count: int
    yellow_count: int
    trend: ResultsTrendOut | None
    attention: list[ResultsAttentionOut]
    above: ResultsAboveOut | None = Field(description="a district's place in the assessment above it")


def _flag_out(f) -> dict:
    return {"unit": f.unit_code, "unit_name": f.unit_name, "group": f.group, "board": f.board, "reason": f.reason}


@router.get("/cockpit", response=ResultsCockpitOut, operation_id="results_cockpit_get",
            summary="驾驶舱 / The leaders' cockpit: boards, movers, flags, items needing attention")
def cockpit(request):
    api_require(request, "results.view")
    c = cockpit_data(request.user, default_owner(request))
    run = c["run"]
    above = c["above"]
    out = {
        "run": None, "boards": [], "movers": [], "red": [], "yellow": [], "red_count": 0, "yellow_count": 0, "trend": None,
        "attention": [{"kind": a["kind"], "text": str(a["text"]), "due": a["due"].isoformat() if a["due"] else "",
                       "overdue": bool(a["overdue"])} for a in c["attention"]],
        "above": {"owner": above["owner"].code, "unit": above["unit"].code,
                  "rows": [_standing(s["run"], s["total"]) for s in above["rows"]]} if above else None,
    }
    if run is not None:
        trend = c["trend"]
        out.update({
            "run": {"id": run.pk, "label": run.label, "year": run.year, "kind": run.kind, "number": run.number,
                    "published": c["publication"] is not None},
            "boards": [{"code": b["code"], "name": b["name"], "rows": [
                {"rank": r.rank, "unit": r.unit_code, "name": r.unit_name, "group": r.group, "score": r.score} for r in b["rows"]]}
                for b in c["boards"]],
            "movers": c["movers"], "red": [_flag_out(f) for f in c["red"]], "yellow": [_flag_out(f) for f in c["yellow"]],
            "red_count": c["red_count"], "yellow_count": c["yellow_count"],
            "trend": {"months": trend["xAxis"]["data"], "series": [{"name": s["name"], "data": s["data"]} for s in trend["series"]]},
        })
    return out
