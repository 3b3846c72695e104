"""Tamper evidence: ``kaohe verify`` detects each of the 15 direct database edits of a published run
that issue 14's probe made, one for one, and names what was changed — the scores and inputs (content
hash, recomputation), the words beside them (names, tiers, title, notice end: the publication's seal,
compared with the manifest its hash-chained audit entry recorded), the status of its appeals and
awards (against the audit log), the assessment values it was scored from (the source hash, unless a
correction was recorded) and the audit log itself (its hash chain).

Publications made before their words were sealed (an empty seal) are said to be unchecked, plainly.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from kaohe.assessment import signals
from kaohe.assessment.models import DataValue
from kaohe.audit import chain
from kaohe.audit.models import AuditEntry
from kaohe.audit.services import record
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
LATER = dt.timedelta(minutes=5)


def _verify(*args) -> str:
    out = StringIO()
    try:
        call_command("verify", *args, stdout=out)
    except CommandError:
        return "FAILED\n" + out.getvalue()
    return "OK\n" + out.getvalue()


@pytest.fixture
def published(org_world):
    """The city's annual run published, with a rejected appeal and a refused award; 甲区 and 乙区's
    March scored from the assessment's values and published; 80 more audit entries; all sealed."""
    scored = build_scored(org_world)
    w = scored.w
    pub = publish(scored.annual, w.office)
    appeal = file_appeal(pub, w.district_a, "INV", "漏报", w.assessed_a)
    reject_appeal(appeal, w.office, response="核实无误")
    award = nominate(2025, "special", w.district_a, "重大贡献", w.office)
    decide_award(award, w.office, approve=False, note="不符合条件")
    version = adopted_version(w)
    march = periods(2025)[3]
    values = {("C-A", "fai"): "120", ("C-B", "fai"): "100", ("C-A", "export"): "30", ("C-B", "export"): "40",
              ("C-A", "trade"): "50", ("C-B", "trade"): "60", ("C-A", "gdp"): "300", ("C-B", "gdp"): "280",
              ("C-A", "jobs"): "900", ("C-B", "jobs"): "800"}
    assert put(w, version, march, values).ok
    with TestCase.captureOnCommitCallbacks(execute=True):
        signals.period_approved.send(sender=None, version=version, period=march)
    sourced = ScoringRun.objects.get(scheme_version=version, period=march)
    publish(sourced, w.office, check_completeness=False)
    for n in range(80):
        record("update", None, object_type="assessment.datavalue", user=w.office, reason=f"第{n}次", after={"n": n})
    chain.seal(now=timezone.now() + LATER)
    verdict = _verify()
    assert verdict.startswith("OK"), verdict
    scored.pub, scored.appeal, scored.award, scored.version, scored.march = pub, appeal, award, version, march
    return scored


def _sql(model, where: str, params: list, **fields):
    """A direct database edit (the models refuse to change sealed rows)."""
    sets = ", ".join(f"{name} = %s" for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET {sets} WHERE {where}", [*fields.values(), *params])


def _swap(model, run, **where):
    """Swap 甲区's and 乙区's names in ``model``'s rows of ``run`` (optionally of one board)."""
    a = model.objects.get(run=run, unit_code="C-A", **where)
    b = model.objects.get(run=run, unit_code="C-B", **where)
    _sql(model, "id = %s", [a.pk], unit_name=b.unit_name)
    _sql(model, "id = %s", [b.pk], unit_name=a.unit_name)


def _rename_tier(run):
    meta = dict(run.scheme_meta)
    meta["tiers"] = {**meta.get("tiers", {}), "levels": [{"name": "优秀（改）"}]}
    _sql(ScoringRun, "id = %s", [run.pk], scheme_meta=json.dumps(meta, ensure_ascii=False))


def _delete_fifty_audit_entries(s):
    ids = list(AuditEntry.objects.filter(seq__isnull=False).order_by("seq").values_list("id", flat=True)[10:60])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id IN ({','.join(map(str, ids))})")


def _change_a_source_value(s):
    DataValue.objects.filter(version=s.version, period=s.march, unit=s.w.district_a, indicator="fai").update(value=999)


#: edit → (what it does to the published world, what ``kaohe verify`` must say). Hand-worked: the
#: annual run's 甲区 has total 21 (GDP 10 + INV 6 + SAT 5), rank 2, 第一等次 (tests/results/world.py).
EDITS = {
    "unit names swapped on a published board": (
        lambda s: _swap(RunBoard, s.annual, board="ZX"), "榜单 ZX 中 C-A 的单位名称由“甲区”改为“乙区”"),
    "unit names swapped in the totals": (
        lambda s: _swap(RunTotal, s.annual), "总分表中 C-A 的单位名称由“甲区”改为“乙区”"),
    "a tier name": (lambda s: _rename_tier(s.annual), "等次设置（名称与分界）被改动"),
    "the publication's title": (
        lambda s: Publication.objects.filter(pk=s.pub.pk).update(title="另一标题"), "”改为“另一标题”"),
    "the notice end (moves the appeal window)": (
        lambda s: Publication.objects.filter(pk=s.pub.pk).update(notice_ends=s.pub.notice_ends + dt.timedelta(days=30)),
        "公示截止时间由“"),
    "an input value changed after sealing": (_change_a_source_value, "C-A fai 2025-03：计分时 120.0，现在 999.0"),
    "an appeal's status": (
        lambda s: Appeal.objects.filter(pk=s.appeal.pk).update(status="accepted"), "的状态“已采纳”与操作日志记录的“已驳回”不符"),
    "an award's status": (
        lambda s: Award.objects.filter(pk=s.award.pk).update(status="approved"), "的状态“已批准”与操作日志记录的“未批准”不符"),
    "50 deleted audit entries": (_delete_fifty_audit_entries, "的 50 条记录（被删除）"),
    "a total": (lambda s: _sql(RunTotal, "run_id = %s AND unit_code = %s", [s.annual.pk, "C-A"], total=99),
                "总分表 C-A 总分：存储 99"),
    "a rank": (lambda s: _sql(RunTotal, "run_id = %s AND unit_code = %s", [s.annual.pk, "C-A"], rank=1),
               "总分表 C-A 名次：存储 1，重算 2"),
    "an indicator's score": (
        lambda s: _sql(RunIndicator, "run_id = %s AND unit_code = %s AND indicator = %s", [s.annual.pk, "C-A", "GDP"], score=0),
        "指标得分 C-A/GDP 得分：存储 0"),
    "the stored inputs": (lambda s: _sql(ScoringRun, "id = %s", [s.annual.pk], inputs=bytes(s.jan.inputs)),
                          "输入数据与入库哈希不符（输入被改动）"),
    "the publication's run hash": (lambda s: Publication.objects.filter(pk=s.pub.pk).update(run_hash="0" * 64),
                                   "的结果哈希与计分批次不符"),
    "the chain hash": (lambda s: Publication.objects.filter(pk=s.pub.pk).update(chain_hash="0" * 64), "的链哈希不符"),
}


def test_the_fifteen_edits_of_the_probe_are_all_here():
    assert len(EDITS) == 15


@pytest.mark.parametrize("edit", list(EDITS))
def test_verify_detects_and_names_a_direct_edit_of(published, edit):
    change, named = EDITS[edit]
    change(published)
    verdict = _verify()
    assert verdict.startswith("FAILED"), (edit, verdict)
    assert named in verdict, (edit, verdict)


def test_the_manifest_names_the_old_and_new_status_words(published):
    # The audit log holds the codes; verify prints the words (已驳回 → 已采纳), never the codes.
    Appeal.objects.filter(pk=published.appeal.pk).update(status="accepted")
    verdict = _verify("--no-recompute")
    assert f"申诉 {published.appeal.pk} 的状态“已采纳”" in verdict and "accepted" not in verdict


def test_a_publication_sealed_before_its_words_were_is_reported_as_unchecked_not_passed_in_silence(published):
    Publication.objects.filter(pk=published.pub.pk).update(seal_hash="")
    verdict = _verify("--no-recompute")
    assert verdict.startswith("OK"), verdict  # nothing is known to be wrong …
    assert f"公示 {published.pub.pk}（" in verdict and "发布于文字封存之前" in verdict and "无法核验" in verdict
    assert "1 publication(s) sealed before their words were: words not checked" in verdict
    # … and its scores and chain are still checked.
    _sql(RunTotal, "run_id = %s AND unit_code = %s", [published.annual.pk, "C-A"], total=99)
    assert _verify("--no-recompute").startswith("FAILED")


def test_a_publication_whose_manifest_was_not_recorded_still_fails_with_the_general_message(published):
    entry = AuditEntry.objects.of_type("results.publication").get(object_id=published.pub.pk, action="publish")
    after = dict(entry.after)
    after.pop("manifest")
    AuditEntry.objects.filter(pk=entry.pk).update(after=after, seq=None, chain="")  # as if recorded before manifests
    chain.AuditChainHead.objects.all().delete()
    AuditEntry.objects.update(seq=None, chain="")
    chain.seal(now=timezone.now() + LATER)
    Publication.objects.filter(pk=published.pub.pk).update(title="另一标题")
    verdict = _verify("--no-recompute")
    assert verdict.startswith("FAILED") and "标题、公示期、单位或等次名称与封存时不符（被改动）" in verdict
