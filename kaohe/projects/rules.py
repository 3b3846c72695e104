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

from kaohe.orgs.models import OrgUnit, Role
from kaohe.orgs.permissions import (
    has_role,
    in_scope,
    is_office,
    is_reader,
    is_visible,
    manages,
    rule,
    subtree_ids,
)


def owning_unit_id(obj: Any) -> int | None:
    """The id of the unit that owns ``obj``: a unit itself, an object with ``unit_id``, or one hung on a ``project``
    (reports, problems, milestones). Attraction's rules use it too."""
    if obj is None:
        return None
    if isinstance(obj, OrgUnit):
        return obj.pk
    if hasattr(obj, "unit_id"):
        return obj.unit_id
    if hasattr(obj, "project"):
        return obj.project.unit_id
    return None


@rule("projects.list")
def _list(person, obj=None) -> bool:
    """Lists and exports: any member (the rows come from ``visible_to``)."""
    return person is not None


@rule("projects.view")
def _view(person, project) -> bool:
    return project is not None and is_visible(person, project)


@rule("projects.report")
def _report(person, project) -> bool:
    """Report progress (or raise a problem) on a project: its unit's people, or the office managing it.

    Without a project (the report import page) the importer's scope root is passed: each row is
    then checked against the scope.
    """
    if project is None:
        return False
    if is_office(person):
        return manages(person, project)
    return has_role(person, Role.ASSESSED) and in_scope(person, owning_unit_id(project))


@rule("projects.manage")
def _manage(person, obj=None) -> bool:
    """Create, edit, import, set stages: the office managing the project's unit (or, for an import, the unit)."""
    return obj is not None and is_office(person) and manages(person, obj)


@rule("projects.confirm_report")
def _confirm_report(person, report) -> bool:
    return report is not None and is_office(person) and manages(person, report.project)


@rule("projects.raise_problem")
def _raise_problem(person, project) -> bool:
    return _report(person, project)


@rule("projects.resolve_problem")
def _resolve_problem(person, problem) -> bool:
    """The office managing the project, or people of the assigned unit (or a unit above it).

    Not the submitter's whole scope: a city bureau's submitter sees every district's
    projects, but answers only for the problems assigned to the bureau.
    """
    if person is None or problem is None or not is_visible(person, problem.project):
        return False
    if is_office(person):
        return manages(person, problem.project)
    return has_role(person, Role.ASSESSED, Role.SUBMITTER) and problem.assigned_unit_id in subtree_ids(person.unit_id)


@rule("projects.confirm_problem")
def _confirm_problem(person, problem) -> bool:
    """The person who raised it (while the project is in their scope), or the office managing the project."""
    if person is None or problem is None or not is_visible(person, problem.project):
        return False
    if problem.raised_by_id is not None and problem.raised_by_id == person.user_id:
        return True
    return is_office(person) and manages(person, problem.project)


@rule("projects.warning_board")
def _warning_board(person, obj=None) -> bool:
    """The warning board and bulletins: office and leaders (rows from ``visible_to``)."""
    return is_reader(person)


@rule("projects.letter")
def _letter(person, project) -> bool:
    return project is not None and is_reader(person) and is_visible(person, project)
