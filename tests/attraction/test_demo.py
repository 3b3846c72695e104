"""The attraction demo: ~400 projects in every stage and band, vetoed evaluations, 20 events,
bundles per district, linked major projects (one record), a held bulk report; idempotent."""

from __future__ import annotations

import time

import pytest

from kaohe.attraction import demo, figures
from kaohe.attraction.models import (
    AttractionProject,
    Evaluation,
    Event,
    Milestone,
    Stage,
    TargetBundle,
)
from kaohe.orgs import demo as orgs_demo
from kaohe.projects import demo as projects_demo
from kaohe.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    ctx = orgs_demo.DemoContext(verbose=False)
    orgs_demo.load(ctx)
    projects_demo.load(ctx)
    started = time.perf_counter()
    demo.load(ctx)
    ctx.seconds = time.perf_counter() - started
    return ctx


def test_the_demo_has_400_projects_in_every_stage_and_band(loaded):
    n = AttractionProject.objects.count()
    assert 380 <= n <= 440
    assert set(AttractionProject.objects.values_list("stage", flat=True)) == set(Stage.values)
    amounts = list(AttractionProject.objects.values_list("amount", flat=True))
    assert any(a >= 1_000_000 for a in amounts) and any(500_000 <= a < 1_000_000 for a in amounts)
    assert any(a < 10_000 for a in amounts)
    assert Evaluation.objects.exclude(vetoes=[]).count() >= 10
    assert Event.objects.count() == 20 and set(Event.objects.values_list("status", flat=True)) == {"held", "planned", "cancelled"}
    assert TargetBundle.objects.filter(code="1145").count() == 22  # 12 districts and 10 development zones
    print(f"attraction demo: {n} projects in {loaded.seconds:.1f} s")


def test_started_projects_are_the_major_projects_not_copies(loaded):
    linked = AttractionProject.objects.filter(major_project__isnull=False)
    assert linked.count() > 100
    assert Project.objects.count() == projects_demo.N_PROJECTS  # no second record
    p = linked.filter(stage=Stage.STARTED).first()
    assert p.name == p.major_project.name and p.amount == p.major_project.total_investment


def test_recognition_holds_show_in_the_demo(loaded):
    holds = set(Milestone.objects.values_list("hold", flat=True))
    assert {"", "stage", "rush", "excluded", "unconfirmed"} <= holds
    assert Milestone.objects.filter(hold="rush", project__unit__code="SFS-TY").count() == 6


def test_the_figures_differ_between_districts(loaded):
    from kaohe.orgs.models import OrgUnit

    units = dict(OrgUnit.objects.filter(parent__code="SFS", kind__in=["district", "new_area", "dev_zone", "park"])
                 .values_list("code", "pk"))
    values = figures.compute(units, 2026, loaded.today.replace(month=10, day=31))
    signed = {u: values[(u, "signed_projects")] for u in units}
    assert sum(signed.values()) > 50 and len(set(signed.values())) > 3
    assert any(values[(u, "zs_land_rate")] for u in units) and any(values[(u, "zs_bundle_rate")] for u in units)


def test_loading_twice_changes_nothing(loaded):
    before = (AttractionProject.objects.count(), Milestone.objects.count(), Event.objects.count())
    demo.load(loaded)
    assert (AttractionProject.objects.count(), Milestone.objects.count(), Event.objects.count()) == before
