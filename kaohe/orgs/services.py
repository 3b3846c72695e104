"""Business rules for org units and peer groups; every change writes an audit entry.

Views, the admin and the demo loader call these functions; nothing else
changes ``OrgUnit.parent``/``kind`` or peer-group membership.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.lib.changes import announce, snapshot
from kaohe.lib.errors import NotFound
from kaohe.orgs.models import OrgUnit, PeerGroup, UnitKind, UnitPlacement
from kaohe.orgs.scope import subtree_ids

#: The start of time for a unit's first placement when nothing better is known.
EPOCH = dt.date(2000, 1, 1)
#: Fields ``update_unit`` may change; parent and kind change only through ``move_unit``.
EDITABLE_FIELDS = ("name", "name_en", "short_name", "sort_order", "is_active")


def _check_kind(kind: str) -> None:
    if kind not in UnitKind.values:
        raise ValidationError(_("未知的单位类型：%(kind)s") % {"kind": kind})


@transaction.atomic
def create_unit(
    *,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None = None,
    name_en: str = "",
    short_name: str = "",
    sort_order: int = 0,
    valid_from: dt.date = EPOCH,
    user=None,
    reason: str = "",
) -> OrgUnit:
    """Create a unit with its first dated placement, and log it."""
    code = code.strip()
    if not code:
        raise ValidationError(_("单位代码不能为空"))
    if OrgUnit.objects.filter(code=code).exists():
        raise ValidationError(_("单位代码 %(code)s 已存在") % {"code": code})
    _check_kind(kind)
    unit = OrgUnit.objects.create(
        code=code, name=name, name_en=name_en, short_name=short_name, kind=kind, parent=parent,
        sort_order=sort_order,
    )
    UnitPlacement.objects.create(unit=unit, parent=parent, kind=kind, valid_from=valid_from, reason=reason)
    announce("create", unit, after=snapshot(unit), reason=reason, user=user)
    return unit


@transaction.atomic
def update_unit(unit: OrgUnit, *, user=None, reason: str = "", **changes) -> OrgUnit:
    """Change a unit's names, order or active flag (not its place: see ``move_unit``)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("不能用此操作修改：%(fields)s（隶属关系和类型请用调整隶属）") % {"fields": ", ".join(sorted(unknown))}
        )
    before = snapshot(unit)
    for field, value in changes.items():
        setattr(unit, field, value)
    unit.full_clean(exclude=["parent"])
    unit.save()
    after = snapshot(unit)
    if _changed(before, after):
        announce("update", unit, before=before, after=after, reason=reason, user=user)
    return unit


def _changed(before: dict, after: dict) -> bool:
    """Did anything but the bookkeeping timestamps change?"""
    ignore = {"updated_at", "created_at"}
    return {k: v for k, v in before.items() if k not in ignore} != {k: v for k, v in after.items() if k not in ignore}


def current_placement(unit: OrgUnit) -> UnitPlacement | None:
    return unit.placements.filter(valid_to__isnull=True).order_by("-valid_from").first()


@transaction.atomic
def move_unit(
    unit: OrgUnit,
    *,
    parent: OrgUnit | None,
    valid_from: dt.date,
    kind: str | None = None,
    reason: str = "",
    user=None,
) -> UnitPlacement:
    """Place ``unit`` under ``parent`` (and optionally change its kind) from ``valid_from`` on.

    The previous placement is closed the day before ``valid_from``, so an
    assessment of an earlier year still sees the old shape (``placement_on``).
    The unit's current ``parent``/``kind`` become the new ones.
    """
    kind = kind or unit.kind
    _check_kind(kind)
    if parent is not None:
        if parent.pk in subtree_ids(unit):
            raise ValidationError(
                _("不能把 %(unit)s 调整到它自己或其下级 %(parent)s 之下") % {"unit": unit, "parent": parent}
            )
    if parent == unit.parent and kind == unit.kind:
        raise ValidationError(_("%(unit)s 的隶属关系和类型没有变化") % {"unit": unit})
    previous = current_placement(unit)
    if previous is None:
        # A unit created outside the services (fixtures, raw admin data): its history starts now.
        previous = UnitPlacement.objects.create(unit=unit, parent=unit.parent, kind=unit.kind, valid_from=EPOCH)
    if valid_from <= previous.valid_from:
        raise ValidationError(
            _("调整日期 %(date)s 必须晚于当前隶属的起始日期 %(start)s")
            % {"date": valid_from.isoformat(), "start": previous.valid_from.isoformat()}
        )
    before = {**snapshot(unit, ["parent", "kind"]), "valid_from": previous.valid_from}
    previous.valid_to = valid_from - dt.timedelta(days=1)
    previous.save(update_fields=["valid_to"])
    placement = UnitPlacement.objects.create(unit=unit, parent=parent, kind=kind, valid_from=valid_from, reason=reason)
    unit.parent = parent
    unit.kind = kind
    unit.save(update_fields=["parent", "kind", "updated_at"])
    after = {**snapshot(unit, ["parent", "kind"]), "valid_from": valid_from}
    announce("update", unit, before=before, after=after, reason=reason, user=user)
    return placement


def placement_on(unit: OrgUnit, day: dt.date) -> UnitPlacement | None:
    """The placement in force on ``day`` (None before the unit existed)."""
    for placement in unit.placements.order_by("valid_from"):
        if placement.valid_from <= day and (placement.valid_to is None or day <= placement.valid_to):
            return placement
    return None


def parent_on(unit: OrgUnit, day: dt.date) -> OrgUnit | None:
    """The unit's parent on ``day``: the dated history if any, else the current parent."""
    placement = placement_on(unit, day)
    if placement is None and not unit.placements.exists():
        return unit.parent
    return placement.parent if placement else None


@transaction.atomic
def save_peer_group(
    *,
    year: int,
    code: str,
    name: str,
    members: Iterable[OrgUnit],
    name_en: str = "",
    sort_order: int = 0,
    user=None,
    reason: str = "",
) -> PeerGroup:
    """Create or update the peer group ``code`` of ``year`` with exactly ``members``."""
    group = PeerGroup.objects.filter(year=year, code=code).first()
    member_ids = sorted({u.pk for u in members})
    if group is None:
        group = PeerGroup.objects.create(year=year, code=code, name=name, name_en=name_en, sort_order=sort_order)
        group.members.set(member_ids)
        announce("create", group, after={**snapshot(group), "members": member_ids}, reason=reason, user=user)
        return group
    before = {**snapshot(group), "members": sorted(group.members.values_list("pk", flat=True))}
    group.name, group.name_en, group.sort_order = name, name_en, sort_order
    group.save()
    group.members.set(member_ids)
    after = {**snapshot(group), "members": member_ids}
    if _changed(before, after):
        announce("update", group, before=before, after=after, reason=reason, user=user)
    return group


def unit_or_404(code: str, user=None) -> OrgUnit:
    """The org unit with this code, or a 404 saying no unit has that code — the one way to turn
    a unit code in a URL into an ``OrgUnit``. With ``user``, only units in their scope are found
    (``OrgUnit.objects.visible_to``): a unit outside it reads exactly like one that does not exist."""
    units = OrgUnit.objects.all() if user is None else OrgUnit.objects.visible_to(user)
    unit = units.select_related("parent").filter(code=code).first()
    if unit is None:
        raise NotFound(_("没有代码为“%(code)s”的单位。请检查链接，或从单位列表中选择。") % {"code": code})
    return unit
