"""The pipeline: every transition and every refusal, recognition (window, once only, exclusion,
突击上报), conversion to a major project, and the audit trail of each change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kaohe.attraction import services
from kaohe.attraction.models import STAGE_ORDER, ExclusionRule, Milestone, ProjectStatus, Stage
from kaohe.audit.services import changes_under
from kaohe.projects.models import Project, ProjectSource
from tests.attraction.factories import D, admit, lead, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def p(org_world):
    return lead(unit=org_world.district_a, user=org_world.assessed_a, name="甲区新能源电池项目", investor="某新能源集团")


def test_every_stage_is_reached_in_order_with_its_date_and_evidence(p, org_world):
    walk(p, Stage.EFFECTIVE, user=org_world.office_a)
    assert p.stage == Stage.EFFECTIVE
    stages = list(p.milestones.order_by("on").values_list("stage", flat=True))
    assert stages == STAGE_ORDER[1:]
    assert all(m.evidence for m in p.milestones.all())
    assert p.signed_on == D(2026, 2, 10)


def test_a_stage_cannot_be_skipped(p):
    with pytest.raises(services.AttractionError, match="下一节点应为“在谈”，不能登记“签约”"):
        services.advance(p, Stage.SIGNED, on=D(2026, 2, 1), evidence="合同")


def test_a_milestone_needs_evidence_and_a_date_not_in_the_future_nor_before_the_previous(p):
    with pytest.raises(services.AttractionError, match="请填写“在谈”的佐证"):
        services.advance(p, Stage.TALKS, on=D(2026, 1, 10), evidence="  ")
    with pytest.raises(services.AttractionError, match="不能晚于今天"):
        services.advance(p, Stage.TALKS, on=timezone.localdate() + dt.timedelta(days=1), evidence="纪要")
    services.advance(p, Stage.TALKS, on=D(2026, 1, 10), evidence="纪要")
    admit(p, on=D(2026, 1, 11))
    with pytest.raises(services.AttractionError, match="不能早于上一节点“在谈”的日期（2026-01-10）"):
        services.advance(p, Stage.SIGNED, on=D(2026, 1, 9), evidence="合同")


def test_signing_is_refused_without_an_evaluation_or_with_one_decided_after_it(p):
    services.advance(p, Stage.TALKS, on=D(2026, 1, 10), evidence="纪要")
    with pytest.raises(services.AttractionError, match="签约前须完成准入评估并记录决策"):
        services.advance(p, Stage.SIGNED, on=D(2026, 2, 1), evidence="合同")
    admit(p, on=D(2026, 2, 5))
    with pytest.raises(services.AttractionError, match="须先评估、后签约"):
        services.advance(p, Stage.SIGNED, on=D(2026, 2, 1), evidence="合同")
    m = services.advance(p, Stage.SIGNED, on=D(2026, 2, 5), evidence="合同ZS-001")
    assert m.counted and p.signed_on == D(2026, 2, 5)


def test_no_evaluation_after_signing(p):
    walk(p, Stage.SIGNED)
    with pytest.raises(services.AttractionError, match="须在签约前完成"):
        admit(p)


def test_a_dropped_project_takes_no_milestone(p):
    services.drop(p, reason="投资方战略调整")
    assert p.status == ProjectStatus.DROPPED
    with pytest.raises(services.AttractionError, match="已终止"):
        services.advance(p, Stage.TALKS, on=D(2026, 1, 10), evidence="纪要")
    with pytest.raises(services.AttractionError, match="已终止"):
        services.drop(p, reason="再次")


def test_a_project_past_its_last_stage_has_nothing_to_advance(p):
    walk(p, Stage.EFFECTIVE)
    with pytest.raises(services.AttractionError, match="已达效"):
        services.advance(p, Stage.EFFECTIVE, on=D(2026, 11, 1), evidence="x")


def test_the_same_investor_and_project_are_entered_once(p, org_world):
    with pytest.raises(services.AttractionError, match="已由甲区登记"):
        lead(unit=org_world.district_b, name="甲区新能源电池项目", investor="某新能源集团")


def test_leads_and_talks_never_count_signing_counts_at_once_start_needs_recognition(p, org_world):
    walk(p, Stage.STARTED, confirm=False)
    m = {m.stage: m for m in p.milestones.all()}
    assert (m[Stage.TALKS].counted, m[Stage.TALKS].hold) == (False, "stage")
    assert m[Stage.SIGNED].counted and m[Stage.REGISTERED].counted and m[Stage.LANDED].counted
    assert (m[Stage.STARTED].counted, m[Stage.STARTED].hold) == (False, "unconfirmed")
    assert p.major_project is None
    services.confirm(m[Stage.STARTED], user=org_world.office_a, level="district")
    m[Stage.STARTED].refresh_from_db()
    assert m[Stage.STARTED].counted and m[Stage.STARTED].confirm_level == "district"
    with pytest.raises(services.AttractionError, match="已认定"):
        services.confirm(m[Stage.STARTED], user=org_world.office_a)


def test_a_milestone_beyond_two_years_after_signing_does_not_count(p):
    walk(p, Stage.LANDED, dates={Stage.TALKS: D(2024, 1, 2), Stage.SIGNED: D(2024, 3, 1), Stage.REGISTERED: D(2024, 5, 1),
                                 Stage.LANDED: D(2026, 3, 1)})
    landed = p.milestones.get(stage=Stage.LANDED)
    assert (landed.counted, landed.hold) == (True, "")  # 2026-03-01 = signing + 2 years: inside
    services.advance(p, Stage.STARTED, on=D(2026, 3, 2), evidence="施工许可证")
    started = p.milestones.get(stage=Stage.STARTED)
    services.confirm(started)
    started.refresh_from_db()
    assert (started.counted, started.hold) == (False, "window")
    p.refresh_from_db()
    assert p.major_project is None  # not recognised: no major project


def test_an_excluded_project_counts_nowhere_until_taken_out(p, org_world):
    walk(p, Stage.LANDED)
    rule = ExclusionRule.objects.create(code="realty", name="房地产项目")
    with pytest.raises(services.AttractionError, match="理由"):
        services.set_exclusion(p, rule)
    services.set_exclusion(p, rule, reason="以住宅开发为主", user=org_world.office_a)
    assert not Milestone.objects.filter(project=p, counted=True).exists()
    assert set(Milestone.objects.filter(project=p).exclude(stage=Stage.TALKS).values_list("hold", flat=True)) == {"excluded"}
    services.set_exclusion(p, None, reason="复核为产业项目", user=org_world.office_a)
    assert Milestone.objects.filter(project=p, counted=True).count() == 3


def test_below_the_minimum_amount_never_counts(org_world):
    small = lead(unit=org_world.district_a, amount=Decimal("800"), land_mu=Decimal(2))
    small.refresh_from_db()
    services.advance(small, Stage.TALKS, on=D(2026, 1, 10), evidence="纪要")
    from kaohe.attraction.models import Decision

    services.evaluate(small, scores={"fit": 15, "tech": 15, "energy": 10}, decision=Decision.APPROVED, decider="会审",
                      decided_on=D(2026, 1, 11))
    m = services.advance(small, Stage.SIGNED, on=D(2026, 1, 12), evidence="合同")
    assert (m.counted, m.hold) == (False, "below_min")


def test_a_stage_is_recorded_once(p):
    walk(p, Stage.SIGNED)
    p.stage = Stage.TALKS  # as if someone tried to sign again
    with pytest.raises(services.AttractionError, match="只计一次"):
        services.advance(p, Stage.SIGNED, on=D(2026, 3, 1), evidence="第二份合同")
    assert p.milestones.filter(stage=Stage.SIGNED).count() == 1


def test_bulk_reporting_just_before_the_quarter_end_is_held_until_checked(org_world):
    """Five signings back-filled on 28–30 September, each dated months earlier: 突击上报."""
    projects = [lead(unit=org_world.district_a) for _ in range(5)]
    for i, proj in enumerate(projects):
        walk(proj, Stage.TALKS)
        admit(proj, on=D(2026, 2, 1))
        services.advance(proj, Stage.SIGNED, on=D(2026, 3, 1 + i), evidence="合同",
                         now=dt.datetime(2026, 9, 28, 10, tzinfo=dt.UTC))
    held = Milestone.objects.filter(stage=Stage.SIGNED, project__in=projects)
    assert [(m.rush_flag, m.counted, m.hold) for m in held] == [(True, False, "rush")] * 5
    # one signing reported as it happened (dated the day it was recorded) is not suspicious
    fresh = lead(unit=org_world.district_a)
    walk(fresh, Stage.TALKS)
    admit(fresh, on=D(2026, 2, 1))
    m = services.advance(fresh, Stage.SIGNED, on=D(2026, 9, 29), evidence="合同",
                         now=dt.datetime(2026, 9, 29, 10, tzinfo=dt.UTC))
    assert not m.rush_flag and m.counted
    with pytest.raises(services.AttractionError, match="核实情况"):
        services.clear_rush(held[0], reason="", user=org_world.office_a)
    services.clear_rush(held[0], reason="已核对合同原件及签约仪式记录", user=org_world.office_a)
    held[0].refresh_from_db()
    assert held[0].counted
    with pytest.raises(services.AttractionError, match="未被标记"):
        services.clear_rush(m, reason="x")


def test_four_back_filled_signings_are_not_a_bulk_report(org_world):
    for i in range(4):
        proj = lead(unit=org_world.district_a)
        walk(proj, Stage.TALKS)
        admit(proj, on=D(2026, 2, 1))
        services.advance(proj, Stage.SIGNED, on=D(2026, 3, 1 + i), evidence="合同",
                         now=dt.datetime(2026, 9, 28, 10, tzinfo=dt.UTC))
    assert not Milestone.objects.filter(rush_flag=True).exists()


def test_a_recognised_start_makes_one_linked_major_project(p, org_world):
    services.add_credit(p, name="王副区长", unit=org_world.district_a, role="lead", share=40)
    p.team = "新能源产业招商小分队"
    p.save()
    walk(p, Stage.STARTED, user=org_world.office_a)
    major = Project.objects.get(attraction=p)
    assert p.major_project == major
    assert (major.name, major.owner_enterprise, major.unit, major.source) == (
        "甲区新能源电池项目", "某新能源集团", org_world.district_a, ProjectSource.INVESTMENT)
    assert major.total_investment == Decimal("50000") and major.signed_on == D(2026, 2, 10)
    assert major.actual_start == D(2026, 5, 1) and major.stage.code == "started"
    assert (major.leader_name, major.task_force) == ("王副区长", "新能源产业招商小分队")
    # once only
    assert services.convert_to_major_project(p) == major
    assert Project.objects.filter(name="甲区新能源电池项目").count() == 1
    walk(p, Stage.IN_STATS, user=org_world.office_a)
    assert Project.objects.filter(name="甲区新能源电池项目").count() == 1


def test_every_change_is_in_the_projects_audit_trail(p, org_world):
    walk(p, Stage.STARTED, user=org_world.office_a)
    entries = list(changes_under(p))
    kinds = {(e.object_type.model, e.action) for e in entries}
    assert {("attractionproject", "create"), ("evaluation", "create"), ("milestone", "create"),
            ("milestone", "approve"), ("attractionproject", "update")} <= kinds
    assert all(e.object_unit_id == org_world.district_a.pk for e in entries)


def test_credit_shares_add_up_to_at_most_a_hundred(p, org_world):
    services.add_credit(p, name="王副区长", unit=org_world.district_a, role="lead", share="60")
    with pytest.raises(services.AttractionError, match="不能超过100%（已分配60.00%）"):
        services.add_credit(p, name="李科长", unit=org_world.district_a, role="agent", share="50")
    with pytest.raises(services.AttractionError, match="已计入"):
        services.add_credit(p, name="王副区长", unit=org_world.district_a, role="lead", share="10")


def test_amounts_are_parsed_by_the_one_parser_and_bounded_by_their_field(org_world):
    with pytest.raises(services.AttractionError, match="计划总投资（万元）：数值不要带单位"):
        lead(unit=org_world.district_a, amount="5亿")
    with pytest.raises(services.AttractionError, match="超出允许范围"):
        lead(unit=org_world.district_a, amount="1000000000000")
    with pytest.raises(services.AttractionError, match="用地面积（亩）超出允许范围|用地面积（亩）：超出允许范围"):
        lead(unit=org_world.district_a, land_mu="100000000")
    ok = lead(unit=org_world.district_a, amount="5,100", land_mu="１２")
    assert (ok.amount, ok.land_mu) == (Decimal("5100"), Decimal("12"))
