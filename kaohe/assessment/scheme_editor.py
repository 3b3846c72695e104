"""方案编辑器: a draft scheme's tree as the office edits it in the page, and back.

The page shows the tree of categories (类别) and indicators (指标) as a form: every node has an
id in the page (``n-<id>-<field>`` fields, new nodes get ids the page makes up) and the page
posts the order and nesting as ``structure`` (a JSON list of ``[id, parent id]`` in tree order).
:func:`tree_of` turns stored content into that form, :func:`state_from_post` reads a post back,
:func:`content_of` builds the engine's scheme dict from it and :func:`save` stores it as the
draft's new content through :func:`kaohe.assessment.schemes.update_draft` (which validates with
the engine, re-derives the indicators and audits the change). Keys the form does not show (a
leaf's weight or 色带, a category's minimum-data rules, boards, tiers, …) ride along unchanged
in each node's ``extra``.

When the engine refuses, :func:`place_problems` puts each problem at its field — the engine's
problems carry their path (``root.children[0].children[1].params.step``) and a code, so placing
is exact — and words it in Chinese (:mod:`kaohe.assessment.scheme_messages`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.assessment import schemes as svc
from kaohe.assessment.models import SchemeVersion
from kaohe.assessment.scheme_messages import key_label, message, place
from kaohe.engine.errors import SchemeProblem
from kaohe.engine.platform import VALIDATION
from kaohe.engine.scheme import METHODS, method_params
from kaohe.lib.numbers import NumberError, parse_number

LEAF_KEYS = ("code", "name", "points", "method", "params", "direction", "missing", "transform")
NODE_KEYS = ("code", "name", "aggregate", "points", "children")
PLATFORM_FIELDS = ("unit_of_measure", "responsible_unit", "frequency", "value_kind")
VALIDATION_FIELDS = ("min", "max", "jump_pct", "allow_negative", "integer", "required", "part_of")
LEAF_FIELDS = ("code", "name", "points", "method", "direction", "missing", "transform", *PLATFORM_FIELDS,
               *(f"v-{k}" for k in VALIDATION_FIELDS))
NODE_FIELDS = ("code", "name", "aggregate", "points")
TOP_FIELDS = ("name", "total", "precision")
DEFAULTS = {"direction": "higher", "missing": "zero", "transform": "none", "aggregate": "sum"}


class EditorRefused(Exception):
    """The post cannot be read as a tree (a page from another version of the editor, a lost field)."""


@dataclass
class EditNode:
    """One category (``kind`` node) or indicator (``kind`` leaf) of the tree being edited."""

    id: str
    kind: str
    values: dict[str, str]
    params: dict[str, dict[str, str]] = field(default_factory=dict)  # method → parameter → text
    extra: dict[str, Any] = field(default_factory=dict)
    children: list[EditNode] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)  # field ("" = the node) → messages

    @property
    def is_leaf(self) -> bool:
        return self.kind == "leaf"

    @property
    def extra_json(self) -> str:
        return json.dumps(self.extra, ensure_ascii=False, sort_keys=True)

    @property
    def full_marks(self) -> float:
        """Full marks as the page adds them up: a leaf's points, a sum category's children's."""
        if self.is_leaf or self.values.get("aggregate", "sum") not in ("mean", "geometric"):
            if self.is_leaf:
                return _as_float(self.values.get("points", ""))
            return sum(c.full_marks for c in self.children)
        return _as_float(self.values.get("points", ""))

    @property
    def error_count(self) -> int:
        return sum(len(v) for v in self.errors.values()) + sum(c.error_count for c in self.children)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class EditorState:
    """The scheme being edited: its own fields, the tree, and where the engine found problems."""

    top: dict[str, str]
    nodes: list[EditNode]
    base_hash: str = ""
    top_errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def walk(self):
        for n in self.nodes:
            yield from n.walk()

    @property
    def full_marks(self) -> float:
        return sum(n.full_marks for n in self.nodes)

    @property
    def error_count(self) -> int:
        return (sum(n.error_count for n in self.nodes) + sum(len(v) for v in self.top_errors.values())
                + len(self.general))

    @property
    def structure_json(self) -> str:
        """The tree's order and nesting as the page posts it: ``[[id, parent id], …]``."""
        out: list[list[str]] = []

        def walk(n: EditNode, parent: str) -> None:
            out.append([n.id, parent])
            for c in n.children:
                walk(c, n.id)

        for n in self.nodes:
            walk(n, "")
        return json.dumps(out)

    @property
    def next_id(self) -> int:
        numbers = [int(n.id) for n in self.walk() if n.id.isdigit()]
        return max(numbers, default=0) + 1


# ---- stored content → the page --------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_float(text: str) -> float:
    try:
        value = parse_number(text)
    except NumberError:
        return 0.0
    return float(value) if value is not None else 0.0


def _root_children(content: dict) -> list:
    root = content.get("root")
    if isinstance(root, list):
        return root
    if isinstance(root, dict) and isinstance(root.get("children"), list):
        return root["children"]
    return []


def _leaf(d: dict, ident: str) -> EditNode:
    platform = dict(d.get("platform") or {})
    validation = dict(platform.pop("validation", None) or {})
    values = {k: _text(d.get(k)) for k in ("code", "name", "points", "method")}
    for key in ("direction", "missing", "transform"):
        values[key] = _text(d.get(key)) or DEFAULTS[key]
    for key in PLATFORM_FIELDS:
        values[key] = _text(platform.pop(key, None))
    for key in VALIDATION_FIELDS:
        values[f"v-{key}"] = _text(validation.pop(key, None))
    method = values["method"]
    params = {method: {k: _text(v) for k, v in (d.get("params") or {}).items()}} if method else {}
    extra = {k: v for k, v in d.items() if k not in LEAF_KEYS and k != "platform"}
    if validation:  # keys the engine does not know stay where they were (it will name them)
        platform["validation"] = validation
    if platform:
        extra["platform"] = platform
    return EditNode(id=ident, kind="leaf", values=values, params=params, extra=extra)


def tree_of(content: dict, version: SchemeVersion | None = None) -> EditorState:
    """The page's form of stored ``content`` (ids 1, 2, … in tree order)."""
    counter = iter(range(1, 1_000_000))

    def build(d: Any) -> EditNode:
        ident = str(next(counter))
        if not isinstance(d, dict):
            return EditNode(id=ident, kind="leaf", values={f: "" for f in LEAF_FIELDS})
        if "children" in d:
            node = EditNode(id=ident, kind="node", values={
                "code": _text(d.get("code")), "name": _text(d.get("name")),
                "aggregate": _text(d.get("aggregate")) or "sum", "points": _text(d.get("points"))},
                extra={k: v for k, v in d.items() if k not in NODE_KEYS})
            node.children = [build(c) for c in d.get("children") or []]
            return node
        return _leaf(d, ident)

    top = {"name": _text(content.get("name")), "total": _text(content.get("total")),
           "precision": _text(content.get("precision"))}
    return EditorState(top=top, nodes=[build(d) for d in _root_children(content)],
                       base_hash=version.content_hash() if version is not None else "")


def blank(kind: str, ident: str = "__ID__") -> EditNode:
    """A new category or indicator as the page adds it (``__ID__`` is replaced by the page)."""
    if kind == "node":
        return EditNode(id=ident, kind="node", values={"code": "", "name": "", "aggregate": "sum", "points": ""})
    return _leaf({}, ident)


# ---- the post → a tree -------------------------------------------------------------------------


def state_from_post(post) -> EditorState:
    """Read the editor's post (a QueryDict or a dict of strings) back into the tree."""
    try:
        structure = json.loads(post.get("structure") or "[]")
    except ValueError:
        raise EditorRefused(_("编辑内容不完整，请刷新页面后重试")) from None
    if not isinstance(structure, list):
        raise EditorRefused(_("编辑内容不完整，请刷新页面后重试"))
    nodes: dict[str, EditNode] = {}
    top: list[EditNode] = []
    for item in structure:
        if not (isinstance(item, list) and len(item) == 2):
            raise EditorRefused(_("编辑内容不完整，请刷新页面后重试"))
        ident, parent = str(item[0]), (str(item[1]) if item[1] not in (None, "") else "")
        kind = post.get(f"n-{ident}-kind")
        if kind not in ("node", "leaf") or ident in nodes:
            raise EditorRefused(_("编辑内容不完整，请刷新页面后重试"))
        fields = LEAF_FIELDS if kind == "leaf" else NODE_FIELDS
        values = {f: str(post.get(f"n-{ident}-{f}", "")).strip() for f in fields}
        params = {}
        if kind == "leaf":
            params = {m: {p.name: str(post.get(f"n-{ident}-m-{m}-{p.name}", "")).strip() for p in method_params(m)}
                      for m in METHODS}
        try:
            extra = json.loads(post.get(f"n-{ident}-extra") or "{}")
        except ValueError:
            extra = {}
        node = EditNode(id=ident, kind=kind, values=values, params=params,
                        extra=extra if isinstance(extra, dict) else {})
        nodes[ident] = node
        holder = nodes.get(parent)
        if holder is None or holder.is_leaf:
            top.append(node)
        else:
            holder.children.append(node)
    return EditorState(top={f: str(post.get(f"top-{f}", "")).strip() for f in TOP_FIELDS}, nodes=top,
                       base_hash=str(post.get("base_hash", "")))


# ---- a tree → the engine's scheme dict ---------------------------------------------------------


def _number(text: str) -> Any:
    """A typed figure as the scheme stores it (7, 7.5); text the one parser refuses is passed on
    as it is, so the engine names the place ("应为数字，而不是“abc”")."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = parse_number(text)
    except NumberError:
        return text
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() and abs(value) < Decimal("1e15") else float(value)


def _leaf_dict(n: EditNode) -> dict[str, Any]:
    v = n.values
    extra = dict(n.extra)
    d: dict[str, Any] = {"code": v.get("code", ""), "name": v.get("name", "")}
    if v.get("points"):
        d["points"] = _number(v["points"])
    method = v.get("method", "")
    if method:
        d["method"] = method
    if method in METHODS:
        typed = n.params.get(method, {})
        params = {}
        for spec in method_params(method):
            t = typed.get(spec.name, "").strip()
            if t:
                params[spec.name] = t if spec.choices else _number(t)
        if params:
            d["params"] = params
    for key in ("direction", "missing", "transform"):
        if v.get(key) and v[key] != DEFAULTS[key]:
            d[key] = v[key]
    platform = dict(extra.pop("platform", None) or {})
    validation = dict(platform.pop("validation", None) or {})
    for key in PLATFORM_FIELDS:
        if v.get(key):
            platform[key] = v[key]
    for key in VALIDATION_FIELDS:
        t = v.get(f"v-{key}", "")
        if not t:
            continue
        kind = VALIDATION[key]
        if kind == "bool":
            validation[key] = {"true": True, "false": False}.get(t, t)
        elif kind == "text":
            validation[key] = t
        else:
            validation[key] = _number(t)
    if validation:
        platform["validation"] = validation
    if platform:
        d["platform"] = platform
    d.update({k: val for k, val in extra.items() if k not in d and k not in LEAF_KEYS})
    return d


def content_of(state: EditorState, base: dict) -> tuple[dict, dict[str, str]]:
    """The scheme dict of the edited tree over ``base`` (the stored content: its year, boards,
    tiers, … are kept), and the engine path of every node id (``root.children[0]`` → ``"3"``)."""
    paths: dict[str, str] = {}
    used = {n.values.get("code") for n in state.walk()}
    fresh = iter(f"C{i}" for i in range(1, 100_000) if f"C{i}" not in used)

    def build(n: EditNode, path: str) -> dict[str, Any]:
        paths[path] = n.id
        if n.is_leaf:
            return _leaf_dict(n)
        v = n.values
        d: dict[str, Any] = {"code": v.get("code") or next(fresh), "name": v.get("name", "")}
        if v.get("aggregate") and v["aggregate"] != "sum":
            d["aggregate"] = v["aggregate"]
        if v.get("points"):
            d["points"] = _number(v["points"])
        d.update({k: val for k, val in n.extra.items() if k not in NODE_KEYS})
        d["children"] = [build(c, f"{path}.children[{i}]") for i, c in enumerate(n.children)]
        return d

    children = [build(n, f"root.children[{i}]") for i, n in enumerate(state.nodes)]
    out: dict[str, Any] = {"name": state.top.get("name", "")}
    for key in ("year", "description"):
        if key in base:
            out[key] = base[key]
    for key in ("precision", "total"):
        if state.top.get(key):
            out[key] = _number(state.top[key])
    root = base.get("root")
    if isinstance(root, dict):
        out["root"] = {**{k: v for k, v in root.items() if k != "children"}, "children": children}
    else:
        out["root"] = children
    for key, value in base.items():
        if key not in out and key not in ("name", "precision", "total", "root"):
            out[key] = value
    return out, paths


# ---- the engine's problems → the fields --------------------------------------------------------


def _field_of(rest: str) -> str:
    """The form field of a path below a node (``params.step`` → ``p-step``); "" = the node."""
    parts = rest.split(".") if rest else []
    if not parts:
        return ""
    if parts[0] in ("code", "name", "points", "aggregate", "method", "direction", "missing", "transform"):
        return parts[0]
    if parts[0] == "params":
        return f"p-{parts[1]}" if len(parts) > 1 else "method"
    if parts[0] == "platform" and len(parts) > 1:
        if parts[1] in PLATFORM_FIELDS:
            return parts[1]
        if parts[1] == "validation":
            return f"v-{parts[2]}" if len(parts) > 2 and parts[2] in VALIDATION_FIELDS else "validation"
    return ""


def place_problems(state: EditorState, problems: list[SchemeProblem], content: dict,
                   paths: dict[str, str]) -> None:
    """Put each problem at its field in ``state`` (in Chinese); those outside the tree go to
    ``state.general`` with their place named."""
    by_id = {n.id: n for n in state.walk()}
    ordered = sorted(paths, key=len, reverse=True)
    for problem in problems:
        path = problem.path
        if path in TOP_FIELDS:
            state.top_errors.setdefault(path, []).append(message(problem))
            continue
        node_path = next((p for p in ordered if path == p or path.startswith(p + ".")), None)
        if node_path is None:
            where = place(path, content)
            text = message(problem)
            state.general.append(f"{where}：{text}" if where else text)
            continue
        node = by_id[paths[node_path]]
        rest = path[len(node_path) + 1:]
        name = _field_of(rest)
        text = message(problem)
        if not name and rest:
            text = f"{key_label(rest.split('.')[-1])}：{text}"
        node.errors.setdefault(name, []).append(text)


# ---- saving --------------------------------------------------------------------------------------


class EditorInvalid(Exception):
    """Not saved: the problems are in the state (at their fields)."""

    def __init__(self, state: EditorState):
        self.state = state
        super().__init__(_("未保存"))


def save(version: SchemeVersion, state: EditorState, *, user, reason: str = "") -> SchemeVersion:
    """Store the edited tree as the draft's content (all or nothing, audited by ``update_draft``).

    Refused — with the problems placed in ``state`` — when the engine finds problems, when the
    version is no longer a draft, or when someone else saved the draft since the page was opened
    (the page posts the content hash it started from).
    """
    with transaction.atomic():
        locked = SchemeVersion.objects.select_for_update().get(pk=version.pk)
        content, paths = content_of(state, locked.content)
        try:
            saved = svc.update_draft(locked, content, user=user, reason=reason, base_hash=state.base_hash)
        except svc.SchemeStale as exc:
            state.general.extend(exc.errors)
            raise EditorInvalid(state) from None
        except svc.SchemeInvalid as exc:
            place_problems(state, exc.problems, content, paths)
            raise EditorInvalid(state) from None
    return saved


__all__ = ["EditNode", "EditorInvalid", "EditorRefused", "EditorState", "blank", "content_of", "place_problems",
           "save", "state_from_post", "tree_of"]
