"""Owner units of the assessment's objects, and who sees and manages them (kaohe.orgs.scope)."""

from __future__ import annotations

import pytest

from kaohe.assessment import services
from kaohe.assessment.models import DataValue, Period, Scheme, SchemeVersion, Submission
from kaohe.orgs import scope
from tests.assessment.factories import city_version, district_version, periods, put

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_levels(org_world):
    """The city's scheme over both districts and 甲区's own scheme over its towns, March values."""
    w = org_world
    w.city_v, w.district_v = city_version(w), district_version(w)
    w.march, w.a_march = periods(2025)[3], periods(2025, w.district_a)[3]
    put(w, w.city_v, w.march, {("C-A", "fai"): 10, ("C-B", "fai"): 20, ("C-A", "jobs"): 5, ("C-B", "jobs"): 6})
    put(w, w.district_v, w.a_march, {("C-A-01", "fai"): 1, ("C-A-02", "fai"): 2}, user=w.district_submitter_a)
    w.city_sub = services.submission_for(w.city_v, w.stats_bureau, w.march)
    w.district_sub = services.submission_for(w.district_v, w.stats_a, w.a_march)
    return w


def test_a_submission_is_owned_by_its_schemes_owner_and_its_responsible_unit(two_levels):
    w = two_levels
    assert scope.owner_unit_ids(w.city_sub) == [w.city.pk, w.stats_bureau.pk]
    assert scope.owner_units(w.district_sub) == [w.district_a, w.stats_a]


def test_a_value_is_owned_by_its_schemes_owner_and_the_assessed_unit(two_levels):
    w = two_levels
    value = DataValue.objects.get(version=w.city_v, unit=w.district_b, indicator="fai")
    assert scope.owner_unit_ids(value) == [w.city.pk, w.district_b.pk]


def test_an_unsaved_submission_answers_for_the_grid_it_would_be(two_levels):
    w = two_levels
    grid = Submission(version=w.district_v, responsible_unit=w.stats_a, period=w.a_march)
    assert scope.manages(w.office_a, grid) and not scope.manages(w.office_b, grid)


def test_a_district_office_reads_its_districts_values_and_not_the_others(two_levels):
    w = two_levels
    rows = set(DataValue.objects.visible_to(w.office_a).values_list("unit__code", "indicator"))
    # City scheme: 甲区's two values; 甲区's own scheme: both towns' values. Nothing of 乙区.
    assert rows == {("C-A", "fai"), ("C-A", "jobs"), ("C-A-01", "fai"), ("C-A-02", "fai")}
    assert set(DataValue.objects.visible_to(w.office_b).values_list("unit__code", flat=True)) == {"C-B"}
    assert DataValue.objects.visible_to(w.office).count() == 6


def test_the_city_scheme_is_read_from_below_and_the_districts_only_in_the_district(two_levels):
    w = two_levels
    assert set(Scheme.objects.visible_to(w.office_a).values_list("code", flat=True)) == {"HQD", "JQ"}
    assert set(Scheme.objects.visible_to(w.assessed_town_a).values_list("code", flat=True)) == {"HQD", "JQ"}
    assert set(Scheme.objects.visible_to(w.office_b).values_list("code", flat=True)) == {"HQD"}
    assert set(SchemeVersion.objects.visible_to(w.leader).values_list("scheme__code", flat=True)) == {"HQD", "JQ"}


def test_an_office_manages_its_own_scheme_and_nothing_above_or_beside(two_levels):
    w = two_levels
    assert scope.manages(w.office_a, w.district_v) and not scope.manages(w.office_a, w.city_v)
    assert not scope.manages(w.office_b, w.district_v)
    assert scope.manages(w.office, w.city_v) and scope.manages(w.office, w.district_v)
    assert set(Submission.objects.managed_by(w.office_a)) == {w.district_sub}


def test_the_citys_submissions_are_not_found_by_a_district(two_levels):
    w = two_levels
    assert set(Submission.objects.visible_to(w.office_a)) == {w.district_sub}
    assert set(Submission.objects.visible_to(w.office_b)) == set()
    assert set(Submission.objects.visible_to(w.leader)) == {w.city_sub, w.district_sub}


def test_a_period_belongs_to_its_assessment_owner_and_is_read_from_below(two_levels):
    w = two_levels
    assert scope.manages(w.office, w.march) and not scope.manages(w.office_a, w.march)
    assert scope.manages(w.office_a, w.a_march) and scope.manages(w.office, w.a_march)
    assert not scope.manages(w.office_b, w.a_march)
    assert scope.is_visible(w.assessed_town_a, w.a_march) and not scope.is_visible(w.assessed_town_b, w.a_march)
    # 乙区's town reads the city's periods (it is assessed under them), not 甲区's.
    owners = set(Period.objects.visible_to(w.assessed_town_b).values_list("owner_unit__code", flat=True))
    assert owners == {"C"}


def test_a_scope_that_is_the_whole_city_adds_no_filter_to_the_query(two_levels):
    w = two_levels
    everything = DataValue.objects.visible_to(w.office)
    assert " IN (" not in str(everything.query) and everything.count() == 6
    assert " IN (" in str(DataValue.objects.visible_to(w.office_a).query)
    assert Submission.objects.managed_by(w.office).count() == 2
