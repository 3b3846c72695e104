"""Helpers shared by the results views: picking runs, permission checks, Excel export."""

from __future__ import annotations

from django.http import Http404

from kaohe.assessment.models import PeriodKind
from kaohe.assessment.services import assessing_owner, assessment_owner
from kaohe.lib.exports import Table, xlsx_response
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import check, person_of, require
from kaohe.orgs.scope import get_visible_or_404
from kaohe.results.models import ScoringRun
from kaohe.results.recovery import recover_if_abandoned
from kaohe.results.services import latest_run, visible_units


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def export(filename: str, tables: list[Table]):
    return xlsx_response(filename, tables)


def run_or_404(request, pk: int, *, done: bool = True) -> ScoringRun:
    """A run the user may see (a sealed one unless ``done=False``); any other is 404."""
    require(request.user, "results.view")
    if done:
        return get_visible_or_404(request.user, ScoringRun.objects.done(), pk=pk)
    # A run still "running" whose process died is marked failed before it is shown.
    return recover_if_abandoned(get_visible_or_404(request.user, ScoringRun.objects.all(), pk=pk))


def pick_run(request, kind: str = PeriodKind.MONTH) -> ScoringRun | None:
    """The run of ``?run=`` (404 unless visible), else the newest visible run of ``kind``."""
    require(request.user, "results.view")
    pk = request.GET.get("run")
    if pk:
        if not pk.isdigit():
            raise Http404
        return run_or_404(request, int(pk))
    return latest_run(kind, owner=default_owner(request), user=request.user)


def unit_run(user, code: str, kind: str = PeriodKind.MONTH, run_pk: int | None = None) -> ScoringRun:
    """The run a unit's pages (画像、差距分析、模拟测算) show: run ``run_pk`` (404 unless visible), else
    the latest run of ``kind`` of the owner that assesses the unit (a street's page shows its
    district's assessment, a district's page the city's). The page and the API both ask here."""
    require(user, "results.view")
    if run_pk is not None:
        return get_visible_or_404(user, ScoringRun.objects.done(), pk=run_pk)
    run = latest_run(kind, owner=assessment_owner(person_of(user)), user=user)
    unit = OrgUnit.objects.filter(code=code).select_related("parent").first()
    owner = assessing_owner(unit) if unit is not None else None
    if owner is not None and (run is None or run.owner_unit_id != owner.pk):
        run = latest_run(kind if kind in PeriodKind.values else PeriodKind.MONTH, owner=owner) or run
    if run is None:
        raise Http404
    return run


def default_owner(request):
    """The 考核主体 whose runs a page shows unless a run is named (see ``assessment_owner``)."""
    return assessment_owner(person_of(request.user))


def require_unit_visible(request, run: ScoringRun, unit_code: str) -> set[str] | None:
    """The unit codes the user sees in ``run``; a unit outside them is not found (404)."""
    visible = visible_units(request.user, run)
    if visible is not None and unit_code not in visible:
        raise Http404("results.view_unit")
    return visible


def own_unit_code(request) -> str | None:
    person = person_of(request.user)
    return person.unit.code if person is not None else None


def can_manage(request, run=None) -> bool:
    return check(request.user, "results.manage", run)


def page_number(request) -> int:
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return 1
