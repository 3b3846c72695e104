"""Helpers shared by the results views: picking runs, permission checks, Excel export."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from kaohe.assessment.models import PeriodKind
from kaohe.assessment.services import assessment_owner
from kaohe.lib.exports import Table, xlsx_response
from kaohe.orgs.permissions import check, person_of, require
from kaohe.results.models import ScoringRun
from kaohe.results.services import latest_run, visible_units


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def export(filename: str, tables: list[Table]):
    return xlsx_response(filename, tables)


def run_or_404(request, pk: int) -> ScoringRun:
    require(request.user, "results.view")
    return get_object_or_404(ScoringRun.objects.done(), pk=pk)


def pick_run(request, kind: str = PeriodKind.MONTH) -> ScoringRun | None:
    require(request.user, "results.view")
    pk = request.GET.get("run")
    if pk:
        try:
            return ScoringRun.objects.done().get(pk=int(pk))
        except (ValueError, ScoringRun.DoesNotExist):
            raise Http404 from None
    return latest_run(kind, owner=default_owner(request))


def default_owner(request):
    """The 考核主体 whose runs a page shows unless a run is named (see ``assessment_owner``)."""
    return assessment_owner(person_of(request.user))


def require_unit_visible(request, run: ScoringRun, unit_code: str) -> set[str] | None:
    visible = visible_units(request.user, run)
    if visible is not None and unit_code not in visible:
        raise PermissionDenied("results.view_unit")
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
