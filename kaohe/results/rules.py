"""Who may do what with results (registered with ``kaohe.orgs.permissions``).

Scope comes from ``kaohe.orgs.scope``: a run, publication, review, award or appeal is owned by
the unit organising the assessment (the run's ``owner_unit``) and, where there is one, by the
unit concerned. Lists come from ``visible_to(user)`` and an object out of scope is 404; the
rules below decide what a role may do to an object it can see. Write rules take their object
and refuse without one: a district office manages its own assessment (its runs, their
publication, reviews, first prizes and appeals) and nothing of the city's or of another
district's.
"""

from __future__ import annotations

from typing import Any

from kaohe.orgs.models import Person, Role
from kaohe.orgs.permissions import (
    has_role,
    in_scope,
    is_office,
    is_reader,
    is_visible,
    manages,
    rule,
)
from kaohe.orgs.scope import oversees


@rule("results.view_all")
def view_all(person: Person | None, run: Any = None) -> bool:
    """Office and leaders of the run's organiser (or above) see every unit's details, before publication too."""
    return run is not None and is_reader(person) and oversees(person, run)


@rule("results.view")
def view(person: Person | None, obj: Any = None) -> bool:
    """Any signed-in member of the organisation opens results pages; an object must be in their scope.

    Lists are filtered by ``visible_to``; without an object this only says "a member".
    """
    if person is None:
        return False
    return obj is None or is_visible(person, obj)


@rule("results.manage")
def manage(person: Person | None, obj: Any = None) -> bool:
    """The office of the organiser: score a scheme version it owns, publish, review, grant first prizes."""
    return obj is not None and is_office(person) and manages(person, obj)


@rule("results.answer_appeal")
def answer_appeal(person: Person | None, appeal: Any = None) -> bool:
    """The office managing both the run's organiser and the appealing unit answers an appeal."""
    return appeal is not None and is_office(person) and manages(person, appeal)


@rule("results.decide_award")
def decide_award(person: Person | None, award: Any = None) -> bool:
    """The office managing the award (its run's organiser, city-wide for a nomination, and the unit) decides it."""
    return award is not None and is_office(person) and manages(person, award)


@rule("results.appeal")
def appeal(person: Person | None, unit: Any = None) -> bool:
    """An assessed unit appeals about its own results."""
    if unit is None or not has_role(person, Role.ASSESSED):
        return False
    return getattr(unit, "pk", unit) == person.unit_id


@rule("results.view_appeal")
def view_appeal(person: Person | None, appeal: Any = None) -> bool:
    """Office and leaders see the appeals in their scope; an assessed unit its own."""
    if person is None or appeal is None:
        return False
    if is_reader(person):
        return is_visible(person, appeal)
    return has_role(person, Role.ASSESSED) and appeal.unit_id == person.unit_id


@rule("results.nominate")
def nominate(person: Person | None, unit: Any = None) -> bool:
    """Office and leaders nominate anyone in scope; an assessed unit nominates its own team and people."""
    if unit is None:
        return False
    if is_reader(person):
        return in_scope(person, unit)
    return has_role(person, Role.ASSESSED) and getattr(unit, "pk", unit) == person.unit_id
