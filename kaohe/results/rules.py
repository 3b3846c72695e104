"""Who may do what with results (registered with ``kaohe.orgs.permissions``)."""

from __future__ import annotations

from typing import Any

from kaohe.orgs.models import Person, Role
from kaohe.orgs.permissions import has_role, in_scope, is_office, is_reader, rule


def _owner_ok(person: Person | None, run: Any) -> bool:
    owner_id = getattr(run, "owner_unit_id", None)
    if owner_id is None or person is None:
        return True
    return person.unit_id == owner_id or in_scope(person, owner_id)


@rule("results.view_all")
def view_all(person: Person | None, run: Any = None) -> bool:
    """Office and leaders see every unit's details of runs they oversee (before publication too)."""
    return is_reader(person) and (run is None or _owner_ok(person, run))


@rule("results.view")
def view(person: Person | None, obj: Any = None) -> bool:
    """Any signed-in member of the organisation opens results pages (what they see is filtered)."""
    return person is not None


@rule("results.manage")
def manage(person: Person | None, run: Any = None) -> bool:
    """The office runs scoring, publishes, writes reviews, answers appeals and decides awards."""
    return is_office(person) and (run is None or _owner_ok(person, run))


@rule("results.appeal")
def appeal(person: Person | None, unit: Any = None) -> bool:
    """An assessed unit appeals about its own results."""
    if not has_role(person, Role.ASSESSED):
        return False
    return unit is None or getattr(unit, "pk", unit) == person.unit_id


@rule("results.view_appeal")
def view_appeal(person: Person | None, appeal: Any = None) -> bool:
    if appeal is None:
        return person is not None
    if is_office(person) or has_role(person, Role.LEADER):
        return True
    return has_role(person, Role.ASSESSED) and appeal.unit_id == person.unit_id


@rule("results.nominate")
def nominate(person: Person | None, unit: Any = None) -> bool:
    """Office and leaders nominate anyone in scope; an assessed unit nominates its own team and people."""
    if is_reader(person):
        return unit is None or in_scope(person, unit)
    return has_role(person, Role.ASSESSED) and (unit is None or getattr(unit, "pk", unit) == person.unit_id)
