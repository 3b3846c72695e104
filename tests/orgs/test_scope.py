"""The scope primitive (kaohe.orgs.scope) on the organisation's own models: units, people, groups."""

from __future__ import annotations

import pytest
from django.http import Http404

from kaohe.orgs import scope
from kaohe.orgs.models import OrgUnit, PeerGroup, Person
from tests import factories as f

pytestmark = pytest.mark.django_db


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_a_district_office_sees_its_district_and_nothing_beside_or_above(org_world):
    assert codes(OrgUnit.objects.visible_to(org_world.office_a)) == {"C-A", "C-A-01", "C-A-02", "C-A-TJJ"}


def test_the_same_role_outsider_sees_the_other_district(org_world):
    assert codes(OrgUnit.objects.visible_to(org_world.office_b)) == {"C-B", "C-B-01", "C-B-02", "C-B-TJJ"}


def test_a_town_user_sees_only_the_town(org_world):
    assert codes(OrgUnit.objects.visible_to(org_world.assessed_town_a)) == {"C-A-01"}


def test_a_district_bureau_submitter_serves_its_district(org_world):
    assert codes(OrgUnit.objects.visible_to(org_world.district_submitter_b)) == {"C-B", "C-B-01", "C-B-02", "C-B-TJJ"}


def test_the_public_sees_nothing_and_a_superuser_everything(org_world):
    root = f.UserFactory(username="root", is_superuser=True)
    assert OrgUnit.objects.visible_to(org_world.anonymous).count() == 0
    assert OrgUnit.objects.visible_to(root).count() == OrgUnit.objects.count() == 12


def test_visible_to_accepts_a_person_as_well_as_a_user(org_world):
    person = Person.objects.get(user=org_world.office_a)
    assert codes(OrgUnit.objects.visible_to(person)) == codes(OrgUnit.objects.visible_to(org_world.office_a))


def test_people_are_visible_by_their_unit(org_world):
    names = set(Person.objects.visible_to(org_world.office_a).values_list("user__username", flat=True))
    assert names == {"office_a", "leader_a", "assessed_a", "district_submitter_a", "assessed_town_a"}


def test_a_unit_owns_itself_and_a_person_is_owned_by_their_unit(org_world):
    assert scope.owner_unit_ids(org_world.district_a) == [org_world.district_a.pk]
    assert scope.owner_units(Person.objects.get(user=org_world.leader_b)) == [org_world.district_b]


def test_an_object_that_declares_no_owner_is_a_programming_error(org_world):
    with pytest.raises(TypeError, match="declares no scope_owners"):
        scope.owner_unit_ids(org_world.office)  # a User is not unit-owned


def test_an_office_manages_its_own_unit_and_below_nothing_above_or_beside(org_world):
    assert scope.manages(org_world.office_a, org_world.district_a)
    assert scope.manages(org_world.office_a, org_world.towns_a[1])
    assert not scope.manages(org_world.office_a, org_world.city)
    assert not scope.manages(org_world.office_a, org_world.district_b)
    assert scope.manages(org_world.office, org_world.district_b)


@pytest.mark.parametrize("who", ["leader_a", "assessed_a", "district_submitter_a", "anonymous"])
def test_only_an_office_manages(org_world, who):
    assert not scope.manages(org_world.users[who], org_world.towns_a[0])


def test_managing_without_an_object_is_refused(org_world):
    assert not scope.manages(org_world.office, None)


def test_managed_by_is_the_queryset_form_of_manages(org_world):
    assert codes(OrgUnit.objects.managed_by(org_world.office_a)) == {"C-A", "C-A-01", "C-A-02", "C-A-TJJ"}
    assert OrgUnit.objects.managed_by(org_world.leader).count() == 0


def test_a_peer_group_is_owned_by_its_members(org_world):
    towns = f.PeerGroupFactory(year=2025, code="JQ", name="甲区镇街", members=org_world.towns_a)
    # 主城区 holds 甲区 and 乙区: the city's, not 甲区's.
    assert not scope.manages(org_world.office_a, org_world.peer_group)
    assert scope.manages(org_world.office, org_world.peer_group)
    assert scope.manages(org_world.office_a, towns) and not scope.manages(org_world.office_b, towns)


def test_an_empty_peer_group_is_city_wide(org_world):
    empty = PeerGroup.objects.create(year=2025, code="NONE", name="空组")
    assert scope.owner_unit_ids(empty) == [None]
    assert scope.manages(org_world.office, empty) and not scope.manages(org_world.office_a, empty)


def test_get_visible_or_404_finds_in_scope_and_hides_the_rest(org_world):
    assert scope.get_visible_or_404(org_world.office_a, OrgUnit, code="C-A-01") == org_world.towns_a[0]
    with pytest.raises(Http404):
        scope.get_visible_or_404(org_world.office_a, OrgUnit, code="C-B-01")
    with pytest.raises(Http404):
        scope.get_visible_or_404(org_world.office_a, OrgUnit.objects.filter(kind="town"), code="C-A-TJJ")


def test_the_scope_is_computed_once_per_person(org_world, django_assert_num_queries):
    person = scope.person_of(org_world.office_a)
    scope.scope_unit_ids(person)
    with django_assert_num_queries(0):
        assert scope.manages(person, org_world.towns_a[0]) and not scope.is_visible(person, org_world.city)
        assert scope.units_above(person) == {org_world.city.pk}
