"""The permission module: scope per role, the primitives, the registry and the foundation's rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from kaohe.orgs import permissions as p
from kaohe.orgs.models import OrgUnit, Role, UnitKind
from tests import factories as f

pytestmark = pytest.mark.django_db


def codes(ids: set[int]) -> set[str]:
    return set(OrgUnit.objects.filter(pk__in=ids).values_list("code", flat=True))


ALL = {"C", "C-A", "C-B", "C-A-01", "C-A-02", "C-A-TJJ", "C-B-01", "C-B-02", "C-B-TJJ", "C-Z", "C-TJJ", "C-SWJ"}


def test_the_office_at_the_city_sees_every_unit_including_zones_and_departments(org_world):
    assert codes(p.scope_unit_ids(p.person_of(org_world.office))) == ALL


def test_a_leader_at_the_city_reads_every_unit(org_world):
    person = p.person_of(org_world.leader)
    assert codes(p.scope_unit_ids(person)) == ALL
    assert p.is_reader(person) and not p.is_office(person)


def test_a_submitter_in_a_city_bureau_serves_the_whole_city(org_world):
    assert codes(p.scope_unit_ids(p.person_of(org_world.submitter))) == ALL


def test_an_assessed_user_sees_only_their_own_subtree(org_world):
    assert codes(p.scope_unit_ids(p.person_of(org_world.assessed_a))) == {"C-A", "C-A-01", "C-A-02", "C-A-TJJ"}
    assert codes(p.scope_unit_ids(p.person_of(org_world.assessed_b))) == {"C-B", "C-B-01", "C-B-02", "C-B-TJJ"}


def test_the_anonymous_public_has_no_scope(org_world):
    assert p.person_of(org_world.anonymous) is None
    assert p.scope_unit_ids(None) == set()
    assert not p.in_scope(None, org_world.city)


def test_a_user_without_a_person_record_has_no_scope(org_world):
    stranger = f.UserFactory(username="stranger")
    assert p.person_of(stranger) is None
    assert not p.check(stranger, "orgs.view_unit", org_world.city)


def test_an_office_at_a_district_sees_only_that_district(org_world):
    person = p.person_of(org_world.office_a)
    assert codes(p.scope_unit_ids(person)) == {"C-A", "C-A-01", "C-A-02", "C-A-TJJ"}


def test_an_office_sitting_in_a_department_serves_the_unit_above(org_world):
    dept = f.OrgUnitFactory(code="C-A-KHB", name="甲区考核办", kind=UnitKind.DEPARTMENT, parent=org_world.district_a)
    person = p.person_of(f.office(dept, username="office_in_dept"))
    assert p.scope_root(person) == org_world.district_a
    assert "C-A-01" in codes(p.scope_unit_ids(person)) and "C-B" not in codes(p.scope_unit_ids(person))


def test_a_submitter_in_a_district_bureau_serves_that_district(org_world):
    dept = f.OrgUnitFactory(code="C-A-TJJ", name="甲区统计局", kind=UnitKind.DEPARTMENT, parent=org_world.district_a)
    person = p.person_of(f.submitter(dept, username="sub_a"))
    assert codes(p.scope_unit_ids(person)) == {"C-A", "C-A-01", "C-A-02", "C-A-TJJ"}


def test_in_scope_accepts_units_and_ids(org_world):
    person = p.person_of(org_world.assessed_a)
    assert p.in_scope(person, org_world.towns_a[0])
    assert p.in_scope(person, org_world.towns_a[0].pk)
    assert not p.in_scope(person, org_world.district_b)
    assert not p.in_scope(person, None)


def test_scoped_units_is_a_queryset_of_the_scope(org_world):
    person = p.person_of(org_world.assessed_b)
    assert set(p.scoped_units(person).values_list("code", flat=True)) == {"C-B", "C-B-01", "C-B-02", "C-B-TJJ"}


def test_subtree_ids_survive_a_cycle_in_bad_data(org_world):
    # A cycle cannot be made through the services; raw data must still not hang the check.
    OrgUnit.objects.filter(pk=org_world.district_a.pk).update(parent=org_world.towns_a[0])
    assert codes(p.subtree_ids(org_world.towns_a[0])) == {"C-A", "C-A-01", "C-A-02", "C-A-TJJ"}


def test_has_role_names_the_roles(org_world):
    assert p.has_role(p.person_of(org_world.submitter), Role.SUBMITTER)
    assert not p.has_role(p.person_of(org_world.submitter), Role.OFFICE, Role.LEADER)
    assert not p.has_role(None, Role.OFFICE)


def test_person_of_is_remembered_on_the_user(org_world, django_assert_num_queries):
    user = org_world.office
    p.person_of(user)
    with django_assert_num_queries(0):
        p.person_of(user)


def test_the_scope_is_computed_once_per_person(org_world, django_assert_num_queries):
    person = p.person_of(org_world.assessed_a)
    p.scope_unit_ids(person)
    with django_assert_num_queries(0):
        for unit in (org_world.district_a, org_world.district_b, org_world.city):
            p.in_scope(person, unit)


# ---- the registry ------------------------------------------------------------------------


def test_an_unknown_rule_name_is_a_programming_error(org_world):
    with pytest.raises(KeyError, match="no.such_rule"):
        p.check(org_world.office, "no.such_rule")


def test_a_rule_name_cannot_be_registered_twice():
    p.rule("tests.twice")(lambda person, obj: True)
    try:
        with pytest.raises(ValueError, match="tests.twice"):
            p.rule("tests.twice")(lambda person, obj: False)
    finally:
        p._RULES.pop("tests.twice")


def test_a_superuser_may_do_everything_even_without_a_person(org_world):
    root = f.UserFactory(username="root", is_superuser=True)
    assert p.check(root, "audit.view") and p.check(root, "orgs.manage_unit", org_world.city)


def test_require_raises_permission_denied_naming_the_rule(org_world):
    with pytest.raises(PermissionDenied, match="audit.view"):
        p.require(org_world.leader, "audit.view")
    p.require(org_world.office, "audit.view")


def test_the_registry_lists_the_foundation_rules():
    assert {"orgs.view_unit", "orgs.manage_unit", "orgs.view_directory", "audit.view"} <= set(p.registered_rules())


# ---- the foundation's rules, per role ------------------------------------------------------

ROLES = ["office", "leader", "submitter", "submitter_b", "assessed_a", "assessed_b", "anonymous"]


@pytest.mark.parametrize(("who", "allowed"), [
    ("office", True), ("leader", True), ("submitter", True), ("submitter_b", True),
    ("assessed_a", True), ("assessed_b", False), ("anonymous", False),
])
def test_who_may_view_district_a(org_world, who, allowed):
    assert p.check(org_world.users[who], "orgs.view_unit", org_world.district_a) is allowed


@pytest.mark.parametrize(("who", "allowed"), [
    ("office", True), ("leader", False), ("submitter", False), ("submitter_b", False),
    ("assessed_a", False), ("assessed_b", False), ("anonymous", False),
])
def test_only_the_office_manages_units_and_reads_the_audit_log(org_world, who, allowed):
    user = org_world.users[who]
    assert p.check(user, "orgs.manage_unit", org_world.district_a) is allowed
    assert p.check(user, "orgs.use_admin") is allowed
    assert p.check(user, "audit.view") is allowed


@pytest.mark.parametrize("who", ["office", "office_a", "leader"])
def test_managing_a_unit_needs_the_unit(org_world, who):
    assert p.check(org_world.users[who], "orgs.manage_unit") is False


def test_a_district_office_cannot_manage_another_district(org_world):
    office_a = org_world.office_a
    assert p.check(office_a, "orgs.manage_unit", org_world.towns_a[0])
    assert not p.check(office_a, "orgs.manage_unit", org_world.district_b)


@pytest.mark.parametrize("who", ROLES)
def test_the_directory_is_open_to_every_member_and_closed_to_the_public(org_world, who):
    assert p.check(org_world.users[who], "orgs.view_directory") is (who != "anonymous")
