"""Who may do what with major projects (see ``kaohe.orgs.permissions``).

- list/portfolio/kanban: any person (the list is filtered to their scope);
- view a project: office/leader with the project's unit in scope, or a person of the unit
  (or a unit above it);
- report progress / raise a problem: the project's unit (assessed users in scope) or the office;
- manage (create, edit, import, stages), confirm reports: the office in scope;
- resolve a problem: people of the assigned unit (not a submitter's whole scope), or the office;
- confirm (销号) a problem: the user who raised it, or the office;
- the warning board and supervision letters: office and leaders.
"""

from __future__ import annotations

from typing import Any

from kaohe.orgs.models import Role
from kaohe.orgs.permissions import has_role, in_scope, is_office, is_reader, rule, subtree_ids


def _unit_id(obj: Any) -> int | None:
    if obj is None:
        return None
    if hasattr(obj, "unit_id"):
        return obj.unit_id
    if hasattr(obj, "project"):
        return obj.project.unit_id
    return None


@rule("projects.list")
def _list(person, obj=None) -> bool:
    return person is not None


@rule("projects.view")
def _view(person, project) -> bool:
    return person is not None and in_scope(person, _unit_id(project))


@rule("projects.report")
def _report(person, project) -> bool:
    if project is None:
        return has_role(person, Role.ASSESSED, Role.OFFICE)
    return has_role(person, Role.ASSESSED, Role.OFFICE) and in_scope(person, _unit_id(project))


@rule("projects.manage")
def _manage(person, project=None) -> bool:
    return is_office(person) and (project is None or in_scope(person, _unit_id(project)))


@rule("projects.confirm_report")
def _confirm_report(person, report) -> bool:
    return is_office(person) and in_scope(person, _unit_id(report))


@rule("projects.raise_problem")
def _raise_problem(person, project) -> bool:
    return _report(person, project)


@rule("projects.resolve_problem")
def _resolve_problem(person, problem) -> bool:
    """The office over the project, or people of the assigned unit (or a unit above it).

    Not the submitter's whole scope: a city bureau's submitter sees every district's
    projects, but answers only for the problems assigned to the bureau.
    """
    if person is None or problem is None or not in_scope(person, problem.project.unit_id):
        return False
    if is_office(person):
        return True
    return has_role(person, Role.ASSESSED, Role.SUBMITTER) and problem.assigned_unit_id in subtree_ids(person.unit_id)


@rule("projects.confirm_problem")
def _confirm_problem(person, problem) -> bool:
    """The person who raised it (while the project is in their scope), or the office over the project."""
    if person is None or problem is None or not in_scope(person, problem.project.unit_id):
        return False
    if problem.raised_by_id is not None and problem.raised_by_id == person.user_id:
        return True
    return is_office(person)


@rule("projects.warning_board")
def _warning_board(person, obj=None) -> bool:
    return is_reader(person)


@rule("projects.letter")
def _letter(person, project) -> bool:
    return is_reader(person) and in_scope(person, _unit_id(project))
