"""Assessment at every level: schemes and periods belong to their 考核主体 (the city, or a district)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from kaohe.assessment import schemes, services
from kaohe.assessment.models import Period, PeriodStatus, Scheme
from kaohe.assessment.schemes import SchemeInvalid
from tests import factories as f
from tests.assessment.factories import periods, scheme_content


@pytest.fixture
def district_office(org_world):
    return org_world.office_a


def test_the_city_and_a_district_may_both_have_a_scheme_coded_hqd_in_2025(org_world, district_office):
    city = schemes.import_scheme(scheme_content(), user=org_world.office, code="HQD")
    district = schemes.import_scheme(scheme_content(), user=district_office, code="HQD")
    assert city.scheme != district.scheme
    assert (city.scheme.owner_unit, district.scheme.owner_unit) == (org_world.city, org_world.district_a)


def test_importing_again_adds_a_version_to_the_owners_own_scheme(org_world, district_office):
    first = schemes.import_scheme(scheme_content(), user=district_office, code="HQD")
    second = schemes.import_scheme(scheme_content(), user=district_office, code="HQD")
    assert second.scheme == first.scheme and second.number == 2


def test_one_owner_cannot_hold_two_schemes_with_one_code_in_one_year(org_world):
    Scheme.objects.create(owner_unit=org_world.city, year=2025, code="HQD", name="一")
    with pytest.raises(IntegrityError), transaction.atomic():
        Scheme.objects.create(owner_unit=org_world.city, year=2025, code="HQD", name="二")


def test_a_scheme_without_an_owner_is_refused_by_name(org_world):
    with pytest.raises(SchemeInvalid, match="考核主体"):
        schemes.import_scheme(scheme_content(), user=None, code="HQD")


def test_a_districts_periods_are_its_own_and_locking_them_leaves_the_citys_open(org_world):
    city_march = periods(2025, org_world.city)[3]
    district_march = periods(2025, org_world.district_a)[3]
    # 12 months + 4 quarters + 2 halves + the year, for each owner.
    assert Period.objects.filter(owner_unit=org_world.district_a, year=2025).count() == 19
    assert Period.objects.filter(year=2025, kind="month", number=3).count() == 2
    district_march.status = PeriodStatus.LOCKED  # as lock_period leaves it
    district_march.save()
    city_march.refresh_from_db()
    assert city_march.status == PeriodStatus.OPEN


def test_one_owner_cannot_have_two_marches(org_world):
    march = periods(2025, org_world.city)[3]
    with pytest.raises(IntegrityError), transaction.atomic():
        Period.objects.create(owner_unit=org_world.city, year=2025, kind="month", number=3, start=march.start,
                              end=march.end, deadline=march.deadline)


def test_previous_and_last_years_period_stay_within_the_owner(org_world):
    periods(2024, org_world.city)
    periods(2024, org_world.district_a)
    january = periods(2025, org_world.district_a)[1]
    assert services.previous_period(january).owner_unit == org_world.district_a
    assert services.previous_period(january).number == 12
    assert services.same_period_last_year(january).owner_unit == org_world.district_a


def test_values_for_a_period_of_another_owner_are_refused(org_world):
    version = schemes.adopt(schemes.import_scheme(scheme_content(), user=org_world.office, code="HQD",
                                                  peer_groups=[org_world.peer_group]))
    district_march = periods(2025, org_world.district_a)[3]
    item = services.ValueInput(org_world.district_a.pk, "fai", Decimal("5"))
    result = services.save_values(org_world.submitter, version, district_march, [item], source="grid")
    assert result.errors and "不是本方案考核主体的考核期" in result.errors[0].message


def test_the_assessment_owner_of_each_role(org_world, district_office):
    from kaohe.assessment.services import assessment_owner

    schemes.import_scheme(scheme_content(), user=org_world.office, code="HQD")
    schemes.import_scheme(scheme_content(), user=district_office, code="HQD")
    town_user = f.assessed(org_world.towns_a[0], username="town_a1")
    assert assessment_owner(district_office.person) == org_world.district_a  # its own assessment
    assert assessment_owner(org_world.assessed_a.person) == org_world.city   # 甲区 is assessed by the city
    assert assessment_owner(town_user.person) == org_world.district_a        # its towns by 甲区
    assert assessment_owner(org_world.submitter.person) == org_world.city    # a city bureau
    assert assessment_owner(org_world.leader.person) == org_world.city
    assert assessment_owner(None) == org_world.city
