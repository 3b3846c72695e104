"""JSON API of results (mounted at /api/results/): runs, totals, boards, the public publications.

Token or session auth (``kaohe.api.auth.API_AUTH``); what a user sees is filtered exactly as in
the web pages (before publication an assessed unit sees only its own rows).
"""

from __future__ import annotations

from ninja import Router, Schema
from ninja.errors import HttpError

from kaohe.lib.params import Id, Year
from kaohe.orgs.permissions import api_require, check
from kaohe.orgs.scope import get_visible_or_404
from kaohe.results.models import RANK_ORDER, Publication, RunBoard, RunTotal, ScoringRun
from kaohe.results.recovery import recover_if_abandoned
from kaohe.results.services import visible_units

# Token or session auth is applied where the router is mounted (kaohe.api.routers).
router = Router(tags=["results"])


class RunOut(Schema):
    id: int
    scheme_code: str
    scheme_name: str
    year: int
    kind: str
    number: int
    label: str
    status: str
    progress: int
    content_hash: str
    previous_id: int | None


class TotalOut(Schema):
    unit: str
    name: str
    group: str
    total: float | None  # None: not assessed (不参与排名), see reason
    rank: int | None
    tier: str
    vetoed: bool
    categories: dict[str, float]
    assessed: bool = True
    reason: str = ""


class BoardOut(Schema):
    board: str
    unit: str
    name: str
    group: str
    score: float
    rank: int | None


class PublicationOut(Schema):
    id: int
    run_id: Id
    title: str
    published_at: str
    notice_ends: str
    run_hash: str
    previous_hash: str
    chain_hash: str


def _run(request, run_id: int, *, done: bool = True) -> ScoringRun:
    """A run the caller may see — sealed unless ``done`` is False (then a run whose process died is
    marked failed first); any other is 404. The one lookup of every results operation."""
    api_require(request, "results.view")
    if done:
        return get_visible_or_404(request.user, ScoringRun.objects.done(), pk=run_id)
    return recover_if_abandoned(get_visible_or_404(request.user, ScoringRun.objects.all(), pk=run_id))


@router.get("/runs", operation_id="results_run_list", summary="考核计算列表 / List scoring runs", response=list[RunOut])
def list_runs(request, year: Year | None = None, kind: str | None = None):
    if not check(request.user, "results.view"):
        raise HttpError(403, "results.view")
    qs = ScoringRun.objects.visible_to(request.user).order_by("-year", "kind", "-number", "-id")
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return [RunOut(id=r.pk, scheme_code=r.scheme_code, scheme_name=r.scheme_name, year=r.year, kind=r.kind, number=r.number,
                   label=r.label, status=r.status, progress=r.progress, content_hash=r.content_hash, previous_id=r.previous_id)
            for r in qs[:500]]


@router.get("/runs/{run_id}/totals", operation_id="results_total_list", summary="总分与排名 / Totals and ranks of a run", response=list[TotalOut])
def run_totals(request, run_id: Id, group: str | None = None):
    run = _run(request, run_id)
    qs = RunTotal.objects.filter(run=run).order_by("group", RANK_ORDER, "unit_code")
    visible = visible_units(request.user, run)
    if visible is not None:
        qs = qs.filter(unit_code__in=visible)
    if group:
        qs = qs.filter(group=group)
    return [TotalOut(unit=t.unit_code, name=t.unit_name, group=t.group, total=t.total, rank=t.rank, tier=t.tier,
                     vetoed=t.vetoed, categories=t.categories, assessed=t.assessed, reason=t.reason) for t in qs]


@router.get("/runs/{run_id}/boards/{board}", operation_id="results_board_get", summary="晒榜 / One board of a run", response=list[BoardOut])
def run_board(request, run_id: Id, board: str, group: str | None = None):
    run = _run(request, run_id)
    qs = RunBoard.objects.filter(run=run, board=board).order_by("group", RANK_ORDER, "unit_code")
    visible = visible_units(request.user, run)
    if visible is not None:
        qs = qs.filter(unit_code__in=visible)
    if group:
        qs = qs.filter(group=group)
    return [BoardOut(board=b.board, unit=b.unit_code, name=b.unit_name, group=b.group, score=b.score, rank=b.rank) for b in qs]


@router.get("/publications", operation_id="results_publication_list", summary="公示及其哈希 / Publications with their hashes", response=list[PublicationOut], auth=None)
def publications(request):
    """Public: every publication with its hashes (anyone can check the chain)."""
    return [PublicationOut(id=p.pk, run_id=p.run_id, title=p.title, published_at=p.published_at.isoformat(),
                           notice_ends=p.notice_ends.isoformat(), run_hash=p.run_hash, previous_hash=p.previous_hash,
                           chain_hash=p.chain_hash)
            for p in Publication.objects.order_by("published_at", "id")]


# The workflows live beside (kaohe/results/api_workflow.py) and add themselves to this router.
from kaohe.results import api_analysis, api_files, api_workflow  # noqa: E402, F401
