"""Scoring runs: stored exactly, sealed, hashed, verified, diffed."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kaohe.lib.periods import Period
from kaohe.results.models import RunBoard, RunImmutableError, RunIndicator, RunTotal, ScoringRun
from kaohe.results.runs import Inputs, create_run, diff_runs, execute_run, verify_run
from kaohe.results.services import publish
from tests.results.world import BASE, SCHEME, frames, scored_run

pytestmark = pytest.mark.django_db


def test_a_run_stores_the_engines_rows_and_seals_with_a_hash():
    run = scored_run()
    assert run.status == "done" and run.progress == 100 and len(run.content_hash) == 64
    totals = {t.unit_code: (t.total, t.rank, t.tier) for t in RunTotal.objects.filter(run=run)}
    # GDP 10/8/6/4, INV 6/10/8/4, SAT 5/5/0/5 (≥ 90) → 21, 23, 14, 13.
    assert totals == {"C-A": (21.0, 2, "第一等次"), "C-B": (23.0, 1, "第一等次"), "C-C": (14.0, 3, "第二等次"), "C-D": (13.0, 4, "第二等次")}
    a = RunTotal.objects.get(run=run, unit_code="C-A")
    assert a.categories == {"ECO": 16.0, "SRV": 5.0} and (a.first_places, a.top3, a.full_marks) == (2, 3, 2)
    assert RunIndicator.objects.filter(run=run).count() == 12
    assert list(RunBoard.objects.filter(run=run, board="LH").order_by("rank").values_list("unit_code", flat=True)) == ["C-B", "C-C", "C-A", "C-D"]
    assert run.scheme_meta["boards"][0] == {"code": "ZX", "name": "争先榜", "indicators": ["GDP"]}


def test_the_stored_inputs_are_exactly_what_was_scored():
    run = scored_run()
    inputs = Inputs.from_bytes(run.inputs)
    assert inputs.value_map()[("C-C", "SAT")] == 80.0
    assert inputs.scheme["name"] == "测试考核方案"
    assert inputs.hash() == run.inputs_hash


def test_a_sealed_run_refuses_changes_and_deletion():
    run = scored_run()
    run.reason = "改一下"
    with pytest.raises(RunImmutableError):
        run.save()
    with pytest.raises(RunImmutableError):
        run.delete()
    row = RunTotal.objects.get(run=run, unit_code="C-A")
    row.total = 99
    with pytest.raises(RunImmutableError):
        row.save()
    with pytest.raises(RunImmutableError):
        RunTotal.objects.filter(run=run).update(total=0)
    with pytest.raises(RunImmutableError):
        RunBoard.objects.filter(run=run).delete()


def test_same_inputs_give_the_same_content_hash():
    assert scored_run().content_hash == scored_run().content_hash


def test_verify_passes_on_untouched_runs(capsys):
    scored_run()
    call_command("verify")
    assert "1 run(s) recomputed" in capsys.readouterr().out


def test_verify_reports_a_tampered_stored_value_and_exits_non_zero(capsys):
    run = scored_run()
    with connection.cursor() as cursor:  # someone edits the table behind the application's back
        cursor.execute("UPDATE results_runtotal SET total = 30 WHERE run_id = %s AND unit_code = 'C-D'", [run.pk])
    findings = verify_run(ScoringRun.objects.get(pk=run.pk))
    assert any("结果被改动" in f.message for f in findings)
    assert any("总分表 C-D 总分：存储 30.0，重算 13.0" in f.message for f in findings)
    with pytest.raises(CommandError) as exc:
        call_command("verify")
    assert exc.value.returncode == 1
    assert "C-D" in capsys.readouterr().out


def test_verify_reports_tampered_inputs():
    run = scored_run()
    changed = Inputs.from_bytes(run.inputs).with_values({("C-A", "GDP"): 1.0})
    with connection.cursor() as cursor:
        cursor.execute("UPDATE results_scoringrun SET inputs = %s WHERE id = %s", [changed.to_bytes(), run.pk])
    findings = verify_run(ScoringRun.objects.get(pk=run.pk))
    assert any("输入被改动" in f.message for f in findings)


def test_verify_reports_a_broken_publication_chain(capsys):
    first = publish(scored_run())
    publish(scored_run(number=2))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE results_publication SET chain_hash = %s WHERE id = %s", ["0" * 64, first.pk])
    with pytest.raises(CommandError):
        call_command("verify", "--no-recompute")
    out = capsys.readouterr().out
    assert "链哈希不符" in out and "公示链断裂" in out


def test_a_correction_is_a_new_run_and_the_diff_names_the_values_behind_the_moves():
    run = scored_run()
    inputs = Inputs.from_bytes(run.inputs).with_values({("C-D", "GDP"): 9.0})
    correction = execute_run(create_run(inputs, period=run.period_value, previous=run, reason="更正", scheme_code="TEST"))
    assert correction.pk != run.pk and correction.previous_id == run.pk
    assert set(ScoringRun.objects.current()) == {correction}
    moves = {m.unit: m for m in diff_runs(run, correction)}
    # 丁区 GDP 5 → 9 takes GDP first place: GDP now D 10, A 8, B 6, C 4, so totals
    # B 21, A 19, D 10 + 4 + 5 = 19 (tied second), C 12: 丁区 4th → 2nd, 丙区 3rd → 4th.
    assert (moves["C-D"].rank_before, moves["C-D"].rank_after, moves["C-D"].places) == (4, 2, 2)
    assert (moves["C-C"].rank_before, moves["C-C"].rank_after) == (3, 4)
    assert moves["C-D"].changed_values == [("GDP", 5.0, 9.0)]
    assert moves["C-C"].changed_values == [] and moves["C-C"].changed_scores  # moved because of 丁区's value


def test_a_run_created_in_the_background_reports_progress_and_finishes():
    from kaohe.results.runs import start_run

    vf, uf, _tf = frames(BASE)
    run = create_run(Inputs.from_frames(SCHEME, vf, uf), period=Period.parse("2025-03"), scheme_code="TEST")
    assert run.status == "queued" and run.progress == 0
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        start_run(run)  # the test settings use django-tasks' immediate backend
    run.refresh_from_db()
    assert run.status == "done" and run.progress == 100
