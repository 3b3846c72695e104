"""The admin for reference data: office-only, scoped, every save in the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kaohe.audit.models import AuditEntry
from kaohe.orgs.models import OrgUnit, PeerGroup
from kaohe.orgs.services import parent_on
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(org_world):
    for name in ("office", "leader", "assessed_a"):
        org_world.users[name].is_staff = True
        org_world.users[name].save()
    return org_world


def form_data(unit: OrgUnit, **changes) -> dict:
    data = {
        "code": unit.code, "name": unit.name, "name_en": unit.name_en, "short_name": unit.short_name,
        "kind": unit.kind, "parent": unit.parent_id or "", "sort_order": unit.sort_order, "is_active": "on",
        "valid_from": "", "audit_reason": "",
        "placements-TOTAL_FORMS": "0", "placements-INITIAL_FORMS": "0",
        "placements-MIN_NUM_FORMS": "0", "placements-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(("who", "status"), [("office", 200), ("leader", 403), ("assessed_a", 403)])
def test_only_the_office_opens_the_unit_admin(staff, client_for, who, status):
    assert client_for(staff.users[who]).get(reverse("admin:orgs_orgunit_changelist")).status_code == status


def test_a_district_office_sees_only_its_units_in_the_admin(staff, client_for):
    office_a = staff.office_a
    office_a.is_staff = True
    office_a.save()
    page = client_for(office_a).get(reverse("admin:orgs_orgunit_changelist")).content.decode()
    assert "甲一街道" in page and "乙一街道" not in page
    other = client_for(office_a).get(reverse("admin:orgs_orgunit_change", args=[staff.district_b.pk]))
    assert other.status_code == 404  # out of scope is not found (Django's admin would redirect to its index)
    person = client_for(office_a).get(reverse("admin:orgs_person_change", args=[staff.assessed_b.person.pk]))
    assert person.status_code == 404


def test_renaming_a_unit_in_the_admin_writes_an_audit_entry_with_the_reason(staff, client_for):
    unit = staff.district_a
    response = client_for(staff.office).post(reverse("admin:orgs_orgunit_change", args=[unit.pk]),
                                             form_data(unit, name="甲新区", audit_reason="更名"))
    assert response.status_code == 302
    entry = AuditEntry.objects.of_type("orgs.orgunit").filter(object_id=unit.pk).latest("id")
    assert (entry.before["name"], entry.after["name"], entry.reason, entry.username) == ("甲区", "甲新区", "更名", "office")


def test_moving_a_unit_in_the_admin_needs_a_date_and_keeps_the_history(staff, client_for):
    town = staff.towns_a[0]
    client = client_for(staff.office)
    change = reverse("admin:orgs_orgunit_change", args=[town.pk])
    refused = client.post(change, form_data(town, parent=staff.district_b.pk))
    assert refused.status_code == 200 and "请填写生效日期" in refused.content.decode()
    done = client.post(change, form_data(town, parent=staff.district_b.pk, valid_from="2026-01-01", audit_reason="区划调整"))
    assert done.status_code == 302
    town.refresh_from_db()
    assert town.parent == staff.district_b and parent_on(town, dt.date(2025, 6, 1)) == staff.district_a
    entry = AuditEntry.objects.filter(object_id=town.pk).latest("id")
    assert entry.after["parent_id"] == staff.district_b.pk and entry.reason == "区划调整"


def test_a_unit_cannot_be_moved_below_its_own_town_in_the_admin(staff, client_for):
    unit = staff.district_a
    response = client_for(staff.office).post(reverse("admin:orgs_orgunit_change", args=[unit.pk]),
                                             form_data(unit, parent=staff.towns_a[0].pk, valid_from="2026-01-01"))
    assert response.status_code == 200 and "不能把单位调整到它自己或其下级之下" in response.content.decode()


def test_adding_a_unit_in_the_admin_opens_its_history_and_logs_it(staff, client_for):
    data = form_data(OrgUnit(code="C-A-09", name="甲九街道", kind="street", parent=staff.district_a),
                     audit_reason="新设")
    assert client_for(staff.office).post(reverse("admin:orgs_orgunit_add"), data).status_code == 302
    unit = OrgUnit.objects.get(code="C-A-09")
    assert unit.placements.count() == 1
    assert AuditEntry.objects.get(object_id=unit.pk, action="create").reason == "新设"


def test_changing_peer_group_members_in_the_admin_is_logged(staff, client_for):
    group = staff.peer_group
    client_for(staff.office).post(reverse("admin:orgs_peergroup_change", args=[group.pk]), {
        "year": 2025, "code": group.code, "name": group.name, "name_en": "", "sort_order": 0,
        "members": [staff.district_a.pk],
    })
    assert list(PeerGroup.objects.get(pk=group.pk).members.all()) == [staff.district_a]
    entry = AuditEntry.objects.of_type("orgs.peergroup").latest("id")
    assert len(entry.before["members"]) == 2 and entry.after["members"] == [staff.district_a.pk]


def test_the_office_cannot_delete_units_in_the_admin(staff, client_for):
    response = client_for(staff.office).get(reverse("admin:orgs_orgunit_delete", args=[staff.towns_a[0].pk]))
    assert response.status_code == 403


def test_the_audit_log_in_the_admin_is_read_only(staff, client_for):
    root = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    client = client_for(root)
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    entry = AuditEntry.objects.first()
    assert client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403


def test_placements_are_opened_by_moves_not_added_by_hand(staff, client_for):
    client = client_for(staff.office)
    assert client.get(reverse("admin:orgs_unitplacement_add")).status_code == 403
    assert client.get(reverse("admin:orgs_unitplacement_changelist")).status_code == 200


def _save_group(client, group, members):
    return client.post(reverse("admin:orgs_peergroup_change", args=[group.pk]), {
        "year": group.year, "code": group.code, "name": group.name, "name_en": "", "sort_order": 0, "members": members})


def test_a_district_office_saving_the_citys_peer_group_is_refused_and_every_member_stays(staff, client_for):
    # issue 14: saving a peer group in the admin as a district office dropped every member outside
    # its scope (5 → 1). The form offers only the office's units; the save is refused instead.
    group = f.PeerGroupFactory(year=2026, code="QX", name="区县", members=[
        staff.district_a, staff.district_b, staff.zone, staff.stats_bureau, staff.commerce_bureau])
    for name in ("office_a", "office_b"):
        staff.users[name].is_staff = True
        staff.users[name].save()
    assert _save_group(client_for(staff.office_a), group, [staff.district_a.pk]).status_code == 403
    assert _save_group(client_for(staff.office_b), group, [staff.district_b.pk]).status_code == 403
    assert group.members.count() == 5
    assert client_for(staff.office_a).get(reverse("admin:orgs_peergroup_change", args=[group.pk])).status_code == 200
    kept = [u.pk for u in group.members.all()]
    assert _save_group(client_for(staff.office), group, kept).status_code == 302 and group.members.count() == 5


def test_a_district_office_cannot_set_up_a_city_wide_peer_group_without_members(staff, client_for):
    staff.office_a.is_staff = True
    staff.office_a.save()
    data = {"year": 2026, "code": "KONG", "name": "空组", "name_en": "", "sort_order": 0}
    refused = client_for(staff.office_a).post(reverse("admin:orgs_peergroup_add"), data)
    assert refused.status_code == 200 and "只有市考核办可以设立" in refused.content.decode()
    assert not PeerGroup.objects.filter(code="KONG").exists()
    mine = client_for(staff.office_a).post(reverse("admin:orgs_peergroup_add"), {**data, "code": "JQ", "members": [t.pk for t in staff.towns_a]})
    assert mine.status_code == 302 and PeerGroup.objects.get(code="JQ").members.count() == 2
    assert client_for(staff.office).post(reverse("admin:orgs_peergroup_add"), data).status_code == 302
    assert PeerGroup.objects.filter(code="KONG").exists()


def test_the_person_admin_offers_a_district_office_its_own_and_unplaced_accounts_only(staff, client_for):
    f.UserFactory(username="newcomer")
    for name in ("office_a", "office_b"):
        staff.users[name].is_staff = True
        staff.users[name].save()
    page = client_for(staff.office_a).get(reverse("admin:orgs_person_add")).content.decode()
    assert "newcomer" in page and "assessed_town_a" in page
    assert "assessed_b" not in page and "leader_b" not in page and ">leader</option>" not in page
    other = client_for(staff.office_b).get(reverse("admin:orgs_person_add")).content.decode()
    assert "newcomer" in other and "assessed_b" in other and "assessed_town_a" not in other

