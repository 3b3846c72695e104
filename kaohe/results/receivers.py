"""React to the assessment app: score a period when its data is approved, mark runs stale on corrections."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kaohe.assessment import signals
from kaohe.results.models import RunKind, StaleMark

PERIOD_KINDS = {
    "month": RunKind.MONTHLY, "monthly": RunKind.MONTHLY, "m": RunKind.MONTHLY,
    "quarter": RunKind.QUARTERLY, "quarterly": RunKind.QUARTERLY, "q": RunKind.QUARTERLY,
    "half": RunKind.HALF_YEARLY, "half_year": RunKind.HALF_YEARLY, "half_yearly": RunKind.HALF_YEARLY,
    "halfyear": RunKind.HALF_YEARLY, "h": RunKind.HALF_YEARLY,
    "year": RunKind.ANNUAL, "yearly": RunKind.ANNUAL, "annual": RunKind.ANNUAL, "y": RunKind.ANNUAL,
}


def period_key(period: Any) -> tuple[int, str, int]:
    """(year, run kind, number) of an assessment Period."""
    kind = PERIOD_KINDS.get(str(getattr(period, "kind", "month")).lower(), RunKind.MONTHLY)
    year = int(getattr(period, "year", 0) or getattr(getattr(period, "start", None), "year", 0))
    number = getattr(period, "number", None) or getattr(period, "index", None) or getattr(period, "month", None)
    if number is None:
        start = getattr(period, "start", None)
        number = start.month if (start is not None and kind == RunKind.MONTHLY) else 1
    return year, kind, int(number)


def run_for_period(version: Any, period: Any, user=None, background: bool = True):
    """Create (and enqueue) a scoring run from the assessment's approved data for ``period``."""
    from kaohe.assessment.services import run_inputs
    from kaohe.results.runs import Inputs, create_run, start_run

    data = run_inputs(version, period)
    year, kind, number = period_key(period)
    scheme = getattr(version, "scheme", None)
    inputs = Inputs.from_frames(data.scheme, data.values, data.units, data.targets,
                                period=getattr(data, "period_code", None) or getattr(period, "code", None))
    run = create_run(
        inputs, year=year, kind=kind, number=number,
        # without a stored scheme, create_run names the run from the engine's scheme
        scheme_code=getattr(scheme, "code", None), scheme_name=getattr(scheme, "name", None),
        user=user, source_hash=str(getattr(data, "source_hash", "") or ""),
        scheme_version_ref=getattr(version, "pk", None), period_ref=getattr(period, "pk", None),
        owner_unit=getattr(scheme, "owner_unit", None) or getattr(scheme, "unit", None),
    )
    return start_run(run, background=background)


def on_period_approved(sender, version=None, period=None, **kwargs) -> None:
    run_for_period(version, period)


def on_values_corrected(sender, version=None, period=None, units=None, indicators=None, **kwargs) -> None:
    from kaohe.results.models import ScoringRun

    runs = ScoringRun.objects.current().filter(scheme_version_ref=getattr(version, "pk", None), period_ref=getattr(period, "pk", None))
    StaleMark.objects.bulk_create([
        StaleMark(run=run, reason=_("考核数据已更正，结果需重新计分。"),
                  units=[getattr(u, "code", u) for u in (units or [])],
                  indicators=[getattr(i, "code", i) for i in (indicators or [])])
        for run in runs
    ])


def connect() -> None:
    signals.period_approved.connect(on_period_approved, dispatch_uid="results.period_approved")
    signals.values_corrected.connect(on_values_corrected, dispatch_uid="results.values_corrected")
