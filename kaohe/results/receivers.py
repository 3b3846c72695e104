"""React to the assessment app: score a period when its data is approved, mark runs stale on corrections."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kaohe.assessment import signals
from kaohe.assessment.models import Period, SchemeVersion
from kaohe.assessment.services import run_inputs
from kaohe.results.models import ScoringRun, StaleMark
from kaohe.results.runs import Inputs, create_run, start_run


def run_for_period(version: SchemeVersion, period: Period, user=None, background: bool = True) -> ScoringRun:
    """Create (and enqueue) a scoring run from the assessment's approved data for ``period``."""
    data = run_inputs(version, period)
    scheme = version.scheme
    inputs = Inputs.from_frames(data.scheme, data.values, data.units, data.targets,
                                period=data.period_code or period.code)
    run = create_run(
        inputs, period=period, scheme_version=version,
        scheme_code=scheme.code, scheme_name=scheme.name,
        user=user, source_hash=data.source_hash, owner_unit=scheme.owner_unit,
    )
    return start_run(run, background=background)


def on_period_approved(sender, version=None, period=None, **kwargs) -> None:
    run_for_period(version, period)


def on_values_corrected(sender, version=None, period=None, units=None, indicators=None, **kwargs) -> None:
    runs = ScoringRun.objects.current().filter(scheme_version=version, period=period)
    StaleMark.objects.bulk_create([
        StaleMark(run=run, reason=_("考核数据已更正，结果需重新计分。"),
                  units=[getattr(u, "code", u) for u in (units or [])],
                  indicators=[getattr(i, "code", i) for i in (indicators or [])])
        for run in runs
    ])


def on_attachment_deleted(sender, instance=None, **kwargs) -> None:
    """An appeal's file goes with its row (an appeal deleted or rolled back leaves no file) — once committed."""
    from django.db import transaction

    from kaohe.lib.files import delete_files

    name, storage = instance.file.name, instance.file.storage
    transaction.on_commit(lambda: delete_files(storage, [name]))


def connect() -> None:
    from django.db.models.signals import post_delete

    from kaohe.results.models import AppealAttachment

    post_delete.connect(on_attachment_deleted, sender=AppealAttachment, dispatch_uid="results.attachment_deleted")
    signals.period_approved.connect(on_period_approved, dispatch_uid="results.period_approved")
    signals.values_corrected.connect(on_values_corrected, dispatch_uid="results.values_corrected")
