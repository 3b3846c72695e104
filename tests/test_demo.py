"""The demo city: the sizes the issue asks for, a dated move, idempotent loading, the logins."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from kaohe.audit.models import AuditEntry
from kaohe.orgs import demo
from kaohe.orgs.models import OrgUnit, PeerGroup, Person, UnitKind
from kaohe.orgs.services import parent_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    ctx = demo.DemoContext(verbose=False)
    demo.load(ctx)
    return ctx


def test_the_demo_city_has_the_sizes_the_issue_asks_for(loaded):
    below_city = OrgUnit.objects.filter(parent=loaded.city)
    districts = below_city.filter(kind__in=[UnitKind.DISTRICT, UnitKind.NEW_AREA, UnitKind.HIGH_TECH_PARK,
                                            UnitKind.DEV_ZONE], code__in=[d[0] for d in demo.DISTRICTS])
    assert districts.count() == 12
    assert OrgUnit.objects.filter(kind__in=[UnitKind.TOWN, UnitKind.STREET]).count() >= 100
    assert OrgUnit.objects.filter(kind=UnitKind.DEPARTMENT).count() >= 30
    assert OrgUnit.objects.filter(code__startswith="SFS-KFQ").count() == 10
    assert OrgUnit.objects.filter(kind=UnitKind.ENTERPRISE).count() == 10


def test_the_city_is_shifan_and_every_unit_has_an_english_name(loaded):
    assert loaded.city.code == "SFS" and loaded.city.name == "示范市"
    assert not OrgUnit.objects.filter(name_en="").exists()


def test_the_twelve_districts_sit_in_three_peer_groups_in_2025():
    demo.load(demo.DemoContext(verbose=False))
    groups = {g.code: g.members.count() for g in PeerGroup.objects.filter(year=2025, code__in=["ZCQ", "JQ", "GNQ"])}
    assert groups == {"ZCQ": 5, "JQ": 4, "GNQ": 3}


def test_2026_has_its_own_peer_groups_with_pingchuan_among_the_urban_districts(loaded):
    urban_2026 = PeerGroup.objects.get(year=2026, code="ZCQ")
    assert urban_2026.members.filter(code="SFS-PC").exists()
    assert not PeerGroup.objects.get(year=2025, code="ZCQ").members.filter(code="SFS-PC").exists()
    assert set(PeerGroup.objects.filter(year=2026).values_list("code", flat=True)) >= {"KFQ", "SSGQ"}


def test_a_town_moved_to_another_district_on_new_year_2026_keeps_its_history(loaded):
    unit = OrgUnit.objects.get(code=demo.MOVED_UNIT)
    assert unit.parent.code == "SFS-MH" and unit.kind == UnitKind.STREET
    assert parent_on(unit, dt.date(2025, 12, 31)).code == "SFS-LX"
    assert parent_on(unit, dt.date(2026, 1, 1)).code == "SFS-MH"
    entry = AuditEntry.objects.of_type("orgs.orgunit").filter(object_id=unit.pk).latest("id")
    assert "撤镇设街道" in entry.reason


def test_loading_twice_changes_nothing(loaded):
    counts = (OrgUnit.objects.count(), PeerGroup.objects.count(), Person.objects.count(), AuditEntry.objects.count())
    demo.load(demo.DemoContext(verbose=False))
    assert (OrgUnit.objects.count(), PeerGroup.objects.count(), Person.objects.count(),
            AuditEntry.objects.count()) == counts


def test_town_names_are_the_same_on_every_run():
    first = demo._units_plan(demo.random.Random(demo.SEED))
    second = demo._units_plan(demo.random.Random(demo.SEED))
    assert first == second
    names = [row["name"] for row in first]
    assert len(names) == len(set(names))


def test_every_demo_login_works_with_its_printed_password(loaded):
    for row in demo.DEMO_USERS:
        user = authenticate(username=row.username, password=row.password)
        assert user is not None, row.username
        if row.role is None:
            assert user.is_superuser
        else:
            assert user.person.role == row.role and user.person.unit.code == row.unit_code


def test_the_demo_command_prints_the_logins_one_per_role():
    out = StringIO()
    call_command("demo", "--quiet", "--only", "orgs", stdout=out)
    text = out.getvalue()
    for row in demo.DEMO_USERS:
        assert row.username in text and row.password in text
    assert "考核办" in text and "领导" in text and "填报员" in text and "被考核单位" in text


@pytest.mark.django_db(transaction=True)  # flush TRUNCATEs: not inside PostgreSQL's test transaction
def test_reset_empties_the_database_and_loads_the_demo_again():
    call_command("demo", "--quiet", "--only", "orgs", stdout=StringIO())
    OrgUnit.objects.create(code="STRAY", name="多余单位", kind=UnitKind.TOWN)
    call_command("demo", "--reset", "--quiet", "--only", "orgs", stdout=StringIO())
    assert not OrgUnit.objects.filter(code="STRAY").exists()
    assert OrgUnit.objects.filter(code=demo.CITY_CODE).exists()
    assert authenticate(username="kaoheban", password=demo.DEMO_PASSWORD) is not None


def test_the_directory_of_the_whole_demo_city_takes_a_fixed_number_of_queries(loaded, client,
                                                                               django_assert_max_num_queries):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="kaoheban"))
    with django_assert_max_num_queries(15):
        response = client.get("/orgs/")
    assert response.status_code == 200 and "示范高新区" in response.content.decode()


def test_an_unknown_app_in_only_is_named():
    with pytest.raises(CommandError, match="nosuchapp"):
        call_command("demo", "--only", "nosuchapp", stdout=StringIO())


def test_the_whole_demo_of_every_app_loads_and_a_second_run_changes_nothing():
    """The one test that runs every app's loader: they must be idempotent together."""
    from django.apps import apps as django_apps

    from kaohe.management.commands.demo import run_demo

    run_demo(verbose=False)
    _longhu_is_scored_from_the_projects_figures()
    _xiaoneng_takes_the_enterprise_figures()
    _the_results_look_like_a_real_year()
    models = [m for m in django_apps.get_models() if m._meta.app_label in
              ("orgs", "audit", "assessment", "results", "projects", "supervision", "enterprise")]
    counts = {m._meta.label: m.objects.count() for m in models}
    run_demo(verbose=False)
    assert {m._meta.label: m.objects.count() for m in models} == counts


def test_minghu_runs_its_own_assessment_of_its_streets_with_targets_decomposed_from_the_citys(client):
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from kaohe.assessment import derivation
    from kaohe.assessment.models import Period, Scheme, Target
    from kaohe.assessment.services import assessment_owner
    from kaohe.management.commands.demo import run_demo
    from kaohe.results.models import Publication, RunTotal, ScoringRun

    run_demo(verbose=False, only=["orgs", "assessment", "results"])
    scheme = Scheme.objects.get(owner_unit__code="SFS-MH", year=2025)
    city = Scheme.objects.get(owner_unit__code="SFS", year=2025, code="HQD")
    version = scheme.current_version()
    assert version.status == "adopted" and scheme.derived_from.scheme == city
    assert version.indicators.filter(is_scored=True).count() == 10
    # Every decomposed target adds up to what the city assigned 明湖区 (compared at the shown precision).
    decomposed = [a for a in derivation.assignments(version) if a.parts]
    assert {a.spec.code for a in decomposed} >= {"budget_rev", "fdi", "signed_projects", "jobs"}
    for a in decomposed:
        city_target = Target.objects.get(version=city.current_version(), unit__code="SFS-MH", indicator=a.spec.code).target
        assert a.assigned == city_target and a.difference == 0 and len(a.parts) == 9, a.spec.code
        assert sum(a.parts.values(), Decimal(0)).quantize(Decimal(1).scaleb(-a.digits)) == city_target.quantize(
            Decimal(1).scaleb(-a.digits))
    # Its own periods (locked), beside the city's.
    assert set(Period.objects.filter(owner_unit__code="SFS-MH").values_list("status", flat=True)) == {"locked"}
    assert Period.objects.filter(owner_unit__code="SFS-MH").count() == 19
    runs = ScoringRun.objects.filter(owner_unit__code="SFS-MH").order_by("id")
    assert [r.label for r in runs] == ["2025年10月", "2025年11月", "2025年12月", "2025年度"]
    annual = runs.last()
    assert RunTotal.objects.filter(run=annual).count() == 9 and Publication.objects.filter(run=annual).exists()
    # The logins: the district office works in 明湖区's assessment, its street in the same one.
    users = get_user_model().objects
    office, street = users.get(username="kaoheban_mh"), users.get(username="mh_jiedao")
    assert assessment_owner(office.person).code == "SFS-MH" and assessment_owner(street.person).code == "SFS-MH"
    # The district's cockpit: its place in the city's assessment and its streets' results.
    client.force_login(office)
    page = client.get("/results/cockpit/").content.decode()
    assert "明湖区在示范市考核中的位置" in page and "明湖区对所属单位的考核" in page
    assert "明湖区2025年度高质量发展综合考核（对街道）" in page


def _xiaoneng_takes_the_enterprise_figures():
    """The 2026 效能榜 企业诉求 indicators come from the enterprise-service module."""
    from kaohe.assessment.models import DataValue, IndicatorSpec

    specs = IndicatorSpec.objects.filter(version__scheme__owner_unit__code="SFS", version__scheme__year=2026,
                                         version__status="adopted", source="enterprise")
    assert set(specs.values_list("code", flat=True)) == {"enterprise_requests_rate", "enterprise_satisfaction"}
    values = DataValue.objects.filter(version=specs[0].version, indicator="enterprise_requests_rate", period__kind="month",
                                      period__number=10, value__isnull=False).select_related("provenance")
    assert values.count() >= 10 and values[0].provenance.source == "enterprise" and values[0].provenance.inputs["requests"]


def _longhu_is_scored_from_the_projects_figures():
    """The 2026 龙虎榜 indicators come from the projects module (指标数据来源), not from typing."""
    from kaohe.assessment.models import DataValue, IndicatorSpec
    from kaohe.projects.data import unit_figures
    from kaohe.results.models import RunIndicator, ScoringRun

    specs = IndicatorSpec.objects.filter(version__scheme__owner_unit__code="SFS", version__scheme__year=2026,
                                         version__status="adopted", code__startswith="proj_")
    assert specs.count() == 6 and set(specs.values_list("source", flat=True)) == {"projects"}
    figures = {(u, i): v for u, i, v, _p in unit_figures(2026, 10).iter_rows() if v is not None}
    run = ScoringRun.objects.filter(owner_unit__code="SFS", year=2026, kind="month", number=10).latest("id")
    scored = {(u, i): v for u, i, v in RunIndicator.objects.filter(run=run, indicator__startswith="proj_")
              .values_list("unit_code", "indicator", "value") if v is not None}
    assert len(scored) >= 12 * 5  # 12 districts, (almost) every 龙虎榜 indicator has a figure
    codes, units = set(specs.values_list("code", flat=True)), {u for u, _i in scored}
    assert scored == pytest.approx({k: v for k, v in figures.items() if k[1] in codes and k[0] in units})
    value = DataValue.objects.select_related("provenance").filter(
        version=specs[0].version, indicator="proj_start_rate", period__kind="month", period__number=10, value__isnull=False).first()
    assert value.provenance.source == "projects" and value.provenance.inputs["projects"]


def _the_results_look_like_a_real_year():
    """Places move from month to month, every quarter has its run and its own review, the yellow
    lights differ from unit to unit, and the kanban's 竣工 holds the finished projects not yet listed."""
    from collections import defaultdict

    from kaohe.projects.models import Project
    from kaohe.results.models import Flag, Review, RunTotal, ScoringRun

    months = ScoringRun.objects.current().filter(owner_unit__code="SFS", kind="month")
    ranks: dict[tuple[int, str], set[int]] = defaultdict(set)
    for year, code, rank in RunTotal.objects.filter(run__in=months, rank__isnull=False).values_list("run__year", "unit_code", "rank"):
        ranks[(year, code)].add(rank)
    for year in (2025, 2026):
        moving = [code for (y, code), seen in ranks.items() if y == year and len(seen) > 1]
        assert len(moving) >= 6, (year, moving)  # of the twelve, at least half change place during the year
    assert len(ranks[(2025, "SFS-MH")]) > 1 and len(ranks[(2026, "SFS-MH")]) > 1  # 明湖区 was 4th all 2025, 5th all 2026
    quarters = ScoringRun.objects.current().filter(owner_unit__code="SFS", kind="quarter")
    assert sorted(quarters.values_list("year", "number")) == [(2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 3)]
    reviews = list(Review.objects.filter(run__in=quarters).values_list("text", flat=True))
    assert len(reviews) == 7 and len(set(reviews)) == 7
    latest = months.order_by("-year", "-number").first()
    yellow = list(Flag.objects.filter(run=latest, kind="yellow", rule="target_missed").values_list("reason", flat=True))
    assert len(set(yellow)) == len(yellow) or len(set(yellow)) >= 0.7 * len(yellow), yellow
    assert Project.objects.filter(stage__code="completed").exists()
