"""Who may do what in enterprise service (see ``kaohe.orgs.permissions``).

- the register and the request lists: any person (rows from :func:`requests_for` /
  :func:`enterprises_for`: their scope, plus the enterprises they serve as 服务专员);
- view an enterprise or a request: it is in the user's scope, or the user is its 服务专员;
- register / edit enterprises, import: the office managing the enterprise's unit;
- 受理 (intake) for an enterprise: its 服务专员, the office over it, or an assessed unit's person in scope;
- 分派 / 回访 / 督办 as the first-contact unit (首问负责): the person who received it, the first-contact
  unit's people (or a unit above it), or the office managing that unit;
- 签收 / 办理 / 退回 / 答复 / 挂起 and 恢复计时 / 申请延期: the handling unit's people (or a unit above it),
  or the office managing it; 延期 decided by the office managing the first-contact unit;
- 首次响应: the first-contact side or the handling side;
- the office board and the FAQ curation: office and leaders (board) / office (FAQ).
"""

from __future__ import annotations

from django.db.models import Q

from kaohe.orgs.models import Role
from kaohe.orgs.permissions import (
    has_role,
    is_office,
    is_reader,
    is_visible,
    manages,
    rule,
    subtree_ids,
)


def _serves(person, enterprise) -> bool:
    return person is not None and enterprise is not None and enterprise.specialist_id == person.user_id


def _of_unit(person, unit_id) -> bool:
    """The person belongs to the unit or to a unit above it (not a submitter's whole scope)."""
    return person is not None and unit_id is not None and has_role(person, Role.ASSESSED, Role.SUBMITTER, Role.OFFICE) \
        and unit_id in subtree_ids(person.unit_id)


def enterprises_for(user):
    from kaohe.enterprise.models import Enterprise

    rows = Enterprise.objects.visible_to(user)
    if getattr(user, "is_authenticated", False):
        rows = Enterprise.objects.filter(Q(pk__in=rows.values("pk")) | Q(specialist_id=user.pk))
    return rows


def requests_for(user):
    """The requests ``user`` may see: in scope, or of an enterprise they serve."""
    from kaohe.enterprise.models import EnterpriseRequest

    rows = EnterpriseRequest.objects.visible_to(user)
    if getattr(user, "is_authenticated", False) and not getattr(user, "is_superuser", False):
        if EnterpriseRequest.objects.filter(enterprise__specialist_id=user.pk).exists():
            rows = EnterpriseRequest.objects.filter(Q(pk__in=rows.values("pk")) | Q(enterprise__specialist_id=user.pk))
    return rows


@rule("enterprise.list")
def _list(person, obj=None) -> bool:
    return person is not None


@rule("enterprise.view_enterprise")
def _view_enterprise(person, ent) -> bool:
    return ent is not None and (is_visible(person, ent) or _serves(person, ent))


@rule("enterprise.manage")
def _manage(person, obj=None) -> bool:
    """Register or edit an enterprise (obj: the enterprise, or the unit for an import)."""
    return obj is not None and is_office(person) and manages(person, obj)


@rule("enterprise.receive")
def _receive(person, ent) -> bool:
    if ent is None or person is None:
        return False
    if _serves(person, ent):
        return True
    if is_office(person):
        return manages(person, ent)
    return has_role(person, Role.ASSESSED) and is_visible(person, ent)


@rule("enterprise.view")
def _view(person, req) -> bool:
    return req is not None and (is_visible(person, req) or _serves(person, req.enterprise))


def _first_side(person, req) -> bool:
    if person is None or req is None:
        return False
    if req.received_by_id is not None and req.received_by_id == person.user_id:
        return True
    if _serves(person, req.enterprise):
        return True
    if is_office(person) and manages(person, req.first_unit):
        return True
    return has_role(person, Role.ASSESSED) and _of_unit(person, req.first_unit_id)


def _handler_side(person, req) -> bool:
    if person is None or req is None or req.handler_unit_id is None:
        return False
    if is_office(person) and manages(person, req.handler_unit):
        return True
    return has_role(person, Role.ASSESSED, Role.SUBMITTER) and _of_unit(person, req.handler_unit_id)


@rule("enterprise.assign")
def _assign(person, req) -> bool:
    """分派 and 回访 — the first-contact unit keeps the request (首问负责)."""
    return _first_side(person, req)


@rule("enterprise.handle")
def _handle(person, req) -> bool:
    """签收, 办理进展, 退回, 答复 — the handling unit."""
    return _handler_side(person, req)


@rule("enterprise.respond")
def _respond(person, req) -> bool:
    return _first_side(person, req) or _handler_side(person, req)


@rule("enterprise.escalate")
def _escalate(person, req) -> bool:
    """督办: the office over the request (first-contact or handling unit)."""
    if req is None or not is_office(person):
        return False
    return manages(person, req.first_unit) or (req.handler_unit_id is not None and manages(person, req.handler_unit))


@rule("enterprise.decide_extension")
def _decide_extension(person, req) -> bool:
    """延期 approved or refused by the office over the first-contact unit (the handling unit never
    decides its own extension)."""
    return req is not None and is_office(person) and manages(person, req.first_unit)


@rule("enterprise.board")
def _board(person, obj=None) -> bool:
    return is_reader(person)


@rule("enterprise.faq_edit")
def _faq_edit(person, req) -> bool:
    return req is not None and is_office(person) and (manages(person, req.first_unit) or
                                                      (req.handler_unit_id is not None and manages(person, req.handler_unit)))


@rule("enterprise.download")
def _download(person, attachment) -> bool:
    return attachment is not None and _view(person, attachment.request)


@rule("enterprise.escalate_any")
def _escalate_any(person, obj=None) -> bool:
    """The board's 督办 buttons: offices (each request is still checked with ``enterprise.escalate``)."""
    return is_office(person)


@rule("enterprise.bulletin")
def _bulletin(person, unit=None) -> bool:
    """企业诉求办理通报: the office, for its own unit."""
    return unit is not None and is_office(person) and manages(person, unit)
