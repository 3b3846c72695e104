"""Who may do what with investment attraction (see ``kaohe.orgs.permissions``).

- lists, kanban, calendar: any person (rows come from ``visible_to``);
- view a project or an event: anyone who sees its unit's objects (``is_visible``);
- record (create a lead, advance a milestone, evaluate, credit people, plan and hold events):
  the owning unit's people (assessed users with the unit in scope) or the office managing it;
- recognise (认定), clear a suspected bulk report, exclude, configure bundles and checklists:
  the office managing the object (a district office: 区认定, the city office: 市认定);
- per-person credits (招商实绩 by cadre) and the quarterly bulletin: office and leaders.
"""

from __future__ import annotations

from kaohe.orgs.models import Role
from kaohe.orgs.permissions import (
    has_role,
    in_scope,
    is_office,
    is_reader,
    is_visible,
    manages,
    rule,
)
from kaohe.projects.rules import owning_unit_id


@rule("attraction.list")
def _list(person, obj=None) -> bool:
    return person is not None


@rule("attraction.view")
def _view(person, obj) -> bool:
    return obj is not None and is_visible(person, obj)


@rule("attraction.record")
def _record(person, obj) -> bool:
    """Record on a project, an event or (to create one) a unit: its people or its office."""
    if obj is None or person is None:
        return False
    if is_office(person):
        return manages(person, obj)
    return has_role(person, Role.ASSESSED) and in_scope(person, owning_unit_id(obj))


@rule("attraction.confirm")
def _confirm(person, obj) -> bool:
    """认定, 突击上报核实, 不予认定, bundles and checklists: the office managing the object."""
    return obj is not None and is_office(person) and manages(person, obj)


@rule("attraction.credits")
def _credits(person, obj=None) -> bool:
    """招商实绩 per person (restricted: it feeds appointments and pay): office and leaders."""
    return is_reader(person)
