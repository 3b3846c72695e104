"""准入评估: the arithmetic (hand-worked), the veto, the pass mark, and the decision before signing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaohe.attraction import services
from kaohe.attraction.evaluation import EvaluationError, metrics, step_points
from kaohe.attraction.models import Decision, Stage
from tests.attraction.factories import FULL, D, lead

pytestmark = pytest.mark.django_db


def test_metrics_are_intensity_and_tax_per_mu(org_world):
    p = lead(unit=org_world.district_a, amount=Decimal("25000"), land_mu=Decimal("80"), expected_tax=Decimal("2000"))
    m = metrics(p)
    assert (m["amount"], m["intensity"], m["tax_per_mu"]) == (Decimal("25000"), Decimal("312.5"), Decimal("25"))


def test_step_points_take_the_highest_threshold_reached():
    steps = [[300, 1], [200, 0.6], [100, 0.3]]
    assert step_points(Decimal(20), steps, Decimal(300)) == Decimal("20.00")
    assert step_points(Decimal(20), steps, Decimal("299.99")) == Decimal("12.00")
    assert step_points(Decimal(20), steps, Decimal(100)) == Decimal("6.00")
    assert step_points(Decimal(20), steps, Decimal("99")) == 0
    assert step_points(Decimal(20), steps, None) == 0


def test_a_project_is_scored_on_the_hundred_point_checklist(org_world):
    # 2.5亿 (≥1亿: 20×0.6 = 12), 312.5万元/亩 (≥300: 20), 25万元/亩·年 (≥20: 20×0.6 = 12),
    # evaluator 12.5 + 9 + 7 → 12 + 20 + 12 + 28.5 = 72.5
    p = lead(unit=org_world.district_a, amount=Decimal("25000"), land_mu=Decimal("80"), expected_tax=Decimal("2000"))
    e = services.evaluate(p, scores={"fit": "12.5", "tech": "9", "energy": "7"}, decision=Decision.APPROVED,
                          decider="区招商项目评审委员会（主任：张区长）", decided_on=D(2026, 2, 1), user=org_world.office_a)
    assert e.total == Decimal("72.50")
    assert e.scores == {"size": "12.00", "intensity": "20.00", "tax": "12.00", "fit": "12.50", "tech": "9.00", "energy": "7.00"}
    assert e.admits and e.decider.startswith("区招商项目评审委员会") and e.decided_by == org_world.office_a


def test_full_marks_are_one_hundred(org_world):
    p = lead(unit=org_world.district_a, amount=Decimal("100000"), land_mu=Decimal("100"), expected_tax=Decimal("3000"))
    e = services.evaluate(p, scores=FULL, decision=Decision.APPROVED, decider="会审", decided_on=D(2026, 2, 1))
    assert e.total == Decimal("100.00")


def test_a_veto_item_allows_only_rejection_whatever_the_score(org_world):
    p = lead(unit=org_world.district_a, amount=Decimal("100000"))
    with pytest.raises(services.AttractionError, match="一票否决（环保不达标）"):
        services.evaluate(p, scores=FULL, vetoes=["v_env"], decision=Decision.APPROVED, decider="会审",
                          decided_on=D(2026, 2, 1))
    e = services.evaluate(p, scores=FULL, vetoes=["v_env"], decision=Decision.REJECTED, decider="会审",
                          decided_on=D(2026, 2, 1))
    assert e.vetoes == ["v_env"] and not e.admits
    services.advance(p, Stage.TALKS, on=D(2026, 2, 2), evidence="洽谈纪要")
    with pytest.raises(services.AttractionError, match="不予准入"):
        services.advance(p, Stage.SIGNED, on=D(2026, 2, 3), evidence="合同")


def test_below_the_pass_mark_cannot_be_admitted(org_world):
    # 0.6亿 (≥5,000万元: 20×0.3 = 6); no land: intensity 0, tax 0; evaluator 10+10+5 → 31 < 60
    p = lead(unit=org_world.district_a, amount=Decimal("6000"), land_mu=None)
    with pytest.raises(services.AttractionError, match="总分31.00分低于通过分数60分"):
        services.evaluate(p, scores={"fit": 10, "tech": 10, "energy": 5}, decision=Decision.CONDITIONAL, decider="会审",
                          decided_on=D(2026, 2, 1))


def test_evaluator_points_are_bounded_by_the_item_and_parsed_as_numbers(org_world):
    p = lead(unit=org_world.district_a)
    with pytest.raises(EvaluationError) as exc:
        services.evaluate(p, scores={"fit": "16", "tech": "5分", "energy": ""}, decision=Decision.APPROVED,
                          decider="会审", decided_on=D(2026, 2, 1))
    assert set(exc.value.errors) == {"fit", "tech", "energy"}
    assert "0–15分之间" in exc.value.errors["fit"] and "不要带单位" in exc.value.errors["tech"]


def test_a_decision_needs_its_decider(org_world):
    p = lead(unit=org_world.district_a)
    with pytest.raises(services.AttractionError, match="决策机构"):
        services.evaluate(p, scores=FULL, decision=Decision.APPROVED, decider=" ", decided_on=D(2026, 2, 1))
