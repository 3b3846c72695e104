"""Pages of the organisation: the unit directory (tree), a unit's page, peer groups by year."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils.translation import get_language

from kaohe.orgs.models import OrgUnit, PeerGroup, UnitKind
from kaohe.orgs.permissions import check, require
from kaohe.orgs.services import unit_or_404

KIND_ORDER = {kind: i for i, kind in enumerate(UnitKind.values)}


def _visible_ids(user) -> set[int]:
    """Ids of the units the user may see (to decide which names are links)."""
    return set(OrgUnit.objects.visible_to(user).values_list("pk", flat=True))


def _kind_labels() -> dict[str, str]:
    # get_kind_display() hashes lazy choices on every call: 500 units made that the page's main cost.
    return {value: str(label) for value, label in UnitKind.choices}


def _tree(units: list[OrgUnit]) -> list[dict]:
    """Nested nodes ``{unit, groups: [{kind, label, nodes}]}``; roots are units whose parent is not shown."""
    labels = _kind_labels()
    by_parent: dict[int | None, list[OrgUnit]] = {}
    ids = {u.pk for u in units}
    for unit in units:
        by_parent.setdefault(unit.parent_id if unit.parent_id in ids else None, []).append(unit)

    def node(unit: OrgUnit, depth: int) -> dict:
        children = sorted(by_parent.get(unit.pk, []), key=lambda u: (KIND_ORDER.get(u.kind, 99), u.sort_order, u.code))
        groups: list[dict] = []
        for child in children:
            if not groups or groups[-1]["kind"] != child.kind:
                groups.append({"kind": child.kind, "label": labels.get(child.kind, child.kind), "nodes": []})
            groups[-1]["nodes"].append(node(child, depth + 1))
        return {"unit": unit, "kind_label": labels.get(unit.kind, unit.kind), "groups": groups, "size": len(children),
                "depth": depth}

    roots = sorted(by_parent.get(None, []), key=lambda u: (KIND_ORDER.get(u.kind, 99), u.sort_order, u.code))
    return [node(u, 0) for u in roots]


@login_required
def directory(request):
    """单位名录: the units in the user's scope as a tree, or a flat list when searching."""
    require(request.user, "orgs.view_directory")
    units = OrgUnit.objects.visible_to(request.user)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if kind and kind not in UnitKind.values:
        kind = ""
    searching = bool(q or kind)
    if q:
        units = units.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(name_en__icontains=q))
    if kind:
        units = units.filter(kind=kind)
    units = list(units.select_related("parent"))
    labels = _kind_labels()
    counts: dict[str, int] = {}
    for unit in units:
        unit.kind_label = labels.get(unit.kind, unit.kind)
        counts[unit.kind_label] = counts.get(unit.kind_label, 0) + 1
    return render(request, "orgs/directory.html", {
        "nav_active": "orgs",
        "tree": [] if searching else _tree(units),
        "results": sorted(units, key=lambda u: (KIND_ORDER.get(u.kind, 99), u.sort_order, u.code)) if searching else [],
        "searching": searching,
        "q": q,
        "kind": kind,
        "kinds": UnitKind.choices,
        "counts": sorted(counts.items(), key=lambda kv: -kv[1]),
        "total": len(units),
        "english": (get_language() or "").startswith("en"),
    })


@login_required
def unit_detail(request, code: str):
    """A unit's page: where it sits (and sat), what is below it, its peer groups, its people."""
    require(request.user, "orgs.view_directory")
    unit = unit_or_404(code, request.user)
    visible = _visible_ids(request.user)
    ancestors = []
    current = unit.parent
    while current is not None and len(ancestors) < 20:
        ancestors.insert(0, current)
        current = current.parent
    children = unit.children.annotate(child_count=Count("children")).order_by("sort_order", "code")
    placements = list(unit.placements.select_related("parent").order_by("-valid_from"))
    groups = unit.peer_groups.order_by("-year", "sort_order")
    may_manage = check(request.user, "orgs.manage_unit", unit)
    people = unit.people.select_related("user").order_by("role", "display_name") if may_manage else []
    return render(request, "orgs/unit_detail.html", {
        "nav_active": "orgs",
        "unit": unit,
        "ancestors": [(a, a.pk in visible) for a in ancestors],
        "children": children,
        "placements": placements,
        "moved": len(placements) > 1,
        "groups": groups,
        "people": people,
        "may_manage": may_manage,
        "today": dt.date.today(),
    })


@login_required
def peer_groups(request):
    """分类考核组 of one year: which units are compared with which."""
    require(request.user, "orgs.view_directory")
    years = sorted(set(PeerGroup.objects.values_list("year", flat=True)), reverse=True)
    try:
        year = int(request.GET.get("year") or (years[0] if years else dt.date.today().year))
    except ValueError:
        year = years[0] if years else dt.date.today().year
    groups = PeerGroup.objects.filter(year=year).prefetch_related("members").order_by("sort_order", "code")
    visible = _visible_ids(request.user)
    previous = {}
    for g in PeerGroup.objects.filter(year=year - 1).prefetch_related("members"):
        for m in g.members.all():
            previous[m.pk] = g.name
    rows = []
    for group in groups:
        members = sorted(group.members.all(), key=lambda u: (u.sort_order, u.code))
        rows.append({
            "group": group,
            "members": [
                {"unit": m, "linkable": m.pk in visible,
                 "moved_from": previous.get(m.pk) if m.pk in previous and previous[m.pk] != group.name else ""}
                for m in members
            ],
        })
    return render(request, "orgs/peer_groups.html", {
        "nav_active": "orgs", "year": year, "years": years, "rows": rows,
    })
