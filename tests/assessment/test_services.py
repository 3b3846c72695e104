"""Saving values: validation, optimistic locking, audit, workflow, corrections, run inputs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaohe.assessment import services, signals
from kaohe.assessment.models import (
    DataValue,
    Submission,
    SubmissionStatus,
    Target,
    ValueChange,
    VersionStatus,
)
from kaohe.audit.models import AuditEntry
from tests.assessment.factories import adopted_version, periods, put

pytestmark = pytest.mark.django_db


@pytest.fixture
def only_our_receivers():
    """Other apps' receivers (the results app scores on these signals) are not under test here."""
    saved = {sig: sig.receivers[:] for sig in (signals.period_approved, signals.values_corrected)}
    for sig in saved:
        sig.receivers = []
        sig.sender_receivers_cache.clear()
    yield
    for sig, receivers in saved.items():
        sig.receivers = receivers
        sig.sender_receivers_cache.clear()


@pytest.fixture
def setup(org_world):
    version = adopted_version(org_world)
    months = periods(2025)
    periods(2024)
    return org_world, version, months


def test_saving_values_stores_them_with_revision_and_one_audit_entry(setup):
    w, version, months = setup
    result = put(w, version, months[3], {("C-A", "fai"): "120.5", ("C-B", "fai"): "98"})
    assert result.ok and result.saved == 2
    row = DataValue.objects.get(unit=w.district_a, indicator="fai", period=months[3])
    assert row.value == Decimal("120.5") and row.revision == 1 and row.kind == "ytd"
    entry = AuditEntry.objects.of_type("assessment.datavalue").get()
    assert entry.username == "submitter"
    # One entry per responsible unit's submission (its parent); one value-change row per cell.
    sub = Submission.objects.get(version=version, period=months[3], responsible_unit=entry.object_unit)
    assert (entry.related_object_type.model, entry.related_object_id, entry.object_id) == ("submission", sub.pk, None)
    assert entry.after == {"source": "grid", "values": 2, "version": version.pk, "period": months[3].pk}
    assert "（在线填报）" in entry.object_repr and "(grid)" not in entry.object_repr
    changes = ValueChange.objects.filter(entry=entry).order_by("unit__code")
    assert [(c.unit_id, c.old, c.new, c.revision, c.source) for c in changes] == [
        (w.district_a.pk, None, Decimal("120.5"), 1, "grid"), (w.district_b.pk, None, Decimal("98"), 1, "grid")]


def test_a_stale_revision_is_a_conflict_and_the_loser_sees_both_values(setup):
    w, version, months = setup
    put(w, version, months[3], {("C-A", "fai"): "100"})
    put(w, version, months[3], {("C-A", "fai"): "110"}, user=w.office)
    item = services.ValueInput(w.district_a.pk, "fai", Decimal("105"), revision=1)
    result = services.save_values(w.submitter, version, months[3], [item], source="grid")
    assert not result.ok and result.saved == 0
    conflict = result.conflicts[0]
    assert (conflict.yours, conflict.theirs, conflict.theirs_by) == (Decimal("105"), Decimal("110"), "office")
    assert DataValue.objects.get(unit=w.district_a, indicator="fai").value == Decimal("110")


def test_negative_and_fractional_values_are_refused_with_reasons(setup):
    w, version, months = setup
    result = put(w, version, months[3], {("C-A", "fai"): "-3", ("C-A", "jobs"): "10.5"})
    codes = sorted(i.code for i in result.errors)
    assert codes == ["integer", "negative"]
    assert not DataValue.objects.exists()  # all or nothing


def test_partial_saving_keeps_the_clean_rows(setup):
    w, version, months = setup
    result = put(w, version, months[3], {("C-A", "fai"): "-3", ("C-B", "fai"): "50"}, allow_partial=True)
    assert result.saved == 1 and len(result.errors) == 1


def test_a_part_larger_than_its_total_is_an_error(setup):
    w, version, months = setup
    put(w, version, months[3], {("C-A", "trade"): "100"}, user=w.submitter_b)
    result = put(w, version, months[3], {("C-A", "export"): "150"}, user=w.submitter_b)
    assert [i.code for i in result.errors] == ["part_of"]


def test_ytd_below_last_month_is_an_error_and_a_jump_against_last_year_is_a_warning(setup):
    w, version, months = setup
    last_year = periods(2024)
    put(w, version, months[2], {("C-A", "fai"): "50"})
    # last year's March, entered under this scheme family is not needed: a same-year jump check
    result = put(w, version, months[3], {("C-A", "fai"): "40"})
    assert [i.code for i in result.errors] == ["ytd"]
    assert last_year[3].year == 2024


def test_submitting_requires_every_value_and_explanations_for_warnings(setup):
    w, version, months = setup
    sub = services.submission_for(version, w.stats_bureau, months[1])
    with pytest.raises(services.WorkflowError) as err:
        services.submit(sub, user=w.submitter)
    assert any("未填报" in m for m in err.value.messages)
    put(w, version, months[1], {(u, c): v for u in ("C-A", "C-B") for c, v in (("fai", "10"), ("jobs", "100"), ("gdp", "300"))})
    services.submit(sub, user=w.submitter)
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED


def test_submitted_values_cannot_be_changed_by_the_submitter(setup):
    w, version, months = setup
    put(w, version, months[1], {(u, c): v for u in ("C-A", "C-B") for c, v in (("fai", "10"), ("jobs", "100"), ("gdp", "300"))})
    sub = services.submission_for(version, w.stats_bureau, months[1])
    services.submit(sub, user=w.submitter)
    result = put(w, version, months[1], {("C-A", "fai"): "11"})
    assert [i.code for i in result.errors] == ["submitted"]


def _fill_and_submit(w, version, period):
    put(w, version, period, {(u, c): v for u in ("C-A", "C-B") for c, v in (("fai", "10"), ("jobs", "100"), ("gdp", "300"))})
    put(w, version, period, {(u, c): v for u in ("C-A", "C-B") for c, v in (("trade", "50"), ("export", "20"))}, user=w.submitter_b)
    subs = [services.submission_for(version, ru, period) for ru in (w.stats_bureau, w.commerce_bureau)]
    for sub, user in zip(subs, (w.submitter, w.submitter_b), strict=True):
        services.submit(sub, user=user)
    return subs


def test_approving_the_last_submission_sends_period_approved(setup, django_capture_on_commit_callbacks, only_our_receivers):
    w, version, months = setup
    got = []
    signals.period_approved.connect(lambda **kw: got.append(kw["period"]), weak=False, dispatch_uid="t1")
    try:
        subs = _fill_and_submit(w, version, months[1])
        with django_capture_on_commit_callbacks(execute=True):
            assert services.bulk_approve(subs, user=w.office) == 2
    finally:
        signals.period_approved.disconnect(dispatch_uid="t1")
    assert got == [months[1]]


def test_returning_needs_a_reason_and_reopens_editing(setup):
    w, version, months = setup
    subs = _fill_and_submit(w, version, months[1])
    with pytest.raises(services.WorkflowError):
        services.return_submission(subs[0], reason=" ", user=w.office)
    services.return_submission(subs[0], reason="甲区数据偏高，请核实", user=w.office)
    assert put(w, version, months[1], {("C-A", "fai"): "12"}).ok


def test_a_correction_of_a_locked_value_is_audited_and_marks_results_stale(setup, django_capture_on_commit_callbacks, only_our_receivers):
    w, version, months = setup
    subs = _fill_and_submit(w, version, months[1])
    services.bulk_approve(subs, user=w.office)
    services.lock_period(version, months[1], user=w.office)
    assert not put(w, version, months[1], {("C-A", "fai"): "12"}).ok
    got = []
    signals.values_corrected.connect(lambda **kw: got.append(kw), weak=False, dispatch_uid="t2")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.correct_value(w.office, version, months[1], w.district_a, "fai", Decimal("12"), reason="统计局更正")
    finally:
        signals.values_corrected.disconnect(dispatch_uid="t2")
    assert got[0]["units"] == [w.district_a.pk] and got[0]["indicators"] == ["fai"]
    history = services.value_history(version, months[1], w.district_a.pk, "fai")
    assert [(h["before"], h["after"], h["reason"]) for h in history[:1]] == [("10", "12", "统计局更正")]


def test_run_inputs_hold_the_period_its_history_units_and_targets(setup):
    w, version, months = setup
    put(w, version, months[1], {("C-A", "gdp"): "100", ("C-B", "gdp"): "90"})
    put(w, version, months[2], {("C-A", "gdp"): "210", ("C-B", "gdp"): "185"})
    Target.objects.create(version=version, unit=w.district_a, indicator="jobs", target=Decimal("1000"))
    inputs = services.run_inputs(version, months[2])
    rows = sorted(inputs.values.select("unit", "indicator", "value", "period").rows())
    assert rows == [("C-A", "gdp", 100.0, "2025-01"), ("C-A", "gdp", 210.0, "2025-02"),
                    ("C-B", "gdp", 90.0, "2025-01"), ("C-B", "gdp", 185.0, "2025-02")]
    assert inputs.units.rows() == [("C-A", "甲区", "ZCQ"), ("C-B", "乙区", "ZCQ")]
    assert inputs.targets.rows() == [("C-A", "jobs", 1000.0)]
    # the run gets the whole scheme, its platform metadata included (the engine reads it)
    assert inputs.scheme["platform"]["collect"][0]["code"] == "gdp"
    assert inputs.source_hash == services.run_inputs(version, months[2]).source_hash


def test_an_adopted_version_cannot_be_changed(setup):
    w, version, months = setup
    version.content = {**version.content, "name": "x"}
    with pytest.raises(Exception, match="不可修改"):
        version.save()
    assert version.status == VersionStatus.ADOPTED


def test_large_batches_take_the_bulk_path_and_upsert_revisions(setup, monkeypatch):
    """On PostgreSQL this is COPY + INSERT … ON CONFLICT; on SQLite the ORM's bulk upsert."""
    w, version, months = setup
    monkeypatch.setattr(services, "COPY_THRESHOLD", 1)
    put(w, version, months[3], {("C-A", "fai"): "10", ("C-B", "fai"): "20"})
    put(w, version, months[3], {("C-A", "fai"): "11", ("C-B", "fai"): "20"})
    rows = {r.unit_id: (r.value, r.revision) for r in DataValue.objects.filter(indicator="fai")}
    assert rows == {w.district_a.pk: (Decimal("11"), 2), w.district_b.pk: (Decimal("20"), 1)}


def test_the_bulk_path_keeps_awkward_text_intact(setup, monkeypatch):
    w, version, months = setup
    monkeypatch.setattr(services, "COPY_THRESHOLD", 1)
    item = services.ValueInput(w.district_a.pk, "fai", Decimal("0.0000001"), explanation="含\t制表符\\与\n换行")
    assert services.save_values(w.submitter, version, months[3], [item], source="api").saved == 1
    row = DataValue.objects.get()
    assert row.explanation == "含\t制表符\\与\n换行" and row.value == Decimal("0.000000")


def test_large_batches_write_their_value_changes_in_bulk_and_the_history_reads_them(setup, monkeypatch):
    """On PostgreSQL the value-change rows go in by COPY, on SQLite by bulk_create."""
    w, version, months = setup
    monkeypatch.setattr(services, "COPY_THRESHOLD", 1)
    put(w, version, months[3], {("C-A", "fai"): "10", ("C-B", "fai"): "20"})
    put(w, version, months[3], {("C-A", "fai"): "12"})
    assert ValueChange.objects.count() == 3  # 2 new cells, then 1 changed
    history = services.value_history(version, months[3], w.district_a.pk, "fai")
    assert [(h["before"], h["after"], h["revision"], h["source"]) for h in history] == [
        ("10", "12", 2, "在线填报"), (None, "10", 1, "在线填报")]


def test_a_cells_history_is_one_query(setup, django_assert_num_queries):
    w, version, months = setup
    put(w, version, months[3], {("C-A", "fai"): "10"})
    put(w, version, months[3], {("C-A", "fai"): "11"})
    put(w, version, months[3], {("C-A", "fai"): "12"})
    with django_assert_num_queries(1):
        history = services.value_history(version, months[3], w.district_a.pk, "fai")
    assert [h["after"] for h in history] == ["12", "11", "10"]


def test_emptying_and_refilling_a_cell_is_in_its_history(setup, monkeypatch):
    """An emptied cell has no old value the next time: the bulk path writes NULL, not ''."""
    w, version, months = setup
    for threshold in (10**9, 1):  # the ORM path, then the bulk (COPY on PostgreSQL) path
        monkeypatch.setattr(services, "COPY_THRESHOLD", threshold)
        DataValue.objects.all().delete()
        ValueChange.objects.all().delete()
        put(w, version, months[3], {("C-A", "fai"): "10"})
        put(w, version, months[3], {("C-A", "fai"): None})
        put(w, version, months[3], {("C-A", "fai"): "7"})
        history = services.value_history(version, months[3], w.district_a.pk, "fai")
        assert [(h["before"], h["after"], h["revision"]) for h in history] == [(None, "7", 3), ("10", None, 2), (None, "10", 1)]
