"""Helpers shared by the assessment views."""

from __future__ import annotations

from kaohe.assessment.models import Period, PeriodKind, PeriodStatus, SchemeVersion, VersionStatus

# The one download helper and file types, re-exported under the names the views use.
from kaohe.lib.exports import DOCX_TYPE as DOCX  # noqa: F401
from kaohe.lib.exports import XLSX_TYPE as XLSX  # noqa: F401
from kaohe.lib.exports import attachment as download  # noqa: F401
from kaohe.orgs.permissions import person_of


def default_version(versions=None) -> SchemeVersion | None:
    """The adopted version of the newest year that has open periods, else the newest adopted one.

    ``versions`` narrows the choice (``SchemeVersion.objects.visible_to(user)`` or
    ``.managed_by(user)``); by default every version counts.
    """
    versions = list((SchemeVersion.objects.all() if versions is None else versions)
                    .filter(status=VersionStatus.ADOPTED).select_related("scheme").order_by("-scheme__year", "scheme__code"))
    open_years = set(Period.objects.exclude(status=PeriodStatus.LOCKED).values_list("owner_unit_id", "year"))
    for v in versions:
        if (v.scheme.owner_unit_id, v.scheme.year) in open_years:
            return v
    return versions[0] if versions else None


def default_period(version: SchemeVersion) -> Period | None:
    qs = Period.objects.filter(owner_unit_id=version.scheme.owner_unit_id, year=version.scheme.year, kind=PeriodKind.MONTH)
    return qs.filter(status=PeriodStatus.OPEN).order_by("end").first() or qs.order_by("-end").first()


def user_unit(request):
    person = person_of(request.user)
    return person.unit if person else None
