"""Assessment at every level: a district's scheme derived from the city's, and 目标分解.

The city assesses its districts (市对区); each district assesses its towns, streets and parks on
its own scheme that mirrors the city's (“全面对照市考要求，细化配套方案”). A district office

1. **derives** its scheme from the city's adopted version (:func:`derive_scheme`): it picks the
   city's indicators it passes down; the tree keeps only those (and the categories holding them),
   the boards keep only those, the district collects its towns' data itself, and the new scheme
   remembers the version it came from (``Scheme.derived_from``);
2. **decomposes targets** (:func:`decompose_targets`): the target the city assigned to the
   district for an indicator is split among its towns. The parts must add up to the city's
   target *at the precision the figure is shown with* (``kaohe.lib.numbers.default_digits``):
   rounded 四舍五入 to that precision, the sum of the parts equals the city's target, else the
   indicator is refused with the difference named. :func:`proportional_split` proposes parts that
   always add up (largest remainder, 最大余数法), in proportion to weights such as last year's
   values. Only additive figures are split (amounts, counts, areas); a rate (%, 分) is not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.assessment import schemes
from kaohe.assessment.models import IndicatorSpec, Scheme, SchemeVersion, Target, VersionStatus
from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.lib.numbers import RATE_UNITS, default_digits, figure, round_half_up
from kaohe.orgs.models import OrgUnit, PeerGroup
from kaohe.orgs.permissions import subtree_ids

#: Units of measure of a rate or a score: such a target is not a sum of the towns' targets.
NON_ADDITIVE_UNITS = frozenset({*RATE_UNITS, "‰", "分"})


class DerivationError(Exception):
    """The derivation or the decomposition cannot be stored; ``errors`` name indicator and reason."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


# ---- deriving a scheme ------------------------------------------------------------------------


def derivable_indicators(source: SchemeVersion) -> list[IndicatorSpec]:
    """The city's scored indicators a district may pick: typed-in ones (computed ones need the
    city's other figures, e.g. 占全市比重)."""
    return list(source.indicators.filter(is_scored=True, is_collected=True).order_by("sort_order"))


def derived_content(source: SchemeVersion, owner: OrgUnit, codes: Iterable[str], name: str | None = None) -> dict:
    """The district scheme's content: the city's tree cut down to ``codes``; the district
    collects every indicator itself (its office enters its towns' figures)."""
    picked = list(dict.fromkeys(str(c) for c in codes))
    allowed = {s.code for s in derivable_indicators(source)}
    scored = dict(source.indicators.filter(is_scored=True).values_list("code", "name"))
    errors = []
    for code in picked:
        if code not in scored:
            errors.append(_("指标代码 %(c)s: 市方案中没有这个计分指标") % {"c": code})
        elif code not in allowed:
            errors.append(_("指标“%(n)s”: 由市方案的其他指标计算得出，不能单独下发") % {"n": scored[code]})
    if not picked:
        errors.append(_("请至少选择一个指标"))
    if errors:
        raise DerivationError(errors)
    city = schemes.engine_scheme(source.content)
    keep = set(picked)
    # the city's tree cut down to the picked leaves; the district's office collects each one
    sub = city.with_leaves(lambda lf: dataclasses.replace(
        lf, platform=dataclasses.replace(lf.platform, responsible_unit=owner.code)) if lf.indicator in keep else None)
    root = sub.to_dict()["root"] if sub is not None else {"children": []}
    year = source.scheme.year
    content = {
        "name": name or _("%(owner)s%(year)s年度高质量发展综合考核（对镇街、园区）") % {"owner": owner.name, "year": year},
        "year": year,
        "precision": city.precision,
        "description": _("对照《%(city)s》（第 %(n)s 版）细化配套，下发 %(count)s 项指标")
        % {"city": source.scheme.name, "n": source.number, "count": len(picked)},
        "root": root,
    }
    whole = city.to_dict()
    if "tiers" in whole:
        content["tiers"] = whole["tiers"]
    boards = []
    for board in city.boards:
        inds = [i for i in board.indicators if i in keep]
        if inds:
            boards.append({"code": board.code, "name": board.name, "indicators": inds})
    if boards:
        content["boards"] = boards
    return content


@transaction.atomic
def derive_scheme(source: SchemeVersion, owner: OrgUnit, codes: Iterable[str], *, user=None,
                  peer_groups: list[PeerGroup] | None = None, code: str | None = None,
                  name: str | None = None) -> SchemeVersion:
    """A draft scheme of ``owner`` (a district below the source scheme's owner) with the picked
    indicators of the city's adopted ``source`` version."""
    if source.status != VersionStatus.ADOPTED:
        raise DerivationError([_("只能从已发布的方案版本派生")])
    if owner.pk == source.scheme.owner_unit_id or owner.pk not in subtree_ids(source.scheme.owner_unit_id):
        raise DerivationError([_("%(owner)s 不在 %(city)s 之下，不能派生其方案")
                               % {"owner": owner.name, "city": source.scheme.owner_unit.name}])
    content = derived_content(source, owner, codes, name)
    version = schemes.import_scheme(
        content, user=user, code=code or source.scheme.code, name=content["name"], owner_unit=owner,
        peer_groups=peer_groups if peer_groups is not None else [],
        reason=_("由 %(city)s %(name)s 第 %(n)s 版派生") % {"city": source.scheme.owner_unit.name,
                                                         "name": source.scheme.name, "n": source.number},
    )
    Scheme.objects.filter(pk=version.scheme_id).update(derived_from=source)
    version.scheme.derived_from = source
    return version


# ---- 目标分解 ----------------------------------------------------------------------------------


def _spec_digits(spec: IndicatorSpec) -> int:
    """The places the indicator's figures are shown with (the one formatter's rule by unit;
    whole numbers for an indicator validated as ``integer``)."""
    return 0 if (spec.rules or {}).get("integer") else default_digits(spec.unit_of_measure)


def _q(value: Decimal, digits: int) -> Decimal:
    return round_half_up(value, digits)


@dataclass(frozen=True)
class Assignment:
    """One indicator to decompose: the city's target for the district, and the towns' parts."""

    spec: IndicatorSpec
    assigned: Decimal | None  # the city's target for the district (None: the city set none)
    digits: int
    parts: dict[int, Decimal]  # town id → stored part (this version's Target rows)

    @property
    def total(self) -> Decimal:
        return sum(self.parts.values(), Decimal(0))

    @property
    def difference(self) -> Decimal | None:
        if self.assigned is None:
            return None
        return _q(self.total, self.digits) - _q(self.assigned, self.digits)


def city_version(version: SchemeVersion) -> SchemeVersion | None:
    """The city's version the district's targets come from: the adopted version of the scheme the
    district's was derived from (targets move to a new version on adoption)."""
    source = version.scheme.derived_from
    if source is None:
        return None
    return source.scheme.versions.filter(status=VersionStatus.ADOPTED).first() or source


def assignments(version: SchemeVersion) -> list[Assignment]:
    """Every additive indicator of the district's ``version`` with the city's target for the
    district and the parts stored so far."""
    source = city_version(version)
    owner_id = version.scheme.owner_unit_id
    assigned = {}
    if source is not None:
        assigned = dict(Target.objects.filter(version=source, unit_id=owner_id).values_list("indicator", "target"))
    parts: dict[str, dict[int, Decimal]] = {}
    for unit_id, indicator, target in Target.objects.filter(version=version).values_list("unit_id", "indicator", "target"):
        parts.setdefault(indicator, {})[unit_id] = target
    out = []
    for spec in version.indicators.filter(is_scored=True).order_by("sort_order"):
        if spec.unit_of_measure in NON_ADDITIVE_UNITS:
            continue
        out.append(Assignment(spec, assigned.get(spec.code), _spec_digits(spec), parts.get(spec.code, {})))
    return out


def proportional_split(total: Decimal, weights: Mapping[int, Decimal], digits: int) -> dict[int, Decimal]:
    """``total`` split in proportion to ``weights`` at ``digits`` places, adding up exactly.

    最大余数法: each part is first cut down to ``digits`` places; the units of the last place still
    missing go one each to the parts with the largest remainders (ties: the larger weight, then
    the smaller id). Equal weights when every weight is zero. Example: 100 among three equal
    towns at 2 places → 33.34 + 33.33 + 33.33.
    """
    if not weights:
        return {}
    step = Decimal(1).scaleb(-digits)
    total = _q(total, digits)
    weights = {k: max(Decimal(w), Decimal(0)) for k, w in weights.items()}
    whole = sum(weights.values(), Decimal(0))
    if whole == 0:
        weights = {k: Decimal(1) for k in weights}
        whole = Decimal(len(weights))
    exact = {k: total * w / whole for k, w in weights.items()}
    parts = {k: v.quantize(step, rounding=ROUND_DOWN) for k, v in exact.items()}
    missing = int((total - sum(parts.values(), Decimal(0))) / step)
    order = sorted(exact, key=lambda k: (-(exact[k] - parts[k]), -weights[k], k))
    for k in order[:missing]:
        parts[k] += step
    return parts


def towns_of(version: SchemeVersion) -> list[OrgUnit]:
    """The units the district assesses under ``version`` (its peer groups' members below it)."""
    below = subtree_ids(version.scheme.owner_unit_id) - {version.scheme.owner_unit_id}
    return list(OrgUnit.objects.filter(peer_groups__in=version.peer_groups.all(), pk__in=below)
                .distinct().order_by("sort_order", "code"))


@transaction.atomic
def decompose_targets(version: SchemeVersion, splits: Mapping[str, Mapping[int, Decimal | None]], *,
                      user=None) -> list[Target]:
    """Store the towns' targets of each indicator in ``splits`` (indicator → town id → part).

    All or nothing: an unknown or non-additive indicator, a town the district does not assess, a
    negative part, a missing part, or parts that do not add up to the city's target for the
    district (compared at the figure's precision) refuse the whole decomposition, each reason
    naming the indicator (and the town, or the difference).
    """
    # One decomposition of a version at a time: two offices saving at once would each delete the
    # rows and insert theirs, and the second insert would hit the unique (version, unit, indicator).
    version = SchemeVersion.objects.select_for_update().select_related("scheme__owner_unit").get(pk=version.pk)
    if version.status == VersionStatus.SUPERSEDED:
        raise DerivationError([_("已替代的方案版本不能再分解目标")])
    by_code = {a.spec.code: a for a in assignments(version)}
    towns = {u.pk: u for u in towns_of(version)}
    errors: list[str] = []
    rows: list[Target] = []
    for code, parts in splits.items():
        a = by_code.get(code)
        if a is None:
            name = version.indicators.filter(code=code).values_list("name", flat=True).first()
            errors.append(_("指标“%(n)s”: 不是本方案可分解的指标（比率、得分类指标不按合计分解）") % {"n": name or code})
            continue
        label = _("指标“%(name)s”") % {"name": a.spec.name}
        if a.assigned is None:
            errors.append(_("%(l)s: 市里尚未下达%(owner)s的目标，无从分解") % {"l": label, "owner": version.scheme.owner_unit.name})
            continue
        bad = False
        for unit_id in parts:
            if unit_id not in towns:
                stranger = OrgUnit.objects.filter(pk=unit_id).values_list("name", flat=True).first()
                errors.append(_("%(l)s: %(u)s 不是本方案的考核对象") % {"l": label, "u": stranger or unit_id})
                bad = True
        for unit_id, town in towns.items():
            value = parts.get(unit_id)
            if value is None:
                errors.append(_("%(l)s: %(t)s 缺少分解目标") % {"l": label, "t": town.name})
                bad = True
            elif value < 0:
                errors.append(_("%(l)s: %(t)s 的分解目标不能为负数") % {"l": label, "t": town.name})
                bad = True
            elif _q(value, a.digits) != value:
                errors.append(_("%(l)s: %(t)s 的分解目标 %(v)s 超出 %(d)s 位小数") % {"l": label, "t": town.name, "v": value, "d": a.digits})
                bad = True
        if bad:
            continue
        total = sum((parts[u] for u in towns), Decimal(0))
        difference = _q(total, a.digits) - _q(a.assigned, a.digits)
        if difference != 0:
            unit = a.spec.unit_of_measure
            errors.append(_("%(l)s: 各单位分解合计 %(sum)s，市下达%(owner)s目标 %(target)s，相差 %(sign)s%(diff)s")
                          % {"l": label, "sum": figure(total, unit, a.digits), "owner": version.scheme.owner_unit.name,
                             "target": figure(a.assigned, unit, a.digits), "sign": "+" if difference > 0 else "",
                             "diff": figure(difference, unit, a.digits)})
            continue
        rows.extend(Target(version=version, unit_id=u, indicator=code, target=parts[u]) for u in towns)
    if errors:
        raise DerivationError(errors)
    codes = list(splits)
    before = list(Target.objects.filter(version=version, indicator__in=codes).values_list("unit__code", "indicator", "target"))
    Target.objects.filter(version=version, indicator__in=codes).delete()
    Target.objects.bulk_create(rows)
    record(AuditAction.UPDATE, version, object_repr=_("%(s)s 目标分解") % {"s": version.scheme.name},
           before={"targets": [[u, i, str(t)] for u, i, t in before]},
           after={"targets": [[towns[r.unit_id].code, r.indicator, str(r.target)] for r in rows]}, user=user)
    return rows
