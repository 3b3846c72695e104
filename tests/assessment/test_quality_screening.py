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


def test_a_share_moving_a_few_percentage_points_is_no_finding_and_a_big_move_is_named_in_points(org_world):
    """Rates and shares are compared in 百分点 (0.6 → 3.02 is +2.42 points, not +403%)."""
    import copy

    from tests.assessment.factories import SMALL_SCHEME

    w = org_world
    content = copy.deepcopy(SMALL_SCHEME)
    leaf = content["root"]["children"][0]["children"][2]
    leaf["platform"]["unit_of_measure"] = "%"
    leaf["platform"]["validation"] = {"max": 100}
    version = adopted_version(w, content)
    months = periods(2025)
    put(w, version, months[1], {("C-A", "export"): 0.6, ("C-B", "export"): 20}, user=w.users["submitter_b"])
    put(w, version, months[2], {("C-A", "export"): 3.02, ("C-B", "export"): 45}, user=w.users["submitter_b"])
    found = screen_submission(services.submission_for(version, w.commerce_bureau, months[2]))
    jumps = [f for f in found if f.code == "jump_mom"]
    assert [(f.unit.code, f.indicator) for f in jumps] == [("C-B", "export")]
    assert "变动+25个百分点，超过±10个百分点" in jumps[0].message


def test_the_entry_check_warns_on_a_rate_in_percentage_points_and_on_an_amount_in_per_cent():
    from decimal import Decimal

    from kaohe.assessment.models import IndicatorSpec
    from kaohe.assessment.validation import check_value

    rate = IndicatorSpec(code="share", name="占比", unit_of_measure="%", rules={})
    assert check_value(rate, Decimal("3.02"), unit_id=1, previous=Decimal("0.6")) == []
    [w] = check_value(rate, Decimal("17"), unit_id=1, previous=Decimal("5"))
    assert w.level == "warning" and "变动 +12.00 个百分点，超过 10 个百分点" in w.message
    amount = IndicatorSpec(code="fai", name="投资", unit_of_measure="亿元", rules={})
    [a] = check_value(amount, Decimal("160"), unit_id=1, previous=Decimal("100"))
    assert "变动 +60.0%，超过 50%" in a.message
    assert check_value(IndicatorSpec(code="g", name="增速", unit_of_measure="%", rules={"jump_pp": 30}),
                       Decimal("17"), unit_id=1, previous=Decimal("5")) == []


def test_the_entry_checks_change_is_rounded_half_away_from_zero():
    """5 → 17.125 is +12.125 points → "+12.13" (f"{:+.2f}" gave +12.12); 100 → 160.25 is +60.25% → "+60.3%"."""
    from decimal import Decimal

    from kaohe.assessment.models import IndicatorSpec
    from kaohe.assessment.validation import check_value

    rate = IndicatorSpec(code="share", name="占比", unit_of_measure="%", rules={})
    [w] = check_value(rate, Decimal("17.125"), unit_id=1, previous=Decimal("5"))
    assert "变动 +12.13 个百分点" in w.message
    amount = IndicatorSpec(code="fai", name="投资", unit_of_measure="亿元", rules={})
    [a] = check_value(amount, Decimal("160.25"), unit_id=1, previous=Decimal("100"))
    assert "变动 +60.3%" in a.message
