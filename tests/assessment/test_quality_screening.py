"""Submitting runs the engine's quality screening and stores its findings beside the cells."""

from kaohe.assessment import services
from kaohe.assessment.models import QualityFinding
from kaohe.assessment.quality import screen_submission
from tests.assessment.factories import adopted_version, periods, put


def test_a_fourfold_jump_on_last_month_is_stored_as_a_bilingual_finding_for_that_unit(org_world):
    w = org_world
    version = adopted_version(w)
    months = periods(2025)
    put(w, version, months[1], {("C-A", "export"): 100, ("C-B", "export"): 100}, user=w.users["submitter_b"])
    saved = put(w, version, months[2], {("C-A", "export"): 105, ("C-B", "export"): 400}, user=w.users["submitter_b"])
    assert not saved.errors

    sub = services.submission_for(version, w.commerce_bureau, months[2])
    found = screen_submission(sub)

    jumps = [f for f in found if f.code == "jump_mom"]
    assert [(f.unit.code, f.indicator) for f in jumps] == [("C-B", "export")]  # +5% is no jump, +300% is
    assert "环比" in jumps[0].message and jumps[0].message_en
    assert QualityFinding.objects.filter(submission=sub, code="jump_mom").count() == 1
