"""JSON API of the organisation (mounted at /api/orgs/): units in scope, one unit, peer groups.

Token or session authentication (kaohe.api.auth); every handler asks the permission module.
"""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.errors import HttpError

from kaohe.lib.params import Year
from kaohe.orgs.models import OrgUnit, PeerGroup, UnitKind
from kaohe.orgs.permissions import check

router = Router(tags=["orgs"])


class UnitOut(Schema):
    code: str
    name: str
    name_en: str
    short_name: str
    kind: str
    parent: str | None
    sort_order: int
    is_active: bool


class PlacementOut(Schema):
    parent: str | None
    kind: str
    valid_from: dt.date
    valid_to: dt.date | None
    reason: str


class UnitDetailOut(UnitOut):
    placements: list[PlacementOut]
    peer_groups: list[str]


class PeerGroupOut(Schema):
    year: int
    code: str
    name: str
    name_en: str
    members: list[str]


def _unit(u: OrgUnit) -> dict:
    return {"code": u.code, "name": u.name, "name_en": u.name_en, "short_name": u.short_name, "kind": u.kind,
            "parent": u.parent.code if u.parent_id else None, "sort_order": u.sort_order, "is_active": u.is_active}


@router.get("/units", operation_id="orgs_unit_list", summary="范围内的单位 / Units in the caller's scope", response=list[UnitOut])
def units(request, kind: str | None = None, q: str | None = None):
    if not check(request.user, "orgs.view_directory"):
        raise HttpError(403, "permission denied: orgs.view_directory")
    if kind and kind not in UnitKind.values:
        raise HttpError(422, f"kind: unknown unit kind {kind!r}; known: {', '.join(UnitKind.values)}")
    qs = OrgUnit.objects.visible_to(request.user).select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(code__icontains=q)
    return [_unit(u) for u in qs.order_by("sort_order", "code")]


@router.get("/units/{code}", operation_id="orgs_unit_get", summary="单位及其隶属沿革 / One unit with its dated placements", response=UnitDetailOut)
def unit(request, code: str):
    # Out of scope is not found, exactly like a code that does not exist.
    found = OrgUnit.objects.visible_to(request.user).select_related("parent").filter(code=code).first()
    if found is None:
        raise HttpError(404, f"no unit in your scope has the code {code!r}")
    placements = [
        {"parent": p.parent.code if p.parent_id else None, "kind": p.kind, "valid_from": p.valid_from,
         "valid_to": p.valid_to, "reason": p.reason}
        for p in found.placements.select_related("parent").order_by("valid_from")
    ]
    groups = [f"{g.year}:{g.code}" for g in found.peer_groups.order_by("year", "sort_order")]
    return {**_unit(found), "placements": placements, "peer_groups": groups}


@router.get("/peer-groups", operation_id="orgs_peer_group_list", summary="分类考核组 / Peer groups of a year", response=list[PeerGroupOut])
def peer_groups(request, year: Year):
    if not check(request.user, "orgs.view_directory"):
        raise HttpError(403, "permission denied: orgs.view_directory")
    return [
        {"year": g.year, "code": g.code, "name": g.name, "name_en": g.name_en,
         "members": [m.code for m in sorted(g.members.all(), key=lambda u: (u.sort_order, u.code))]}
        for g in PeerGroup.objects.filter(year=year).prefetch_related("members").order_by("sort_order", "code")
    ]
