"""/api/orgs/: units, one unit, peer groups — as owner, member, outsider and the public."""

from __future__ import annotations

import datetime as dt

import pytest

from kaohe.orgs.services import move_unit

pytestmark = pytest.mark.django_db


def codes(response) -> set[str]:
    return {u["code"] for u in response.json()}


def test_the_public_gets_401_everywhere(org_world, client_for):
    client = client_for(None)
    for path in ("/api/orgs/units", "/api/orgs/units/C-A", "/api/orgs/peer-groups?year=2025"):
        assert client.get(path).status_code == 401


def test_the_city_office_lists_every_unit(org_world, client_for):
    response = client_for(org_world.office).get("/api/orgs/units")
    # 1 city + 2 districts × (1 district + 2 towns + 1 bureau) + 1 zone + 2 city departments = 12
    assert response.status_code == 200 and len(codes(response)) == 12


def test_an_assessed_user_lists_only_their_branch(org_world, client_for):
    assert codes(client_for(org_world.assessed_a).get("/api/orgs/units")) == {"C-A", "C-A-01", "C-A-02", "C-A-TJJ"}


def test_units_filter_by_kind_and_refuse_an_unknown_kind(org_world, client_for):
    client = client_for(org_world.leader)
    assert codes(client.get("/api/orgs/units?kind=department")) == {"C-TJJ", "C-SWJ", "C-A-TJJ", "C-B-TJJ"}
    refused = client.get("/api/orgs/units?kind=planet")
    assert refused.status_code == 422 and "planet" in refused.json()["detail"]


@pytest.mark.parametrize(("who", "status"), [("office", 200), ("submitter", 200), ("assessed_a", 200),
                                             ("assessed_b", 404)])
def test_one_unit_as_owner_member_and_outsider_who_is_not_told_it_exists(org_world, client_for, who, status):
    assert client_for(org_world.users[who]).get("/api/orgs/units/C-A").status_code == status


def test_one_unit_carries_its_dated_placements(org_world, client_for):
    town = org_world.towns_a[0]
    move_unit(town, parent=org_world.district_b, valid_from=dt.date(2026, 1, 1), reason="区划调整")
    data = client_for(org_world.office).get(f"/api/orgs/units/{town.code}").json()
    assert data["parent"] == "C-B"
    assert [(p["parent"], p["valid_from"], p["valid_to"]) for p in data["placements"]] == [
        ("C-A", "2000-01-01", "2025-12-31"), ("C-B", "2026-01-01", None)]


def test_an_unknown_code_is_a_404_naming_it(org_world, client_for):
    response = client_for(org_world.office).get("/api/orgs/units/NOPE")
    assert response.status_code == 404 and "NOPE" in response.json()["detail"]


def test_peer_groups_of_a_year(org_world, client_for):
    data = client_for(org_world.assessed_b).get("/api/orgs/peer-groups?year=2025").json()
    assert data == [{"year": 2025, "code": "ZCQ", "name": "主城区", "name_en": "", "members": ["C-A", "C-B"]}]
