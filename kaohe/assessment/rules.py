"""Permission rules of the assessment app (see kaohe.orgs.permissions).

- schemes: everyone signed in with a role reads; the office manages;
- values: a submitter enters and reads the values of the indicators its unit owns
  (``obj`` is the responsible OrgUnit); the office enters for any responsible unit in
  its scope and reviews; leaders read;
- periods, review, approval, corrections, reminders: the office.
"""

from __future__ import annotations

from typing import Any

from kaohe.orgs.models import Person, Role
from kaohe.orgs.permissions import has_role, in_scope, is_office, is_reader, rule


def _unit_id(obj: Any) -> int | None:
    if obj is None:
        return None
    if isinstance(obj, int):
        return obj
    if hasattr(obj, "responsible_unit_id"):
        return obj.responsible_unit_id
    return getattr(obj, "pk", None)


@rule("assessment.view_scheme")
def _view_scheme(person: Person | None, obj: Any = None) -> bool:
    return person is not None


@rule("assessment.manage_scheme")
def _manage_scheme(person: Person | None, obj: Any = None) -> bool:
    return is_office(person)


@rule("assessment.manage_periods")
def _manage_periods(person: Person | None, obj: Any = None) -> bool:
    return is_office(person)


@rule("assessment.enter_values")
def _enter_values(person: Person | None, responsible_unit: Any = None) -> bool:
    """Enter values for the indicators owned by ``responsible_unit`` (an OrgUnit or Submission)."""
    if person is None:
        return False
    unit_id = _unit_id(responsible_unit)
    if has_role(person, Role.SUBMITTER):
        return unit_id is None or unit_id == person.unit_id
    if is_office(person):
        return unit_id is None or in_scope(person, unit_id)
    return False


@rule("assessment.view_values")
def _view_values(person: Person | None, responsible_unit: Any = None) -> bool:
    if person is None:
        return False
    if is_reader(person):
        return True
    if has_role(person, Role.SUBMITTER):
        unit_id = _unit_id(responsible_unit)
        return unit_id is None or unit_id == person.unit_id
    return False


@rule("assessment.review")
def _review(person: Person | None, obj: Any = None) -> bool:
    return is_office(person)


@rule("assessment.correct")
def _correct(person: Person | None, obj: Any = None) -> bool:
    return is_office(person)


@rule("assessment.use_api")
def _use_api(person: Person | None, obj: Any = None) -> bool:
    return has_role(person, Role.SUBMITTER, Role.OFFICE, Role.LEADER)
