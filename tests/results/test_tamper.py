"""Tamper evidence: ``kaohe verify`` detects each direct database edit of a published run — the
scores and inputs (content hash), the words beside them (names, tiers, title, notice end: the
publication's seal), the status of its appeals and awards (against the audit log), and the
assessment values it was scored from (the source hash, unless a correction was recorded)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from kaohe.assessment import signals
from kaohe.assessment.models import DataValue
from kaohe.results.models import (
    Appeal,
    Award,
    Publication,
    RunBoard,
    RunIndicator,
    RunTotal,
    ScoringRun,
)
from kaohe.results.services import decide_award, file_appeal, nominate, publish, reject_appeal
from tests.assessment.factories import adopted_version, periods, put
from tests.results.fixtures import build_scored

pytestmark = pytest.mark.django_db


def _verify() -> str:
    from io import StringIO

    out = StringIO()
    try:
        call_command("verify", "--no-recompute", stdout=out)
    except CommandError:
        return "FAILED\n" + out.getvalue()
    return "OK\n" + out.getvalue()


@pytest.fixture
def published(org_world):
    scored = build_scored(org_world)
    w = scored.w
    pub = publish(scored.annual, w.office)
    appeal = file_appeal(pub, w.district_a, "INV", "漏报", w.assessed_a)
    reject_appeal(appeal, w.office, response="核实无误")
    award = nominate(2025, "special", w.district_a, "重大贡献", w.office)
    decide_award(award, w.office, approve=False, note="不符合条件")
    assert _verify().startswith("OK"), _verify()
    return scored, pub, appeal, award


def _sql(model, where: str, params: list, **fields):
    """A direct database edit (the models refuse to change sealed rows)."""
    from django.db import connection

    sets = ", ".join(f"{name} = %s" for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET {sets} WHERE {where}", [*fields.values(), *params])


def _swap_names(run):
    a, b = RunTotal.objects.filter(run=run).order_by("unit_code")[:2]
    _sql(RunTotal, "id = %s", [a.pk], unit_name=b.unit_name)
    _sql(RunTotal, "id = %s", [b.pk], unit_name=a.unit_name)


def _swap_board_names(run):
    rows = list(RunBoard.objects.filter(run=run).order_by("board", "unit_code"))
    a = rows[0]
    b = next(r for r in rows if r.unit_name != a.unit_name)
    _sql(RunBoard, "id = %s", [a.pk], unit_name=b.unit_name)
    _sql(RunBoard, "id = %s", [b.pk], unit_name=a.unit_name)


def _rename_tier(run):
    import json

    meta = dict(run.scheme_meta)
    meta["tiers"] = {**meta.get("tiers", {}), "levels": [{"name": "优秀（改）"}]}
    _sql(ScoringRun, "id = %s", [run.pk], scheme_meta=json.dumps(meta, ensure_ascii=False))


EDITS = {
    "unit names swapped in the totals": lambda s, p, a, w: _swap_names(s.annual),
    "unit names swapped on a board": lambda s, p, a, w: _swap_board_names(s.annual),
    "a tier name": lambda s, p, a, w: _rename_tier(s.annual),
    "the publication's title": lambda s, p, a, w: Publication.objects.filter(pk=p.pk).update(title="另一标题"),
    "the notice end (moves the appeal window)": lambda s, p, a, w: Publication.objects.filter(pk=p.pk).update(
        notice_ends=p.notice_ends + dt.timedelta(days=30)),
    "an appeal's status": lambda s, p, a, w: Appeal.objects.filter(pk=a.pk).update(status="accepted"),
    "an award's status": lambda s, p, a, w: Award.objects.filter(pk=w.pk).update(status="approved"),
    "a total": lambda s, p, a, w: _sql(RunTotal, "run_id = %s", [s.annual.pk], total=99),
    "a rank": lambda s, p, a, w: _sql(RunTotal, "run_id = %s AND rank = 1", [s.annual.pk], rank=2),
    "an indicator's score": lambda s, p, a, w: _sql(RunIndicator, "run_id = %s", [s.annual.pk], score=0),
    "the stored inputs": lambda s, p, a, w: _sql(ScoringRun, "id = %s", [s.annual.pk], inputs=bytes(s.jan.inputs)),
    "the publication's run hash": lambda s, p, a, w: Publication.objects.filter(pk=p.pk).update(run_hash="0" * 64),
    "the chain hash": lambda s, p, a, w: Publication.objects.filter(pk=p.pk).update(chain_hash="0" * 64),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_verify_detects_a_direct_edit_of(published, edit):
    scored, pub, appeal, award = published
    EDITS[edit](scored, pub, appeal, award)
    assert _verify().startswith("FAILED"), edit


def test_verify_detects_an_input_value_changed_after_sealing_without_a_correction(org_world):
    version = adopted_version(org_world)
    march = periods(2025)[3]
    values = {("C-A", "fai"): "120", ("C-B", "fai"): "100", ("C-A", "export"): "30", ("C-B", "export"): "40",
              ("C-A", "trade"): "50", ("C-B", "trade"): "60", ("C-A", "gdp"): "300", ("C-B", "gdp"): "280",
              ("C-A", "jobs"): "900", ("C-B", "jobs"): "800"}
    assert put(org_world, version, march, values).ok
    with TestCase.captureOnCommitCallbacks(execute=True):
        signals.period_approved.send(sender=None, version=version, period=march)
    run = ScoringRun.objects.get(scheme_version=version, period=march)
    publish(run, org_world.office, check_completeness=False)
    assert _verify().startswith("OK")
    DataValue.objects.filter(version=version, period=march, unit=org_world.district_a, indicator="fai").update(value=999)
    assert "公示后被改动" in _verify()
