"""Who may do what with supervision tasks (see ``kaohe.orgs.permissions``).

- board, leader overview, bulletins, documents register: office and leaders (rows from ``visible_to``);
- inbox: any member (their unit's tasks);
- view a task: anyone who sees it (its office, lead or co-handling unit in scope);
- manage (立项, 交办, 审核, 延期审批, 回头看, import): the office whose scope holds the task's 立项单位;
- act for the lead unit (签收, 办结报告, 申请延期): people of the lead unit (or of a unit above it,
  not an office: the office sets and checks, it does not handle);
- report progress: people of the lead or a co-handling unit.
"""

from __future__ import annotations

from kaohe.orgs.models import OrgUnit, Role
from kaohe.orgs.permissions import (
    has_role,
    in_scope,
    is_office,
    is_reader,
    is_visible,
    rule,
    subtree_ids,
)


@rule("supervision.board")
def _board(person, obj=None) -> bool:
    return is_reader(person)


@rule("supervision.inbox")
def _inbox(person, obj=None) -> bool:
    return person is not None


@rule("supervision.view")
def _view(person, task) -> bool:
    return task is not None and is_visible(person, task)


@rule("supervision.manage")
def _manage(person, obj=None) -> bool:
    """立项 and the office's steps: ``obj`` is a task (its 立项单位 in scope) or a unit (the new task's office)."""
    if not is_office(person) or obj is None:
        return False
    return in_scope(person, obj.pk if isinstance(obj, OrgUnit) else obj.office_unit_id)


def _acts_for(person, unit_id: int) -> bool:
    if person is None or person.role == Role.OFFICE:
        return person is not None and person.unit_id == unit_id
    return has_role(person, Role.ASSESSED, Role.SUBMITTER) and unit_id in subtree_ids(person.unit_id)


@rule("supervision.handle")
def _handle(person, task) -> bool:
    return task is not None and is_visible(person, task) and _acts_for(person, task.lead_unit_id)


@rule("supervision.report")
def _report(person, task) -> bool:
    if task is None or not is_visible(person, task):
        return False
    return _acts_for(person, task.lead_unit_id) or any(_acts_for(person, uid) for uid in task.co_units.values_list("pk", flat=True))
