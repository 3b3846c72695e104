"""The bulletins the 报告 page generates itself: what each is made from and how it is built.

Each kind is registered with kaohe.documents (its name and 机关代字); ``choices(user)`` lists what a
user may make a draft from (the sealed runs, the months of project figures) and ``make(user, value)``
returns the draft's (issuing unit, period code, gbt9704 document, source object). Other modules (the
economic monitor, supervision …) make their drafts from their own pages with
``kaohe.documents.services.draft`` — the 报告 page lists every kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaohe.documents.kinds import Kind, register
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.scope import manages, person_of
from kaohe.reports.bulletins import projects as projects_bulletin
from kaohe.reports.bulletins import results as results_bulletin
from kaohe.results.models import ScoringRun

KINDS = (
    Kind("monthly", _("月度晒榜通报"), prefix="考通", order=10),
    Kind("quarterly", _("季度点评"), prefix="考评", order=20),
    Kind("annual", _("年度考核结果通报"), prefix="考核", order=30),
    Kind("projects", _("重大项目监测通报"), prefix="项目", order=40),
)


def register_kinds() -> None:
    for kind in KINDS:
        register(kind)


@dataclass(frozen=True)
class Generator:
    kind: str
    choices: Callable  # (user) -> list[(value, label)]
    make: Callable  # (user, value, today) -> (unit, period, document, source)


def _runs(user, kind: str):
    return [r for r in ScoringRun.objects.current().filter(kind=kind).select_related("owner_unit")
            .order_by("-year", "-number", "-id")[:60] if r.owner_unit_id and manages(user, r)]


def _run_choices(kind: str):
    def choices(user):
        return [(str(r.pk), f"{r.label}（{r.scheme_name}）") for r in _runs(user, kind)]
    return choices


def _run_maker(kind: str, build):
    def make(user, value, today):
        run = next((r for r in _runs(user, kind) if str(r.pk) == str(value)), None)
        if run is None:
            raise Http404("run")
        return run.owner_unit, run.period_value.code, build(run, today=today), run
    return make


def _city_of(user) -> OrgUnit | None:
    person = person_of(user)
    if person is None:
        return OrgUnit.objects.filter(parent__isnull=True).first() if getattr(user, "is_superuser", False) else None
    unit = person.unit
    while unit.parent_id is not None and unit.kind not in ("city",):
        unit = unit.parent
    return unit


def _project_choices(user):
    city = _city_of(user)
    if city is None or not manages(user, city):
        return []
    today = timezone.localdate()
    out = []
    y, m = today.year, today.month
    for _i in range(12):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append((f"{y}-{m:02d}", f"{y}年{m}月"))
    return out


def _project_maker(user, value, today):
    city = _city_of(user)
    if city is None or not manages(user, city) or value not in dict(_project_choices(user)):
        raise Http404("month")
    y, m = (int(x) for x in value.split("-"))
    data = projects_bulletin.collect(y, m, city=city)
    return city, value, projects_bulletin.to_document(data, today=today), None


GENERATORS: dict[str, Generator] = {
    "monthly": Generator("monthly", _run_choices("month"), _run_maker("month", results_bulletin.monthly)),
    "quarterly": Generator("quarterly", _run_choices("quarter"), _run_maker("quarter", results_bulletin.quarterly)),
    "annual": Generator("annual", _run_choices("year"), _run_maker("year", results_bulletin.annual)),
    "projects": Generator("projects", _project_choices, _project_maker),
}


def make_draft(user, kind: str, value: str, today: dt.date | None = None):
    """Build the draft of ``kind`` from ``value`` (a run id, a month) and store it (replacing the draft
    of the same kind, unit and period)."""
    from kaohe.documents import services

    gen = GENERATORS.get(kind)
    if gen is None:
        raise Http404("kind")
    unit, period, document, source = gen.make(user, value, today or timezone.localdate())
    return services.draft(kind=kind, unit=unit, period=period, document=document, user=user, source=source)
