"""Platform metadata (平台信息): what the kaohe platform keeps on a scheme beside the scoring rule.

A scheme, each node and each leaf may carry one ``platform:`` mapping. The engine does
not score with it, but it reads and validates it like every other key (unknown keys,
wrong types and misspelt choices are errors naming the place), so a scheme is read in
one place only (:mod:`kaohe.engine.scheme`) and the platform's apps take the result as
objects::

    root:
      - code: econ
        platform: {bands: {green: 0.9, yellow: 0.7}}     # display: colours of everything below
        children:
          - code: gdp_growth
            points: 10
            method: rank_points
            params: {step: 1}
            platform:
              responsible_unit: SFS-TJJ                  # collection: 责任单位 (unit code)
              frequency: monthly                         # 报送频次: monthly | quarterly | half_yearly | yearly
              unit_of_measure: "%"                       # 计量单位
              value_kind: period                         # 数值类型: period (当期值) | ytd (累计值)
              validation: {min: -20, max: 30, allow_negative: true, jump_pct: 50}   # 数据审核
              # source: projects                         # 数据来源: a kaohe module computes the values
              bands: {green: 0.85, yellow: 0.6}          # display: 色带 (share of full marks)
              name_en: GDP growth
    platform:                                            # the scheme's own
      code: HQD                                          # 方案代码
      bands: {green: 0.85, yellow: 0.6}                  # default colours
      collect:                                           # base data collected but not scored
        - {code: rd_spend, name: 研发经费支出, category: 科技创新, unit_of_measure: 亿元,
           responsible_unit: SFS-KJJ, frequency: yearly, value_kind: period}
      flags:                                             # 红旗/黄灯 rules of monthly runs
        red: [{rule: board_first}, {rule: best_growth, measure: total}]
        yellow: [{rule: board_last}, {rule: target_missed, times: 2}]

:func:`upgrade_legacy` moves the keys that schemes stored before this place existed
kept loose on leaves and at the top (``responsible_unit``, ``rules``, ``collect``,
``flags``, ``code``…) into it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kaohe.lib.periods import PeriodKind

if TYPE_CHECKING:  # the checker lives with the scheme reader, which imports this module
    from kaohe.engine.scheme import _Checker

# 报送频次: the period kinds' names (monthly, quarterly, half_yearly, yearly), shortest first
FREQUENCIES = tuple(kind.frequency for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF, PeriodKind.YEAR))
VALUE_KINDS = ("period", "ytd")
FLAG_KINDS = ("red", "yellow")
# flag rule -> {parameter: (default, allowed choices or None for a whole number ≥ 1)}
FLAG_RULES: dict[str, dict[str, tuple[Any, tuple[str, ...] | None]]] = {
    "board_first": {},
    "board_last": {},
    "best_growth": {"measure": ("total", ("total", "rank"))},
    "target_missed": {"times": (2, None)},
}
# validation rule -> kind of value
VALIDATION: dict[str, str] = {
    "required": "bool", "allow_negative": "bool", "integer": "bool",
    "min": "number", "max": "number", "jump_pct": "nonneg", "part_of": "text",
}
COLLECTION_KEYS = ("responsible_unit", "frequency", "unit_of_measure", "value_kind", "validation", "source")
DISPLAY_KEYS = ("bands", "name_en")
LEAF_KEYS = (*COLLECTION_KEYS, *DISPLAY_KEYS)
NODE_KEYS = DISPLAY_KEYS
SCHEME_KEYS = ("code", "bands", "collect", "flags")
COLLECT_KEYS = ("code", "name", "category", *COLLECTION_KEYS, "name_en")
LABELS = {
    "platform": "平台信息", "responsible_unit": "责任单位", "frequency": "报送频次",
    "unit_of_measure": "计量单位", "value_kind": "数值类型", "validation": "数据审核规则",
    "bands": "色带", "name_en": "英文名称", "code": "方案代码", "collect": "采集的基础数据", "source": "数据来源",
    "flags": "红旗/黄灯规则", "green": "绿色下限", "yellow": "黄色下限",
}


@dataclass(frozen=True)
class Bands:
    """色带: a score at or above ``green`` × full marks shows green, at or above ``yellow`` ×
    full marks yellow, below that red."""

    green: float = 0.85
    yellow: float = 0.6

    def colour(self, score: float | None, full: float | None) -> str:
        """``green``, ``yellow``, ``red``, or ``none`` without a score or full marks."""
        if score is None or not full:
            return "none"
        ratio = score / full
        if ratio >= self.green:
            return "green"
        return "yellow" if ratio >= self.yellow else "red"


@dataclass(frozen=True)
class Platform:
    """A node's or leaf's platform metadata: collection (责任单位, 报送频次, 计量单位, 数值类型,
    数据审核规则; leaves only) and display (色带, English name)."""

    responsible_unit: str = ""
    frequency: str = ""
    unit_of_measure: str = ""
    value_kind: str = ""
    validation: Mapping[str, Any] = field(default_factory=dict)
    bands: Bands | None = None
    name_en: str = ""
    #: 数据来源: the kaohe module that computes the values (e.g. ``projects``); "" = entered.
    #: Free text here: the platform's registry (``kaohe.assessment.sources``) checks the name.
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in ("responsible_unit", "frequency", "unit_of_measure", "value_kind", "source"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.validation:
            out["validation"] = dict(self.validation)
        if self.bands is not None:
            out["bands"] = {"green": self.bands.green, "yellow": self.bands.yellow}
        if self.name_en:
            out["name_en"] = self.name_en
        return out


@dataclass(frozen=True)
class Collected:
    """A base indicator collected but not scored itself (it feeds computed ones, or bonus,
    deduction and veto items): 采集的基础数据."""

    code: str
    name: str
    category: str = ""
    platform: Platform = field(default_factory=Platform)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "name": self.name}
        if self.category:
            out["category"] = self.category
        out.update(self.platform.to_dict())
        return out


@dataclass(frozen=True)
class FlagRule:
    """One 红旗/黄灯 rule: ``board_first`` / ``board_last`` (first / last place on each board in
    each peer group), ``best_growth`` (the biggest rise against last month, ``measure`` total
    points or rank places), ``target_missed`` (a monthly target missed ``times`` months in a row)."""

    rule: str
    measure: str = "total"
    times: int = 2

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule}
        if self.rule == "best_growth":
            out["measure"] = self.measure
        if self.rule == "target_missed":
            out["times"] = self.times
        return out


@dataclass(frozen=True)
class FlagRules:
    """红旗激励榜 (red) and 黄灯提醒榜 (yellow) rules of a scheme's monthly runs."""

    red: tuple[FlagRule, ...] = ()
    yellow: tuple[FlagRule, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"red": [r.to_dict() for r in self.red], "yellow": [r.to_dict() for r in self.yellow]}


DEFAULT_FLAGS = FlagRules(
    red=(FlagRule("board_first"), FlagRule("best_growth")),
    yellow=(FlagRule("board_last"), FlagRule("target_missed", times=2)),
)


@dataclass(frozen=True)
class SchemePlatform:
    """The scheme's own platform metadata: its code, default bands, collected base data and
    flag rules."""

    code: str = ""
    bands: Bands | None = None
    collect: tuple[Collected, ...] = ()
    flags: FlagRules | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.code:
            out["code"] = self.code
        if self.bands is not None:
            out["bands"] = {"green": self.bands.green, "yellow": self.bands.yellow}
        if self.collect:
            out["collect"] = [c.to_dict() for c in self.collect]
        if self.flags is not None:
            out["flags"] = self.flags.to_dict()
        return out


# ----------------------------------------------------------------------------- validation


def _where(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _label(key: str) -> str:
    return f"{key} ({LABELS[key]})" if key in LABELS else key


def _keys(c: _Checker, where: str, d: Mapping[str, Any], allowed: tuple[str, ...], what: str) -> None:
    for k in d:
        if k not in allowed:
            c.err(_where(where, str(k)), f"unknown key '{k}' in {what}{c.suggest(k, allowed)}; "
                                         f"allowed: {', '.join(allowed)}", code="unknown_key", key=str(k), suggestion=c.best(k, allowed))


def check_bands(c: _Checker, where: str, raw: Any) -> Bands | None:
    d = c.mapping(where, raw)
    if d is None:
        return None
    _keys(c, where, d, ("green", "yellow"), _label("bands"))
    values = {}
    for key, default in (("green", Bands.green), ("yellow", Bands.yellow)):
        v = c.number(_where(where, key), d.get(key, default), nonneg=True)
        if v is not None and v > 1:
            c.err(_where(where, key), f"{_label(key)} is a share of full marks between 0 and 1, got {v:g}", code="not_a_share", value=v)
            v = None
        values[key] = v
    if values["green"] is None or values["yellow"] is None:
        return None
    if values["yellow"] > values["green"]:
        c.err(where, f"yellow ({values['yellow']:g}) must not be above green ({values['green']:g})", code="yellow_above_green", yellow=values["yellow"], green=values["green"])
        return None
    return Bands(green=values["green"], yellow=values["yellow"])


def _validation(c: _Checker, where: str, raw: Any) -> dict[str, Any] | None:
    d = c.mapping(where, raw)
    if d is None:
        return None
    _keys(c, where, d, tuple(VALIDATION), _label("validation"))
    out: dict[str, Any] = {}
    ok = True
    for key, value in d.items():
        kind = VALIDATION.get(str(key))
        w = _where(where, str(key))
        if kind is None:
            ok = False
        elif kind == "bool":
            if not isinstance(value, bool):
                c.err(w, f"expected true or false, got {value!r}", code="not_bool", value=value)
                ok = False
            else:
                out[key] = value
        elif kind == "text":
            t = c.text(w, value)
            ok = ok and t is not None
            out[key] = t
        elif value is None and key in ("min", "max"):
            out[key] = None
        else:
            n = c.number(w, value, nonneg=kind == "nonneg")
            ok = ok and n is not None
            out[key] = int(n) if n is not None and n == int(n) else n
    if ok and out.get("min") is not None and out.get("max") is not None and out["min"] > out["max"]:
        c.err(where, f"min ({out['min']:g}) is above max ({out['max']:g})", code="min_above_max", low=out["min"], high=out["max"])
        ok = False
    return out if ok else None


def _fields(c: _Checker, where: str, d: Mapping[str, Any]) -> dict[str, Any] | None:
    """The Platform fields present in ``d`` (keys already checked by the caller)."""
    out: dict[str, Any] = {}
    ok = True
    for key in ("responsible_unit", "unit_of_measure", "name_en", "source"):
        if d.get(key) is not None:
            t = c.text(_where(where, key), d[key], required=False)
            out[key] = t or ""
    if d.get("frequency") is not None:
        f = c.choice(_where(where, "frequency"), d["frequency"], FREQUENCIES, _label("frequency"))
        ok = ok and f is not None
        out["frequency"] = f or ""
    if d.get("value_kind") is not None:
        k = c.choice(_where(where, "value_kind"), d["value_kind"], VALUE_KINDS, _label("value_kind"))
        ok = ok and k is not None
        out["value_kind"] = k or ""
    if d.get("validation") is not None:
        v = _validation(c, _where(where, "validation"), d["validation"])
        ok = ok and v is not None
        out["validation"] = v or {}
    if d.get("bands") is not None:
        b = check_bands(c, _where(where, "bands"), d["bands"])
        ok = ok and b is not None
        out["bands"] = b
    return out if ok else None


def check_platform(c: _Checker, where: str, raw: Any, *, leaf: bool) -> Platform:
    """The ``platform`` mapping of a node (display keys only) or a leaf (collection too)."""
    if raw is None:
        return Platform()
    d = c.mapping(where, raw)
    if d is None:
        return Platform()
    if leaf:
        _keys(c, where, d, LEAF_KEYS, f"the {_label('platform')} of a leaf")
    else:
        for k in d:
            if k in COLLECTION_KEYS:
                c.err(_where(where, str(k)), f"{_label(str(k))} belongs to a leaf (an indicator that is "
                                             f"collected), not to a node", code="leaf_key_on_node", key=str(k))
        _keys(c, where, {k: v for k, v in d.items() if k not in COLLECTION_KEYS}, NODE_KEYS,
              f"the {_label('platform')} of a node")
    fields = _fields(c, where, d)
    return Platform(**fields) if fields is not None else Platform()


def check_flags(c: _Checker, where: str, raw: Any) -> FlagRules | None:
    """Flag rules ``{red: [...], yellow: [...]}`` (also used for a FlagPolicy's rules)."""
    d = c.mapping(where, raw)
    if d is None:
        return None
    _keys(c, where, d, FLAG_KINDS, _label("flags"))
    kinds: dict[str, list[FlagRule]] = {"red": [], "yellow": []}
    for kind in FLAG_KINDS:
        items = c.seq(_where(where, kind), d.get(kind) or [])
        for i, item in enumerate(items or []):
            w = f"{_where(where, kind)}[{i}]"
            it = c.mapping(w, item)
            if it is None:
                continue
            rule = c.choice(_where(w, "rule"), it.get("rule"), tuple(FLAG_RULES), "flag rule")
            if rule is None:
                continue
            spec = FLAG_RULES[rule]
            _keys(c, w, it, ("rule", *spec), f"flag rule '{rule}'")
            params: dict[str, Any] = {}
            for key, (default, choices) in spec.items():
                value = it.get(key, default)
                if choices is not None:
                    params[key] = c.choice(_where(w, key), value, choices, key) or default
                else:
                    n = c.number(_where(w, key), value, positive=True)
                    if n is not None and n != int(n):
                        c.err(_where(w, key), f"must be a whole number, got {value!r}", code="not_whole", value=value)
                    params[key] = int(n) if n is not None else default
            kinds[kind].append(FlagRule(rule=rule, **params))
    return FlagRules(red=tuple(kinds["red"]), yellow=tuple(kinds["yellow"]))


def check_scheme_platform(c: _Checker, where: str, raw: Any) -> SchemePlatform:
    if raw is None:
        return SchemePlatform()
    d = c.mapping(where, raw)
    if d is None:
        return SchemePlatform()
    _keys(c, where, d, SCHEME_KEYS, f"the scheme's {_label('platform')}")
    code = c.text(_where(where, "code"), d["code"], required=False) if d.get("code") is not None else ""
    bands = check_bands(c, _where(where, "bands"), d["bands"]) if d.get("bands") is not None else None
    flags = check_flags(c, _where(where, "flags"), d["flags"]) if d.get("flags") is not None else None
    collect: list[Collected] = []
    seen: dict[str, str] = {}
    for i, item in enumerate(c.seq(_where(where, "collect"), d.get("collect") or []) or []):
        w = f"{_where(where, 'collect')}[{i}]"
        it = c.mapping(w, item)
        if it is None:
            continue
        _keys(c, w, it, COLLECT_KEYS, _label("collect"))
        ccode = c.text(_where(w, "code"), it.get("code"))
        name = c.text(_where(w, "name"), it.get("name"), required=False) or (ccode or "")
        category = c.text(_where(w, "category"), it.get("category"), required=False) or ""
        fields = _fields(c, w, it)
        if ccode is None or fields is None:
            continue
        if ccode in seen:
            c.err(_where(w, "code"), f"'{ccode}' is collected twice (also at {seen[ccode]})", code="duplicate_code", value=ccode, other=seen[ccode])
            continue
        seen[ccode] = w
        collect.append(Collected(code=ccode, name=name, category=category, platform=Platform(**fields)))
    return SchemePlatform(code=code or "", bands=bands, collect=tuple(collect), flags=flags)


# ----------------------------------------------------------------------------- legacy form

#: Leaf keys schemes kept loose before the ``platform`` place existed (``rules`` is now
#: ``validation``; ``unit``/``measure`` were read as the unit of measure).
LEGACY_LEAF = {"responsible_unit": "responsible_unit", "frequency": "frequency",
               "unit_of_measure": "unit_of_measure", "unit": "unit_of_measure", "measure": "unit_of_measure",
               "value_kind": "value_kind", "rules": "validation", "name_en": "name_en", "bands": "bands"}
LEGACY_TOP = ("code", "collect", "flags")


def _upgrade_fields(d: dict[str, Any]) -> dict[str, Any]:
    moved: dict[str, Any] = {}
    for old, new in LEGACY_LEAF.items():
        if old in d:
            value = d.pop(old)
            if value is not None and value != "":
                moved.setdefault(new, value)
    return moved


def upgrade_legacy(scheme: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``scheme`` with the loose platform keys of older stored schemes moved into
    ``platform`` mappings (idempotent: a current scheme comes back equal)."""
    d = copy.deepcopy(dict(scheme))

    def node(n: Any) -> None:
        if not isinstance(n, dict):
            return
        children = n.get("children")
        if isinstance(children, list):
            for ch in children:
                node(ch)
        moved = _upgrade_fields(n) if not isinstance(children, list) else (
            {"bands": n.pop("bands")} if "bands" in n else {})
        if moved:
            platform = n.setdefault("platform", {})
            if isinstance(platform, dict):
                for k, v in moved.items():
                    platform.setdefault(k, v)

    root = d.get("root")
    if isinstance(root, list):
        for ch in root:
            node(ch)
    else:
        node(root)
    top = {k: d.pop(k) for k in LEGACY_TOP if k in d}
    if top:
        platform = d.setdefault("platform", {})
        if isinstance(platform, dict):
            if isinstance(top.get("collect"), list):
                items = []
                for item in top["collect"]:
                    if isinstance(item, dict):
                        item = dict(item)
                        if "rules" in item:
                            rules = item.pop("rules")
                            if rules:
                                item.setdefault("validation", rules)
                    items.append(item)
                top["collect"] = items
            for k, v in top.items():
                if v is not None and v != "" and v != []:
                    platform.setdefault(k, v)
            if not platform:
                d.pop("platform")
    return d
