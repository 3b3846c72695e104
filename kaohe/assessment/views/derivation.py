"""The district office's pages: derive its scheme from the city's (派生方案) and 目标分解."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kaohe.assessment import derivation, services
from kaohe.assessment.derivation import DerivationError
from kaohe.assessment.models import DataValue, SchemeVersion, VersionStatus
from kaohe.lib.numbers import NumberError, field_limit, parse_number, round_half_up
from kaohe.orgs.models import PeerGroup
from kaohe.orgs.permissions import check, person_of, require, subtree_ids
from kaohe.orgs.scope import get_visible_or_404


def _office_unit(request):
    """The district office's own unit: the owner of what it derives and decomposes."""
    person = person_of(request.user)
    if person is None:
        raise PermissionDenied("assessment.manage_scheme")
    return person.unit


def _sources(owner) -> list[SchemeVersion]:
    """Adopted versions of the schemes owned above ``owner`` (the city's, for a district)."""
    above = []
    unit = owner.parent
    while unit is not None:
        above.append(unit.pk)
        unit = unit.parent
    return list(SchemeVersion.objects.filter(status=VersionStatus.ADOPTED, scheme__owner_unit_id__in=above)
                .select_related("scheme__owner_unit").order_by("-scheme__year", "scheme__code"))


@login_required
def scheme_derive(request):
    """派生方案: pick the city's indicators the district passes down to its towns."""
    owner = _office_unit(request)
    # The derived scheme is a new object owned by the office's unit: the office must manage it.
    require(request.user, "assessment.manage_scheme", owner)
    sources = _sources(owner)
    source = None
    wanted = request.POST.get("source") or request.GET.get("source")
    if wanted:
        source = next((v for v in sources if str(v.pk) == wanted), None)
        if source is None:
            raise PermissionDenied("assessment.manage_scheme")
    source = source or (sources[0] if sources else None)
    below = subtree_ids(owner) - {owner.pk}
    groups = list(PeerGroup.objects.filter(year=source.scheme.year, members__in=below).distinct()) if source else []
    errors: list[str] = []
    picked: set[str] = set()
    if request.method == "POST" and source is not None:
        picked = set(request.POST.getlist("indicator"))
        chosen = [g for g in groups if str(g.pk) in request.POST.getlist("group")]
        try:
            version = derivation.derive_scheme(source, owner, sorted(picked, key=_order(source)), user=request.user,
                                               peer_groups=chosen, name=request.POST.get("name") or None)
        except DerivationError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("已派生方案草稿，请分解目标后发布"))
            return redirect("assessment:target_split", version.pk)
    specs = derivation.derivable_indicators(source) if source else []
    return render(request, "assessment/scheme_derive.html", {
        "nav_active": "schemes", "owner": owner, "sources": sources, "source": source, "specs": specs,
        "groups": groups, "errors": errors, "picked": picked,
        "post_groups": set(request.POST.getlist("group")) if request.method == "POST" else {str(g.pk) for g in groups},
    })


def _order(source: SchemeVersion):
    order = {code: i for i, code in enumerate(source.indicators.order_by("sort_order").values_list("code", flat=True))}
    return lambda code: order.get(code, len(order))


def _weights(version: SchemeVersion, code: str, towns) -> dict[int, Decimal]:
    """Last year's figures of the towns (their latest stored value of ``code``), for a proposal."""
    holder = services.version_for_year(version, version.scheme.year - 1)
    if holder is None:
        return {}
    rows = (DataValue.objects.filter(version=holder, indicator=code, unit__in=towns, value__isnull=False)
            .order_by("unit_id", "-period__end").values_list("unit_id", "value"))
    latest: dict[int, Decimal] = {}
    for unit_id, value in rows:
        latest.setdefault(unit_id, value)
    return latest


@login_required
def target_split(request, pk: int):
    """目标分解: the city's target for the district of each indicator, split among its towns."""
    version = get_visible_or_404(request.user, SchemeVersion.objects.select_related(
        "scheme__owner_unit", "scheme__derived_from__scheme"), pk=pk)
    require(request.user, "assessment.view_scheme", version)
    towns = derivation.towns_of(version)
    items = derivation.assignments(version)
    errors: list[str] = []
    posted: dict[str, dict[int, str]] = {}
    # The office managing the version decomposes: 甲区's own, and the city's, which oversees its
    # districts (as it edits and adopts their schemes); 乙区's is not told it exists (404 above).
    can_manage = version.status != VersionStatus.SUPERSEDED and check(request.user, "assessment.manage_scheme", version)
    if request.method == "POST":
        require(request.user, "assessment.manage_scheme", version)
        splits: dict[str, dict[int, Decimal | None]] = {}
        for a in items:
            raw = {t.pk: request.POST.get(f"t-{a.spec.code}-{t.pk}", "").strip() for t in towns}
            if not any(raw.values()):
                continue
            posted[a.spec.code] = raw
            parts: dict[int, Decimal | None] = {}
            for town in towns:
                text = raw[town.pk]
                try:
                    parts[town.pk] = parse_number(text, max_abs=field_limit(24, 6))
                except NumberError as exc:
                    why = exc.text(get_language())
                    errors.append(_("指标“%(n)s”: %(t)s 的“%(v)s”%(why)s")
                                  % {"n": a.spec.name, "t": town.name, "v": text, "why": why})
            splits[a.spec.code] = parts
        if not errors:
            try:
                derivation.decompose_targets(version, splits, user=request.user)
            except DerivationError as exc:
                errors = exc.errors
            else:
                messages.success(request, _("目标分解已保存"))
                return redirect("assessment:target_split", version.pk)
    rows = []
    for a in items:
        proposal = {}
        if a.assigned is not None and towns:
            proposal = derivation.proportional_split(a.assigned, _weights(version, a.spec.code, towns) or
                                                     {t.pk: Decimal(1) for t in towns}, a.digits)
        cells = []
        for town in towns:
            stored = a.parts.get(town.pk)
            shown = posted.get(a.spec.code, {}).get(town.pk)
            if shown is None:
                shown = "" if stored is None else f"{round_half_up(stored, a.digits):f}"
            cells.append({"town": town, "value": shown, "proposal": proposal.get(town.pk)})
        rows.append({"a": a, "cells": cells})
    return render(request, "assessment/target_split.html", {
        "nav_active": "schemes", "version": version, "towns": towns, "rows": rows, "errors": errors,
        "can_manage": can_manage,
    })
