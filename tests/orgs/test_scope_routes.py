"""Every orgs page, admin page and API endpoint × every role, including the same-role outsider.

The objects are 甲区's (its town 甲一街道, the district itself): the city and 甲区's people see
them, 乙区's people are not told they exist (404), a role that sees a unit but may not change
it gets 403, and the public is sent to the login page (401 on the API).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaohe.audit.models import AuditEntry
from kaohe.orgs.models import OrgUnit, PeerGroup
from tests.orgs.test_admin import form_data

pytestmark = pytest.mark.django_db

ROLES = [
    "office", "leader", "submitter", "submitter_b", "assessed_a", "assessed_b",
    "office_a", "leader_a", "district_submitter_a", "assessed_town_a",
    "office_b", "leader_b", "district_submitter_b", "assessed_town_b", "anonymous",
]
MEMBERS = set(ROLES) - {"anonymous"}
CITY = {"office", "leader", "submitter", "submitter_b"}
SEE_DISTRICT_A = CITY | {"office_a", "leader_a", "district_submitter_a", "assessed_a"}
SEE_TOWN_A = SEE_DISTRICT_A | {"assessed_town_a"}
OFFICES = {"office", "office_a", "office_b"}


@pytest.fixture
def w(org_world):
    for user in org_world.users.values():
        if user.is_authenticated:
            user.is_staff = True  # the admin's own gate; the permission module decides the rest
            user.save()
    return org_world


def _args(w, names):
    objects = {"town_a": w.towns_a[0].pk, "group": w.peer_group.pk}
    return [objects.get(a, a) for a in names]


# (url name, args, method, data, who may, who sees it but may not (403)); others 404
PAGES = [
    ("orgs:directory", [], "get", None, MEMBERS, set()),
    ("orgs:peer_groups", [], "get", None, MEMBERS, set()),
    ("orgs:unit", ["C-A"], "get", None, SEE_DISTRICT_A, set()),
    ("orgs:unit", ["C-A-01"], "get", None, SEE_TOWN_A, set()),
    ("admin:orgs_orgunit_changelist", [], "get", None, OFFICES, MEMBERS - OFFICES),
    ("admin:orgs_peergroup_change", ["group"], "get", None, OFFICES, MEMBERS - OFFICES),
]


@pytest.mark.parametrize(("name", "args", "method", "data", "allowed", "forbidden"), PAGES,
                         ids=[f"{p[0]}{p[1]}" for p in PAGES])
def test_every_orgs_page_as_every_role_including_the_same_role_outsider(w, client_for, name, args, method, data,
                                                                         allowed, forbidden):
    url = reverse(name, args=_args(w, args))
    for role in ROLES:
        client = client_for(w.users[role])
        code = (client.post(url, data) if method == "post" else client.get(url)).status_code
        if role == "anonymous":
            expected = {302}
        elif role in allowed:
            expected = {200}
        elif role in forbidden:
            expected = {403}
        else:
            expected = {404}
        assert code in expected, (role, name, code)


def test_the_unit_admin_opens_a_town_for_its_districts_office_and_hides_it_from_the_other(w, client_for):
    url = reverse("admin:orgs_orgunit_change", args=[w.towns_a[0].pk])
    assert client_for(w.office_a).get(url).status_code == 200
    assert client_for(w.office).get(url).status_code == 200
    # outside the office's scope: not found, as everywhere (Django's admin would redirect to its index, which reads as success)
    assert client_for(w.office_b).get(url).status_code == 404
    assert client_for(w.leader_a).get(url).status_code == 403


def test_another_districts_office_cannot_rename_a_town_in_the_admin(w, client_for):
    town = w.towns_a[0]
    client_for(w.office_b).post(reverse("admin:orgs_orgunit_change", args=[town.pk]), form_data(town, name="被改名"))
    assert OrgUnit.objects.get(pk=town.pk).name == "甲一街道"


def test_a_district_office_saving_the_citys_peer_group_drops_no_member(w, client_for):
    # The issue: a district office saved a city group of 5 and it kept 1 (the members it could see).
    group = PeerGroup.objects.create(year=2025, code="ALL5", name="五家")
    five = [w.district_a, w.district_b, w.zone, w.towns_a[0], w.towns_b[0]]
    group.members.set(five)
    url = reverse("admin:orgs_peergroup_change", args=[group.pk])
    response = client_for(w.office_a).post(url, {"year": 2025, "code": "ALL5", "name": "五家", "name_en": "",
                                                 "sort_order": 0, "members": [w.district_a.pk]})
    assert response.status_code == 403
    assert set(PeerGroup.objects.get(pk=group.pk).members.all()) == set(five)
    assert not AuditEntry.objects.of_type("orgs.peergroup").filter(object_id=group.pk).exists()


def test_a_district_office_manages_a_peer_group_of_its_own_towns(w, client_for):
    url = reverse("admin:orgs_peergroup_add")
    data = {"year": 2025, "code": "JQZJ", "name": "甲区镇街", "name_en": "", "sort_order": 0,
            "members": [t.pk for t in w.towns_a]}
    assert client_for(w.office_a).post(url, data).status_code == 302
    group = PeerGroup.objects.get(code="JQZJ")
    change = reverse("admin:orgs_peergroup_change", args=[group.pk])
    response = client_for(w.office_a).post(change, {**data, "name": "甲区镇街道"})
    assert response.status_code == 302 and PeerGroup.objects.get(pk=group.pk).name == "甲区镇街道"
    assert client_for(w.office_b).post(change, {**data, "name": "乙改"}).status_code == 403


def test_the_district_admin_offers_only_its_own_units_as_members(w, client_for):
    page = client_for(w.office_a).get(reverse("admin:orgs_peergroup_add")).content.decode()
    assert "甲一街道" in page and "乙一街道" not in page


API = [
    ("/api/orgs/units", MEMBERS),
    ("/api/orgs/units/C-A", SEE_DISTRICT_A),
    ("/api/orgs/units/C-A-01", SEE_TOWN_A),
    ("/api/orgs/peer-groups?year=2025", MEMBERS),
]


@pytest.mark.parametrize(("path", "allowed"), API, ids=[a[0] for a in API])
def test_every_orgs_endpoint_as_every_role_including_the_same_role_outsider(w, client_for, path, allowed):
    for role in ROLES:
        code = client_for(w.users[role]).get(path).status_code
        expected = 401 if role == "anonymous" else 200 if role in allowed else 404
        assert code == expected, (role, path, code)


def test_the_unit_list_of_a_district_office_is_its_district(w, client_for):
    codes = {u["code"] for u in client_for(w.office_b).get("/api/orgs/units").json()}
    assert codes == {"C-B", "C-B-01", "C-B-02", "C-B-TJJ"}
