"""Unit services: create/update/move write dated placements and audit entries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kaohe.audit.models import AuditEntry
from kaohe.orgs.models import OrgUnit, PeerGroup, UnitKind
from kaohe.orgs.services import (
    create_unit,
    move_unit,
    parent_on,
    placement_on,
    save_peer_group,
    update_unit,
)

pytestmark = pytest.mark.django_db


def test_creating_a_unit_opens_its_first_placement_and_logs_it(org_world):
    unit = create_unit(code="C-A-03", name="甲三街道", kind=UnitKind.STREET, parent=org_world.district_a,
                       user=org_world.office, reason="新设街道")
    assert unit.placements.get().parent == org_world.district_a
    entry = AuditEntry.objects.of_type("orgs.orgunit").get(object_id=unit.pk)
    assert (entry.action, entry.username, entry.reason) == ("create", "office", "新设街道")
    assert entry.after["code"] == "C-A-03" and entry.before is None


def test_a_duplicate_code_is_refused_with_the_code_named(org_world):
    with pytest.raises(ValidationError, match="C-A"):
        create_unit(code="C-A", name="重复", kind=UnitKind.DISTRICT, parent=org_world.city)


def test_an_unknown_kind_is_refused(org_world):
    with pytest.raises(ValidationError, match="planet"):
        create_unit(code="X1", name="未知", kind="planet", parent=org_world.city)


def test_updating_a_name_logs_before_and_after(org_world):
    update_unit(org_world.district_a, name="甲新区", user=org_world.office, reason="更名")
    entry = AuditEntry.objects.filter(object_id=org_world.district_a.pk).latest("id")
    assert (entry.before["name"], entry.after["name"], entry.reason) == ("甲区", "甲新区", "更名")


def test_an_update_that_changes_nothing_writes_no_entry(org_world):
    before = AuditEntry.objects.count()
    update_unit(org_world.district_a, name="甲区")
    assert AuditEntry.objects.count() == before


def test_update_refuses_to_change_the_parent(org_world):
    with pytest.raises(ValidationError, match="parent"):
        update_unit(org_world.district_a, parent=org_world.district_b)


def test_a_move_closes_the_old_placement_the_day_before(org_world):
    town = org_world.towns_a[1]
    move_unit(town, parent=org_world.district_b, kind=UnitKind.STREET, valid_from=dt.date(2026, 1, 1),
              reason="区划调整", user=org_world.office)
    town.refresh_from_db()
    assert town.parent == org_world.district_b and town.kind == UnitKind.STREET
    old = placement_on(town, dt.date(2025, 12, 31))
    assert old.parent == org_world.district_a and old.kind == UnitKind.TOWN
    assert old.valid_to == dt.date(2025, 12, 31)
    assert parent_on(town, dt.date(2026, 1, 1)) == org_world.district_b
    entry = AuditEntry.objects.filter(object_id=town.pk).latest("id")
    assert entry.before["parent_id"] == org_world.district_a.pk
    assert entry.after["parent_id"] == org_world.district_b.pk
    assert entry.after["valid_from"] == "2026-01-01" and entry.reason == "区划调整"


def test_a_unit_cannot_move_below_itself(org_world):
    with pytest.raises(ValidationError):
        move_unit(org_world.district_a, parent=org_world.towns_a[0], valid_from=dt.date(2026, 1, 1))


def test_a_move_must_be_dated_after_the_current_placement(org_world):
    town = org_world.towns_a[0]
    move_unit(town, parent=org_world.district_b, valid_from=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="2026-01-01"):
        move_unit(town, parent=org_world.district_a, valid_from=dt.date(2025, 6, 1))


def test_a_move_to_the_same_place_is_refused(org_world):
    with pytest.raises(ValidationError):
        move_unit(org_world.towns_a[0], parent=org_world.district_a, valid_from=dt.date(2026, 1, 1))


def test_a_unit_without_history_gets_one_on_its_first_move(org_world):
    bare = OrgUnit.objects.create(code="BARE", name="无历史", kind=UnitKind.TOWN, parent=org_world.district_a)
    move_unit(bare, parent=org_world.district_b, valid_from=dt.date(2026, 1, 1))
    assert parent_on(bare, dt.date(2020, 1, 1)) == org_world.district_a


def test_saving_a_peer_group_twice_logs_the_member_change(org_world):
    group = save_peer_group(year=2026, code="ZCQ", name="主城区", members=[org_world.district_a])
    save_peer_group(year=2026, code="ZCQ", name="主城区", members=[org_world.district_a, org_world.district_b])
    assert PeerGroup.objects.get(pk=group.pk).members.count() == 2
    entry = AuditEntry.objects.of_type("orgs.peergroup").filter(action="update").get()
    assert entry.before["members"] == [org_world.district_a.pk]
    assert sorted(entry.after["members"]) == sorted([org_world.district_a.pk, org_world.district_b.pk])
