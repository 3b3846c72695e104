"""The assessment scheme (考核方案): loading, validation and the frozen model.

A scheme is a tree of nodes (categories, 一级/二级指标) whose leaves name an
indicator and a scoring rule, plus bonus/deduction items (加分/扣分), a
one-vote veto (一票否决), tiers (等次), boards (晒榜) and computed
indicators (派生指标). ``load_scheme`` accepts YAML text, JSON text, a path
or a dict and either returns a :class:`Scheme` or raises
:class:`SchemeError` listing *every* problem, each naming its place
(``root.children[2].children[0].method: unknown method 'rnak' (did you mean
'rank_points'?)``). See docs/scheme.md for the format.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import json
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kaohe.engine.errors import EngineWarning, SchemeError, SchemeProblem
from kaohe.engine.platform import (
    Bands,
    FlagRules,
    Platform,
    SchemePlatform,
    check_flags,
    check_platform,
    check_scheme_platform,
)

REQUIRED = object()

# method -> {param: default (REQUIRED when it must be given)}
METHODS: dict[str, dict[str, Any]] = {
    "rank_points": {"step": REQUIRED, "min": 0.0},
    "rank_ratio": {},
    "efficacy": {"base": 0.6},
    "minmax": {},
    "goalposts": {"lower": REQUIRED, "upper": REQUIRED},
    "target": {"mode": "ratio", "cap": 1.0, "above": 0.0, "above_max": 0.0, "below": REQUIRED},
    "mean_relative": {"below": REQUIRED},
    "threshold": {"value": REQUIRED, "partial": 0.0},
    "zscore": {"sd": "population"},
}
METHOD_CODES = {name: i for i, name in enumerate(METHODS)}
#: Parameters that take one of a few words (the others are numbers) and those that may not be negative.
PARAM_CHOICES: dict[str, tuple[str, ...]] = {"mode": ("ratio", "steps"), "sd": ("population", "sample")}
NONNEG_PARAMS = ("step", "above", "above_max", "below", "cap")
AGGREGATES = ("sum", "mean", "geometric")
DIRECTIONS = ("higher", "lower")
MISSING = ("zero", "mean", "exclude")
TRANSFORMS = ("none", "log")
VETO_EFFECTS = ("bar_top_tier", "last_tier", "zero")
TARGET_MODES = PARAM_CHOICES["mode"]
SD_KINDS = PARAM_CHOICES["sd"]
COMPUTED_KINDS = ("formula", "share", "yoy", "mom", "ytd")

TOP_KEYS = (
    "name", "year", "precision", "total", "description", "root", "bonus", "deduction",
    "bonus_cap", "deduction_cap", "veto", "tiers", "boards", "computed", "platform",
)
NODE_KEYS = ("code", "name", "children", "aggregate", "points", "weight", "description", "platform",
             "min_present", "max_missing", "missing")
NODE_MISSING = ("zero", "exclude")
LEAF_KEYS = (
    "code", "name", "indicator", "points", "weight", "direction", "method", "params",
    "missing", "transform", "description", "platform",
)
ITEM_KEYS = ("indicator", "name", "per", "cap")
VETO_KEYS = ("indicators", "effect", "name")
TIER_KEYS = ("by", "levels")
LEVEL_KEYS = ("name", "min", "share", "count")
BOARD_KEYS = ("code", "name", "indicators", "description")
COMPUTED_KEYS = ("code", "name", "scale", "description", *COMPUTED_KINDS)


# ----------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Leaf:
    """A scored indicator (末级指标): its full marks (分值) and its scoring rule."""

    code: str
    name: str
    indicator: str
    points: float
    method: str
    params: Mapping[str, Any]
    weight: float = 1.0
    direction: str = "higher"
    missing: str = "zero"
    transform: str = "none"
    path: str = ""
    description: str = ""
    platform: Platform = field(default_factory=Platform, compare=False)

    @property
    def is_leaf(self) -> bool:
        return True

    @property
    def full_marks(self) -> float:
        return self.points

    def iter_nodes(self) -> Iterator[Node | Leaf]:
        yield self


@dataclass(frozen=True)
class Node:
    """A category (一级/二级指标) aggregating its children's scores.

    Minimum data (最少数据): with ``min_present`` k the node needs at least k of its
    children to have data, with ``max_missing`` m at most m of the indicators beneath it
    without data; otherwise the node itself has no data and follows its own ``missing``
    rule (``zero``: it scores 0; ``exclude``: it is left out and its parent rescaled). A
    root without enough data means the unit's total cannot be formed: it is not assessed
    (不参与排名)."""

    code: str
    name: str
    children: tuple[Node | Leaf, ...]
    aggregate: str = "sum"
    points: float | None = None
    weight: float = 1.0
    path: str = ""
    min_present: int | None = None
    max_missing: int | None = None
    missing: str = "zero"
    description: str = ""
    platform: Platform = field(default_factory=Platform, compare=False)

    @property
    def is_leaf(self) -> bool:
        return False

    @property
    def has_data_rule(self) -> bool:
        return self.min_present is not None or self.max_missing is not None

    @property
    def full_marks(self) -> float:
        if self.aggregate == "sum":
            return float(sum(c.full_marks for c in self.children))
        return float(self.points or 0.0)

    def iter_nodes(self) -> Iterator[Node | Leaf]:
        """Pre-order: this node, then each child subtree."""
        yield self
        for child in self.children:
            yield from child.iter_nodes()


@dataclass(frozen=True)
class Item:
    """A bonus (加分) or deduction (扣分) item: min(value·per, cap)."""

    indicator: str
    per: float = 1.0
    cap: float | None = None
    name: str = ""


@dataclass(frozen=True)
class Veto:
    """One-vote veto (一票否决): any listed indicator > 0 vetoes the unit."""

    indicators: tuple[str, ...]
    effect: str = "bar_top_tier"
    name: str = ""


@dataclass(frozen=True)
class Level:
    name: str
    min: float | None = None
    share: float | None = None
    count: int | None = None


@dataclass(frozen=True)
class Tiers:
    """Tiers (等次) by score bands or by quota within each peer group."""

    by: str
    levels: tuple[Level, ...]


@dataclass(frozen=True)
class Board:
    """A leaderboard (晒榜): the sum of some leaves' or nodes' scores, ranked per group."""

    code: str
    name: str
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class Computed:
    """A computed indicator (派生指标): formula, share, 同比 (yoy), 环比 (mom) or 累计 (ytd)."""

    code: str
    kind: str
    source: str  # the formula text, or the indicator it is computed from
    name: str = ""
    scale: float = 100.0

    @property
    def inputs(self) -> tuple[str, ...]:
        if self.kind == "formula":
            return formula_names(self.source)
        return (self.source,)


@dataclass(frozen=True)
class Scheme:
    """A validated scheme. Immutable: derive variants with ``dataclasses.replace``
    or :meth:`with_leaf`."""

    name: str
    root: Node
    year: int | None = None
    precision: int = 2
    total: float | None = None
    bonus: tuple[Item, ...] = ()
    deduction: tuple[Item, ...] = ()
    bonus_cap: float | None = None
    deduction_cap: float | None = None
    veto: tuple[Veto, ...] = ()
    tiers: Tiers | None = None
    boards: tuple[Board, ...] = ()
    computed: tuple[Computed, ...] = ()
    description: str = ""
    platform: SchemePlatform = field(default_factory=SchemePlatform, compare=False)
    warnings: tuple[EngineWarning, ...] = field(default=(), compare=False)

    # -- navigation
    def leaves(self) -> list[Leaf]:
        return [n for n in self.root.iter_nodes() if isinstance(n, Leaf)]

    def nodes(self) -> list[Node]:
        return [n for n in self.root.iter_nodes() if isinstance(n, Node)]

    def top_nodes(self) -> tuple[Node | Leaf, ...]:
        return self.root.children

    def find(self, code: str) -> Node | Leaf | None:
        for n in self.root.iter_nodes():
            if n.code == code:
                return n
        return None

    def ancestry(self) -> dict[str, tuple[Node, ...]]:
        """Code of every node and leaf → its ancestors below the root, outermost first
        (a leaf's categories: 一级指标, 二级指标…)."""
        out: dict[str, tuple[Node, ...]] = {}

        def walk(n: Node | Leaf, above: tuple[Node, ...]) -> None:
            out[n.code] = above
            if isinstance(n, Node):
                for ch in n.children:
                    walk(ch, above if n is self.root else (*above, n))

        walk(self.root, ())
        return out

    def bands_of(self, code: str) -> Bands:
        """The 色带 that colour a leaf's or node's score: its own ``platform.bands``, else the
        nearest ancestor's, else the scheme's, else the default (green 0.85, yellow 0.6)."""
        node = self.find(code)
        chain: list[Node | Leaf] = [] if node is None else [node]
        chain += reversed(self.ancestry().get(code, ()))
        for n in chain:
            if n.platform.bands is not None:
                return n.platform.bands
        if self.root.platform.bands is not None:
            return self.root.platform.bands
        return self.platform.bands or Bands()

    def indicators_used(self) -> set[str]:
        """Every indicator code the scheme reads from the values."""
        used = {leaf.indicator for leaf in self.leaves()}
        used |= {i.indicator for i in self.bonus + self.deduction}
        for v in self.veto:
            used |= set(v.indicators)
        return used

    def base_indicators(self) -> set[str]:
        """Indicators that must come from the values file (not computed)."""
        computed = {c.code for c in self.computed}
        needed = set(self.indicators_used())
        for c in self.computed:
            needed |= set(c.inputs)
        return needed - computed

    @property
    def full_marks(self) -> float:
        return self.root.full_marks

    def with_leaf(self, code: str, **changes: Any) -> Scheme:
        """A copy with one leaf changed (e.g. ``weight=``, ``method=``, ``params=``)."""

        def rebuild(n: Node | Leaf) -> Node | Leaf:
            if isinstance(n, Leaf):
                return dataclasses.replace(n, **changes) if n.code == code else n
            return dataclasses.replace(n, children=tuple(rebuild(c) for c in n.children))

        root = rebuild(self.root)
        assert isinstance(root, Node)
        return dataclasses.replace(self, root=root)

    def with_leaves(self, change: Callable[[Leaf], Leaf | None]) -> Scheme | None:
        """A copy whose leaves are ``change(leaf)``: None drops the leaf, and a category left
        without children is dropped too (None when nothing is left). Boards keep the codes
        still in the tree; the root's own minimum-data rules are kept as far as they fit."""

        def rebuild(n: Node | Leaf) -> Node | Leaf | None:
            if isinstance(n, Leaf):
                return change(n)
            kids = tuple(k for k in (rebuild(c) for c in n.children) if k is not None)
            if not kids:
                return None
            rules: dict[str, Any] = {}
            if n.min_present is not None:
                rules["min_present"] = min(n.min_present, len(kids))
            return dataclasses.replace(n, children=kids, **rules)

        root = rebuild(self.root)
        if root is None:
            return None
        assert isinstance(root, Node)
        codes = {n.code for n in root.iter_nodes()}
        boards = tuple(dataclasses.replace(b, indicators=tuple(i for i in b.indicators if i in codes))
                       for b in self.boards if any(i in codes for i in b.indicators))
        return dataclasses.replace(self, root=root, boards=boards)

    def to_dict(self) -> dict[str, Any]:
        """A plain-dict form (JSON-able) that ``load_scheme`` reads back."""

        def node(n: Node | Leaf) -> dict[str, Any]:
            if isinstance(n, Leaf):
                d: dict[str, Any] = {
                    "code": n.code, "name": n.name, "indicator": n.indicator,
                    "points": n.points, "weight": n.weight, "direction": n.direction,
                    "method": n.method, "params": dict(n.params), "missing": n.missing,
                    "transform": n.transform,
                }
            else:
                d = {"code": n.code, "name": n.name, "aggregate": n.aggregate, "weight": n.weight,
                     "children": [node(c) for c in n.children]}
                if n.points is not None:
                    d["points"] = n.points
                for key in ("min_present", "max_missing"):
                    if getattr(n, key) is not None:
                        d[key] = getattr(n, key)
                if n.has_data_rule and n is not self.root:
                    d["missing"] = n.missing
            if n.description:
                d["description"] = n.description
            platform = n.platform.to_dict()
            if platform:
                d["platform"] = platform
            return d

        out: dict[str, Any] = {"name": self.name, "precision": self.precision, "root": node(self.root)}
        if self.description:
            out["description"] = self.description
        platform = self.platform.to_dict()
        if platform:
            out["platform"] = platform
        if self.year is not None:
            out["year"] = self.year
        if self.total is not None:
            out["total"] = self.total
        for key in ("bonus", "deduction"):
            items = getattr(self, key)
            if items:
                out[key] = [{k: v for k, v in dataclasses.asdict(i).items() if v not in (None, "")}
                            for i in items]
        if self.bonus_cap is not None:
            out["bonus_cap"] = self.bonus_cap
        if self.deduction_cap is not None:
            out["deduction_cap"] = self.deduction_cap
        if self.veto:
            out["veto"] = [{"indicators": list(v.indicators), "effect": v.effect} for v in self.veto]
        if self.tiers:
            out["tiers"] = {"by": self.tiers.by, "levels": [
                {k: v for k, v in dataclasses.asdict(lv).items() if v is not None}
                for lv in self.tiers.levels]}
        if self.boards:
            out["boards"] = [{"code": b.code, "name": b.name, "indicators": list(b.indicators)}
                             for b in self.boards]
        if self.computed:
            out["computed"] = [{"code": c.code, "name": c.name, c.kind: c.source, "scale": c.scale}
                               for c in self.computed]
        return out


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a scoring method as an editor shows it: its default (None when it must
    be given), the words it takes (empty: a number), whether it may be negative, and the target
    mode in which a required parameter is required (``below`` only in mode ``steps``)."""

    name: str
    default: Any
    required: bool
    choices: tuple[str, ...] = ()
    nonneg: bool = False
    required_in_mode: str | None = None


def method_params(method: str) -> tuple[ParamSpec, ...]:
    """The parameters of ``method`` (one of :data:`METHODS`), in the order the engine reads them."""
    out = []
    for name, default in METHODS[method].items():
        required = default is REQUIRED
        out.append(ParamSpec(name=name, default=None if required else default, required=required,
                             choices=PARAM_CHOICES.get(name, ()), nonneg=name in NONNEG_PARAMS,
                             required_in_mode="steps" if method == "target" and name == "below" else None))
    return tuple(out)


# ----------------------------------------------------------------------------- formulas

_ALLOWED_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)


def _check_formula(text: str) -> list[str]:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        return [f"formula is not valid arithmetic ({exc.msg})"]
    problems: list[str] = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Expression | ast.Name | ast.Load | ast.UnaryOp | ast.USub | ast.UAdd):
            continue
        if isinstance(n, ast.BinOp) and isinstance(n.op, _ALLOWED_BINOPS):
            continue
        if isinstance(n, _ALLOWED_BINOPS):
            continue
        if isinstance(n, ast.Constant) and isinstance(n.value, int | float) and not isinstance(n.value, bool):
            continue
        problems.append(f"formula may only use + - * / **, numbers, parentheses and indicator codes "
                        f"(found {type(n).__name__})")
        break
    return problems


def formula_names(text: str) -> tuple[str, ...]:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return ()
    return tuple(sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}))


# ----------------------------------------------------------------------------- validation


class _Checker:
    def __init__(self) -> None:
        self.problems: list[SchemeProblem] = []
        self.warnings: list[EngineWarning] = []

    @property
    def errors(self) -> list[str]:
        return [str(p) for p in self.problems]

    def err(self, where: str, msg: str, code: str = "invalid", **args: Any) -> None:
        """One problem at ``where``: the English ``msg`` and, for a translating reader, the
        stable ``code`` and the facts in ``args`` (see :class:`SchemeProblem`)."""
        self.problems.append(SchemeProblem(path=where, code=code, message=msg, args=args))

    def fail(self, fallback: str) -> SchemeError:
        return SchemeError(self.problems or [SchemeProblem(path="", code="incomplete", message=fallback)])

    @staticmethod
    def best(word: Any, choices: Any) -> str | None:
        return suggestion(str(word), [str(c) for c in choices])

    def warn(self, code: str, msg: str, indicator: str | None = None) -> None:
        self.warnings.append(EngineWarning(code=code, message=msg, indicator=indicator))

    @staticmethod
    def suggest(word: Any, choices: Any) -> str:
        best = suggestion(str(word), [str(c) for c in choices])
        return f" (did you mean '{best}'?)" if best else ""

    def keys(self, where: str, d: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
        for k in d:
            if k not in allowed:
                self.err(_join(where, str(k)), f"unknown key '{k}'{self.suggest(k, allowed)}", code="unknown_key", key=str(k), suggestion=suggestion(str(k), [str(a) for a in allowed]))

    def choice(self, where: str, value: Any, choices: tuple[str, ...], what: str) -> str | None:
        if value not in choices:
            hint = self.suggest(value, choices)
            listing = "" if hint else f"; expected one of {', '.join(choices)}"
            self.err(where, f"unknown {what} '{value}'{hint}{listing}", code="unknown_choice", what=what, value=value, suggestion=suggestion(str(value), [str(x) for x in choices]), choices=list(choices))
            return None
        return str(value)

    def number(self, where: str, value: Any, *, positive: bool = False,
               nonneg: bool = False) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            try:
                value = float(str(value).strip())
            except ValueError:
                self.err(where, f"expected a number, got {value!r}", code="not_a_number", value=value)
                return None
        f = float(value)
        if not math.isfinite(f):
            self.err(where, f"expected a finite number, got {value!r}", code="not_finite", value=value)
            return None
        if positive and f <= 0:
            self.err(where, f"must be greater than 0, got {value!r}", code="not_positive", value=value)
            return None
        if nonneg and f < 0:
            self.err(where, f"must not be negative, got {value!r}", code="negative", value=value)
            return None
        return f

    def text(self, where: str, value: Any, *, required: bool = True) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.err(where, "is required", code="required")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.err(where, f"expected text, got {type(value).__name__}", code="not_text")
            return None
        return str(value).strip()

    def mapping(self, where: str, value: Any) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.err(where, f"expected a mapping (key: value), got {type(value).__name__}", code="not_mapping")
            return None
        return value

    def seq(self, where: str, value: Any) -> list[Any] | None:
        if not isinstance(value, list | tuple):
            self.err(where, f"expected a list, got {type(value).__name__}", code="not_list")
            return None
        return list(value)


def _osa(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbours as one edit (typos like 'rnak')."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def suggestion(word: str, choices: list[str]) -> str | None:
    """The choice a typo most likely meant: whole-word or word-prefix edit distance
    (so 'rnak' suggests 'rank_points'), falling back to difflib's similarity."""
    if not word or not choices:
        return None
    w = word.lower()
    scored = []
    for i, ch in enumerate(choices):
        c = ch.lower()
        whole = _osa(w, c)
        part = min(_osa(w, p) for p in (c.split("_")[0], c[: len(w)]) if p)
        scored.append((min(whole, part), i, whole, ch))
    dist, _, _, best = min(scored)
    if dist <= max(1, len(w) // 3):
        return best
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _node(c: _Checker, where: str, d: Any) -> Node | Leaf | None:
    d = c.mapping(where, d)
    if d is None:
        return None
    if "children" in d:
        return _branch(c, where, d)
    return _leaf(c, where, d)


def _branch(c: _Checker, where: str, d: Mapping[str, Any]) -> Node | None:
    c.keys(where, d, NODE_KEYS)
    for k in ("method", "params", "indicator", "direction", "transform"):
        if k in d:
            c.err(_join(where, k), "only a leaf (a node without children) has this key", code="leaf_key_on_node", key=k)
    code = c.text(_join(where, "code"), d.get("code"))
    name = c.text(_join(where, "name"), d.get("name"), required=False) or (code or "")
    aggregate = c.choice(_join(where, "aggregate"), d.get("aggregate", "sum"), AGGREGATES, "aggregate")
    points = None
    if d.get("points") is not None:
        points = c.number(_join(where, "points"), d["points"], positive=True)
    elif aggregate in ("mean", "geometric"):
        c.err(_join(where, "points"), f"is required with aggregate '{aggregate}' "
                                      f"(the node's full marks)", code="points_required_for_aggregate", aggregate=aggregate)
    weight = c.number(_join(where, "weight"), d.get("weight", 1.0), nonneg=True)
    raw = c.seq(_join(where, "children"), d["children"]) or []
    if not raw:
        c.err(_join(where, "children"), "must list at least one child", code="no_children")
    children = [_node(c, f"{_join(where, 'children')}[{i}]", ch) for i, ch in enumerate(raw)]
    if any(ch is None for ch in children) or code is None or aggregate is None:
        return None
    kids = tuple(ch for ch in children if ch is not None)
    rules = _data_rules(c, where, d, len(raw), sum(1 for k in kids for n in k.iter_nodes() if n.is_leaf))
    if rules is None:
        return None
    node = Node(code=code, name=name, children=kids, aggregate=aggregate, points=points, **rules,
                weight=1.0 if weight is None else weight, path=where, description=_description(d),
                platform=check_platform(c, _join(where, "platform"), d.get("platform"), leaf=False))
    if aggregate == "sum" and points is not None and kids:
        total = sum(k.full_marks for k in kids)
        if not math.isclose(total, points, abs_tol=1e-9):
            c.warn("points_total", f"{where} ({code}): declares points {_fmt(points)} but its "
                                   f"children add up to {_fmt(total)}; using {_fmt(total)}")
    if aggregate in ("mean", "geometric") and kids and all((k.weight or 0) == 0 for k in kids):
        c.err(_join(where, "children"), "all children have weight 0", code="all_weights_zero")
    return node


def _data_rules(c: _Checker, where: str, d: Mapping[str, Any], n_children: int, n_leaves: int
                ) -> dict[str, Any] | None:
    """``min_present``, ``max_missing`` and the node's own ``missing`` rule (最少数据)."""
    out: dict[str, Any] = {}
    ok = True
    for key, low, high in (("min_present", 1, n_children), ("max_missing", 0, max(n_leaves - 1, 0))):
        if d.get(key) is None:
            continue
        v = c.number(_join(where, key), d[key], nonneg=True)
        if v is None or v != int(v):
            if v is not None:
                c.err(_join(where, key), f"must be a whole number, got {d[key]!r}", code="not_whole", value=d[key])
            ok = False
        elif not low <= v <= high:
            c.err(_join(where, key), f"must be from {low} to {high} (the node has {n_children} children and "
                                     f"{n_leaves} {'indicator' if n_leaves == 1 else 'indicators'} beneath it), "
                                     f"got {int(v)}", code="out_of_range", low=low, high=high, value=int(v))
            ok = False
        else:
            out[key] = int(v)
    if "missing" in d:
        if where == "root":
            c.err(_join(where, "missing"), "the root has no parent to be left out of: a root without enough "
                                           "data means the unit is not assessed (不参与排名)", code="root_missing_rule")
            ok = False
        elif d.get("min_present") is None and d.get("max_missing") is None:
            c.err(_join(where, "missing"), "a node's missing rule applies when it lacks data: give min_present "
                                           "or max_missing too", code="missing_rule_needs_minimum")
            ok = False
        else:
            m = c.choice(_join(where, "missing"), d["missing"], NODE_MISSING, "missing rule for a node")
            ok = ok and m is not None
            out["missing"] = m or "zero"
    return out if ok else None


def _description(d: Mapping[str, Any]) -> str:
    return str(d.get("description") or "").strip()


def _leaf(c: _Checker, where: str, d: Mapping[str, Any]) -> Leaf | None:
    c.keys(where, d, LEAF_KEYS)
    code = c.text(_join(where, "code"), d.get("code"))
    name = c.text(_join(where, "name"), d.get("name"), required=False) or (code or "")
    indicator = c.text(_join(where, "indicator"), d.get("indicator"), required=False) or code
    points = None
    if "points" not in d:
        c.err(_join(where, "points"), "is required (the leaf's full marks, 分值)", code="required")
    else:
        points = c.number(_join(where, "points"), d["points"], positive=True)
    weight = c.number(_join(where, "weight"), d.get("weight", 1.0), nonneg=True)
    direction = c.choice(_join(where, "direction"), d.get("direction", "higher"), DIRECTIONS, "direction")
    missing = c.choice(_join(where, "missing"), d.get("missing", "zero"), MISSING, "missing rule")
    transform = c.choice(_join(where, "transform"), d.get("transform") or "none", TRANSFORMS, "transform")
    method = None
    if "method" not in d:
        c.err(_join(where, "method"), f"is required; one of {', '.join(METHODS)}", code="required", choices=list(METHODS))
    else:
        method = c.choice(_join(where, "method"), d["method"], tuple(METHODS), "method")
    params = _params(c, _join(where, "params"), method, d.get("params") or {}, transform)
    platform = check_platform(c, _join(where, "platform"), d.get("platform"), leaf=True)
    if None in (code, points, weight, direction, missing, transform, method, params):
        return None
    assert params is not None
    return Leaf(code=str(code), name=name, indicator=str(indicator), points=float(points or 0),
                method=str(method), params=params, weight=float(weight or 0.0),
                direction=str(direction), missing=str(missing), transform=str(transform), path=where,
                description=_description(d), platform=platform)


def _params(c: _Checker, where: str, method: str | None, raw: Any, transform: str | None
            ) -> dict[str, Any] | None:
    raw = c.mapping(where, raw)
    if raw is None or method is None:
        return None
    spec = METHODS[method]
    ok = True
    out: dict[str, Any] = {}
    for k in raw:
        if k not in spec:
            allowed = ", ".join(spec) if spec else "none"
            c.err(_join(where, str(k)), f"unknown param '{k}' for method '{method}'"
                                        f"{c.suggest(k, spec)}; allowed: {allowed}", code="unknown_param", key=str(k), method=method, suggestion=suggestion(str(k), list(spec)), choices=list(spec))
            ok = False
    mode = raw.get("mode", "ratio")
    for k, default in spec.items():
        p = _join(where, k)
        if k not in raw:
            if default is REQUIRED:
                if method == "target" and k == "below" and mode != "steps":
                    out[k] = 0.0
                    continue
                c.err(p, f"is required for method '{method}'"
                         + (" in mode steps" if method == "target" else ""), code="param_required", key=k, method=method, mode=mode)
                ok = False
            else:
                out[k] = default
            continue
        v = raw[k]
        if k == "mode":
            r = c.choice(p, v, TARGET_MODES, "target mode")
        elif k == "sd":
            r = c.choice(p, v, SD_KINDS, "sd")
        else:
            r = c.number(p, v, nonneg=k in NONNEG_PARAMS)
        if r is None:
            ok = False
        out[k] = r
    if ok and method == "goalposts":
        lo, hi = out["lower"], out["upper"]
        if transform == "log" and (lo <= 0 or hi <= 0):
            c.err(where, f"goalposts must be > 0 with transform log (lower {_fmt(lo)}, upper {_fmt(hi)})", code="goalposts_not_positive_for_log", lower=lo, upper=hi)
            ok = False
        elif lo == hi:
            c.err(where, f"lower and upper goalposts are equal ({_fmt(lo)})", code="goalposts_equal", value=lo)
            ok = False
    if ok and method == "efficacy" and not 0 <= out["base"] <= 1:
        c.err(_join(where, "base"), f"must be between 0 and 1, got {_fmt(out['base'])}", code="not_a_share", value=out["base"])
        ok = False
    if ok and method == "target" and out["cap"] <= 0:
        c.err(_join(where, "cap"), "must be greater than 0", code="not_positive", value=out["cap"])
        ok = False
    return out if ok else None


def _items(c: _Checker, where: str, raw: Any) -> tuple[Item, ...]:
    if raw is None:
        return ()
    items = c.seq(where, raw)
    out = []
    for i, it in enumerate(items or []):
        w = f"{where}[{i}]"
        d = c.mapping(w, it)
        if d is None:
            continue
        c.keys(w, d, ITEM_KEYS)
        ind = c.text(_join(w, "indicator"), d.get("indicator"))
        per = c.number(_join(w, "per"), d.get("per", 1.0))
        cap = c.number(_join(w, "cap"), d["cap"], nonneg=True) if d.get("cap") is not None else None
        if ind is not None and per is not None:
            out.append(Item(indicator=ind, per=per, cap=cap, name=str(d.get("name") or "")))
    return tuple(out)


def _vetoes(c: _Checker, where: str, raw: Any) -> tuple[Veto, ...]:
    if raw is None:
        return ()
    rules = [(where, raw)] if isinstance(raw, Mapping) else [
        (f"{where}[{i}]", r) for i, r in enumerate(c.seq(where, raw) or [])]
    out = []
    for w, r in rules:
        d = c.mapping(w, r)
        if d is None:
            continue
        c.keys(w, d, VETO_KEYS)
        inds = c.seq(_join(w, "indicators"), d.get("indicators"))
        if inds is not None and not inds:
            c.err(_join(w, "indicators"), "must list at least one indicator", code="empty_list")
        effect = c.choice(_join(w, "effect"), d.get("effect", "bar_top_tier"), VETO_EFFECTS, "veto effect")
        names = [c.text(f"{_join(w, 'indicators')}[{i}]", x) for i, x in enumerate(inds or [])]
        if inds and effect and all(names):
            out.append(Veto(indicators=tuple(str(n) for n in names), effect=effect,
                            name=str(d.get("name") or "")))
    return tuple(out)


def _tiers(c: _Checker, where: str, raw: Any) -> Tiers | None:
    if raw is None:
        return None
    d = c.mapping(where, raw)
    if d is None:
        return None
    c.keys(where, d, TIER_KEYS)
    by = c.choice(_join(where, "by"), d.get("by"), ("bands", "quota"), "tier rule")
    levels_raw = c.seq(_join(where, "levels"), d.get("levels"))
    if levels_raw is not None and len(levels_raw) < 1:
        c.err(_join(where, "levels"), "must list at least one level", code="empty_list")
    levels: list[Level] = []
    ok = by is not None and levels_raw is not None
    n = len(levels_raw or [])
    for i, lv in enumerate(levels_raw or []):
        w = f"{_join(where, 'levels')}[{i}]"
        ld = c.mapping(w, lv)
        if ld is None:
            ok = False
            continue
        c.keys(w, ld, LEVEL_KEYS)
        name = c.text(_join(w, "name"), ld.get("name"))
        last = i == n - 1
        lmin = share = count = None
        if by == "bands":
            if "min" in ld and ld["min"] is not None:
                lmin = c.number(_join(w, "min"), ld["min"])
            elif not last:
                c.err(_join(w, "min"), "is required for tiers by bands (only the last level may omit it)", code="tier_min_required")
                ok = False
            for k in ("share", "count"):
                if k in ld:
                    c.err(_join(w, k), "belongs to tiers by quota, not by bands", code="tier_key_for_quota", key=k)
                    ok = False
        elif by == "quota":
            if "min" in ld:
                c.err(_join(w, "min"), "belongs to tiers by bands, not by quota", code="tier_key_for_bands", key="min")
                ok = False
            if "share" in ld and "count" in ld:
                c.err(w, "give either share or count, not both", code="tier_share_and_count")
                ok = False
            elif "share" in ld:
                share = c.number(_join(w, "share"), ld["share"], nonneg=True)
                if share is not None and share > 1:
                    c.err(_join(w, "share"), f"is a fraction between 0 and 1, got {_fmt(share)}", code="not_a_share", value=share)
                    ok = False
            elif "count" in ld:
                cnt = c.number(_join(w, "count"), ld["count"], nonneg=True)
                if cnt is not None and cnt != int(cnt):
                    c.err(_join(w, "count"), f"must be a whole number, got {_fmt(cnt)}", code="not_whole", value=cnt)
                    ok = False
                count = None if cnt is None else int(cnt)
            elif not last:
                c.err(w, "needs a share or a count (only the last level takes the rest)", code="tier_share_or_count")
                ok = False
        if name is None:
            ok = False
        levels.append(Level(name=name or "", min=lmin, share=share, count=count))
    if ok and by == "bands":
        mins = [lv.min for lv in levels if lv.min is not None]
        if any(a <= b for a, b in zip(mins, mins[1:], strict=False)) and len(mins) > 1:
            c.err(_join(where, "levels"), "band minimums must decrease from the first level to the last", code="tier_mins_not_decreasing")
            ok = False
    if ok and by == "quota":
        shares = sum(lv.share or 0 for lv in levels[:-1])
        if shares > 1 + 1e-9:
            c.err(_join(where, "levels"), f"shares add up to {_fmt(shares)}, more than 1", code="tier_shares_above_one", value=shares)
            ok = False
    names = [lv.name for lv in levels]
    if len(set(names)) != len(names):
        c.err(_join(where, "levels"), "level names must be different", code="tier_names_repeat")
        ok = False
    return Tiers(by=str(by), levels=tuple(levels)) if ok else None


def _boards(c: _Checker, where: str, raw: Any) -> tuple[Board, ...]:
    if raw is None:
        return ()
    out = []
    for i, b in enumerate(c.seq(where, raw) or []):
        w = f"{where}[{i}]"
        d = c.mapping(w, b)
        if d is None:
            continue
        c.keys(w, d, BOARD_KEYS)
        code = c.text(_join(w, "code"), d.get("code"))
        name = c.text(_join(w, "name"), d.get("name"), required=False) or (code or "")
        inds = c.seq(_join(w, "indicators"), d.get("indicators"))
        if inds is not None and not inds:
            c.err(_join(w, "indicators"), "must list at least one leaf or node", code="empty_list")
        if code and inds:
            out.append(Board(code=code, name=name, indicators=tuple(str(x) for x in inds)))
    return tuple(out)


def _computed(c: _Checker, where: str, raw: Any) -> tuple[Computed, ...]:
    if raw is None:
        return ()
    out = []
    for i, x in enumerate(c.seq(where, raw) or []):
        w = f"{where}[{i}]"
        d = c.mapping(w, x)
        if d is None:
            continue
        c.keys(w, d, COMPUTED_KEYS)
        code = c.text(_join(w, "code"), d.get("code"))
        kinds = [k for k in COMPUTED_KINDS if k in d]
        if len(kinds) != 1:
            c.err(w, f"give exactly one of {', '.join(COMPUTED_KINDS)}"
                     + (f" (found {', '.join(kinds)})" if kinds else ""), code="computed_kind", choices=list(COMPUTED_KINDS), found=kinds)
            continue
        kind = kinds[0]
        source = c.text(_join(w, kind), d.get(kind))
        if source is None:
            continue
        if kind == "formula":
            for p in _check_formula(source):
                c.err(_join(w, "formula"), p, code="bad_formula", detail=p)
        default_scale = 100.0 if kind in ("share", "yoy", "mom") else 1.0
        scale = c.number(_join(w, "scale"), d.get("scale", default_scale), positive=True)
        if code and scale is not None:
            out.append(Computed(code=code, kind=kind, source=source, name=str(d.get("name") or code),
                                scale=scale))
    return tuple(out)


def _fmt(x: float) -> str:
    return f"{x:g}" if x == x else "nan"


def _validate(d: Any) -> Scheme:
    c = _Checker()
    top = c.mapping("", d)
    if top is None:
        raise c.fail("the scheme must be a mapping with at least name and root")
    c.keys("", top, TOP_KEYS)
    name = c.text("name", top.get("name"))
    year = None
    if top.get("year") is not None:
        y = c.number("year", top["year"])
        year = None if y is None else int(y)
    precision = c.number("precision", top.get("precision", 2), nonneg=True)
    if precision is not None and (precision != int(precision) or precision > 10):
        c.err("precision", f"must be a whole number of decimals from 0 to 10, got {top['precision']!r}", code="bad_precision", value=top["precision"])
        precision = None
    total = c.number("total", top["total"], positive=True) if top.get("total") is not None else None
    root = None
    raw_root = top.get("root")
    if raw_root is None:
        c.err("root", "is required (the tree of nodes and leaves)", code="required")
    elif isinstance(raw_root, list):
        root = _branch(c, "root", {"code": "root", "name": name or "root", "children": raw_root})
    else:
        rd = c.mapping("root", raw_root)
        if rd is not None:
            if "children" not in rd:
                c.err("root.children", "is required (the root is a node, not a leaf)", code="required")
            else:
                root = _branch(c, "root", {"code": "root", **rd})
    bonus = _items(c, "bonus", top.get("bonus"))
    deduction = _items(c, "deduction", top.get("deduction"))
    bonus_cap = c.number("bonus_cap", top["bonus_cap"], nonneg=True) if top.get("bonus_cap") is not None else None
    deduction_cap = (c.number("deduction_cap", top["deduction_cap"], nonneg=True)
                     if top.get("deduction_cap") is not None else None)
    veto = _vetoes(c, "veto", top.get("veto"))
    tiers = _tiers(c, "tiers", top.get("tiers"))
    boards = _boards(c, "boards", top.get("boards"))
    computed = _computed(c, "computed", top.get("computed"))
    platform = check_scheme_platform(c, "platform", top.get("platform"))

    if isinstance(root, Node):
        _cross_checks(c, root, boards, computed, veto)
        if total is not None and not math.isclose(root.full_marks, total, abs_tol=1e-9):
            c.warn("points_total", f"total: the scheme declares {_fmt(total)} points but its "
                                   f"nodes add up to {_fmt(root.full_marks)}")
    if c.errors or root is None or name is None or precision is None:
        raise c.fail("the scheme is incomplete")
    return Scheme(name=name, root=root, year=year, precision=int(precision), total=total,
                  bonus=bonus, deduction=deduction, bonus_cap=bonus_cap, deduction_cap=deduction_cap,
                  veto=veto, tiers=tiers, boards=boards, computed=computed,
                  description=_description(top), platform=platform, warnings=tuple(c.warnings))


def _cross_checks(c: _Checker, root: Node, boards: tuple[Board, ...],
                  computed: tuple[Computed, ...], veto: tuple[Veto, ...]) -> None:
    seen: dict[str, str] = {}
    for n in root.iter_nodes():
        if n.code in seen and n is not root:
            c.err(_join(n.path, "code"), f"code '{n.code}' is used twice (also at {seen[n.code]})", code="duplicate_code", value=n.code, other=seen[n.code])
        seen.setdefault(n.code, n.path or "root")
    codes = set(seen)
    leaf_inds = {n.indicator for n in root.iter_nodes() if isinstance(n, Leaf)}
    for i, b in enumerate(boards):
        for j, x in enumerate(b.indicators):
            if x not in codes:
                c.err(f"boards[{i}].indicators[{j}]", f"'{x}' is not a leaf or node of the scheme"
                                                      f"{c.suggest(x, codes)}", code="unknown_reference", value=x, suggestion=suggestion(str(x), sorted(codes)))
    bcodes = [b.code for b in boards]
    for i, b in enumerate(boards):
        if bcodes.index(b.code) != i:
            c.err(f"boards[{i}].code", f"board code '{b.code}' is used twice", code="duplicate_code", value=b.code)
    ccodes = {x.code for x in computed}
    for i, x in enumerate(computed):
        if x.code in x.inputs:
            c.err(f"computed[{i}]", f"'{x.code}' refers to itself", code="computed_self_reference", value=x.code)
    # cycles among computed indicators
    deps = {x.code: set(x.inputs) & ccodes for x in computed}
    state: dict[str, int] = {}

    def visit(k: str, stack: list[str]) -> None:
        if state.get(k) == 2:
            return
        if state.get(k) == 1:
            c.err("computed", f"computed indicators refer to each other in a circle: "
                              f"{' -> '.join([*stack, k])}", code="computed_cycle", cycle=[*stack, k])
            return
        state[k] = 1
        for dep in sorted(deps.get(k, ())):
            visit(dep, [*stack, k])
        state[k] = 2

    for k in sorted(deps):
        visit(k, [])
    del leaf_inds, veto


def computed_order(computed: tuple[Computed, ...]) -> list[Computed]:
    """Computed indicators in dependency order (inputs first)."""
    by_code = {x.code: x for x in computed}
    done: list[Computed] = []
    seen: set[str] = set()

    def visit(x: Computed) -> None:
        if x.code in seen:
            return
        seen.add(x.code)
        for dep in x.inputs:
            if dep in by_code:
                visit(by_code[dep])
        done.append(x)

    for x in computed:
        visit(x)
    return done


# ----------------------------------------------------------------------------- loading


def load_flag_rules(raw: Any, where: str = "flags") -> FlagRules:
    """Flag rules given apart from a scheme (a policy's), read as ``platform.flags`` is;
    SchemeError naming the place when they are wrong."""
    c = _Checker()
    rules = check_flags(c, where, raw)
    if c.errors or rules is None:
        raise c.fail(f"{where}: expected a mapping")
    return rules


def load_scheme(source: Scheme | Mapping[str, Any] | str | Path) -> Scheme:
    """Load and validate a scheme from a Scheme, a dict, YAML/JSON text or a file path."""
    if isinstance(source, Scheme):
        return source
    if isinstance(source, Mapping):
        return _validate(source)
    label = "scheme"
    text: str
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source
                                    and source.strip().endswith((".yaml", ".yml", ".json"))):
        p = Path(source)
        label = p.name
        try:
            text = p.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise SchemeError(f"{p}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SchemeError(f"{p}: cannot read ({exc})") from None
    else:
        text = str(source)
    try:
        if label.endswith(".json"):
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except json.JSONDecodeError as exc:
        raise SchemeError(f"{label} line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{label} line {mark.line + 1}" if mark is not None else label
        problem = getattr(exc, "problem", None) or str(exc)
        raise SchemeError(f"{where}: not valid YAML ({problem})") from None
    if not isinstance(data, Mapping):
        raise SchemeError(f"{label}: the scheme must be a mapping with at least name and root")
    return _validate(data)
